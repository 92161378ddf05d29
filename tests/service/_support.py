"""Building blocks for the service tests: an emulated account and events stored for it."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from psycopg_pool import AsyncConnectionPool

from activecampaign_client import RateLimiter
from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper import AsyncActiveCampaignDestination
from rudder_mapper.service.accounts import AccountsFile, Source
from rudder_mapper.service.delivery import AccountRun, DeliverySettings, Destinations
from rudder_mapper.service.intake import IntakeLimits, messages_for
from rudder_mapper.service.store import Store

API_URL = "https://acct.api-us1.com"
ACCOUNT = "acct.api-us1.com"
API_KEY = "emulated-api-key-0123456789"
WRITE_KEY = "wk-web"


def entry(api_key: str = API_KEY) -> dict[str, Any]:
    """An accounts-file entry for the emulated account."""
    return {"apiUrl": API_URL, "apiKey": api_key, "actid": "1000", "eventKey": "event-key"}


def identify(user: str, **traits: Any) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "traits": {"email": f"{user}@example.com", **traits},
    }


def track(user: str, event: str = "Bought") -> dict[str, Any]:
    return {
        "type": "track",
        "userId": user,
        "event": event,
        "context": {"traits": {"email": f"{user}@example.com"}},
    }


@dataclass
class Service:
    """A store on the test database, an accounts file, and an emulator for the account."""

    pool: AsyncConnectionPool
    accounts_path: Path
    emulator: ActiveCampaignEmulator = field(
        default_factory=lambda: ActiveCampaignEmulator(
            api_url=API_URL,
            api_key=API_KEY,
            actid="1000",
            event_key="event-key",
            clock=SimulatedClock(),
        )
    )
    woken: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.write_accounts(entry())
        self.accounts = AccountsFile(self.accounts_path, check_every=0.0)
        self.store = Store(self.pool)
        self.destinations = Destinations(self._destination, self.emulator.clock)

    def write_accounts(self, config: dict[str, Any]) -> None:
        self.accounts_path.write_text(json.dumps({WRITE_KEY: config}))

    def _destination(self, source: Source, limiter: RateLimiter) -> AsyncActiveCampaignDestination:
        # The source's own settings, on the emulator's transport and clock.
        client = self.emulator.async_client(
            api_key=source.config["apiKey"],
            actid=source.config.get("actid"),
            event_key=source.config.get("eventKey"),
            rate_limiter=limiter,
        )
        return AsyncActiveCampaignDestination(client, owns_client=True, hold_on_failure=True)

    async def ingest(self, *messages: dict[str, Any]) -> None:
        source = self.accounts.current.get(WRITE_KEY)
        assert source is not None
        incoming = messages_for("batch", {"batch": list(messages)}, IntakeLimits())
        await self.store.store(source.id, source.account, incoming, 3600.0)

    def run(self, settings: DeliverySettings | None = None) -> AccountRun:
        async def wake(account: str) -> None:
            self.woken.append(account)

        return AccountRun(
            self.store,
            self.accounts,
            self.destinations,
            settings or DeliverySettings(),
            stopping=asyncio.Event(),
            wake=wake,
        )

    async def rows(self) -> list[dict[str, Any]]:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id, state, attempts, status_code, error, body,"
                " next_attempt_at > clock_timestamp() AS waiting FROM rudder_events ORDER BY id"
            )
            names = [c.name for c in cur.description or []]
            return [dict(zip(names, row, strict=True)) for row in await cur.fetchall()]
