"""ActiveCampaignDestination (sync) and AsyncActiveCampaignDestination: events in, results out.

Both share everything but I/O: an event becomes a plan (pure), the plan an operation
(pure, see ``activecampaign_client.Operation``), and the client runs it. ``process`` never
raises for bad input or API failures; every outcome is a DeliveryResult.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

from ._errors import EventError
from .actions import Plan, plan_message
from .catalog import Catalog, CatalogName
from .config import DestinationConfig
from .results import DeliveryResult

__all__ = ["ActiveCampaignDestination", "AsyncActiveCampaignDestination", "Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A message that passed planning: its plan and the context for its result."""

    plan: Plan
    context: dict[str, Any]

    def delivered(self, warnings: list[str]) -> DeliveryResult:
        """The result of a successful run."""
        return DeliveryResult.ok(warnings, **self.context)

    def failed(self, exc: BaseException) -> DeliveryResult:
        """The result of a failed run, warnings found while planning kept."""
        result = DeliveryResult.from_exception(exc, **self.context)
        return DeliveryResult(
            status_code=result.status_code,
            retryable=result.retryable,
            error=result.error,
            warnings=self.plan.warnings,
            event_type=result.event_type,
            message_id=result.message_id,
            field=result.field,
        )


def _context(message: object) -> dict[str, Any]:
    if not isinstance(message, Mapping):
        return {}
    kind = message.get("type")
    message_id = message.get("messageId")
    return {
        "event_type": kind.strip().lower() if isinstance(kind, str) else None,
        "message_id": message_id if isinstance(message_id, str) else None,
    }


def prepare(message: object) -> Prepared | DeliveryResult:
    """Plan one message; a message that cannot be delivered gets its 400 result here."""
    context = _context(message)
    try:
        return Prepared(plan_message(message), context)
    except EventError as exc:
        return DeliveryResult.from_exception(exc, **context)
    except Exception as exc:
        return DeliveryResult.from_exception(exc, **context)


class ActiveCampaignDestination:
    """Delivers RudderStack messages to ActiveCampaign with a sync client."""

    def __init__(self, client: ActiveCampaign, *, refresh_interval: float = 60.0) -> None:
        self.client = client
        self.catalog = Catalog(client, now=client.clock.now, refresh_interval=refresh_interval)
        self._catalog_lock = threading.Lock()

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        http_client: httpx.Client | None = None,
        **client_options: Any,
    ) -> ActiveCampaignDestination:
        """Build from RudderStack's config keys: apiUrl, apiKey, actid, eventKey."""
        arguments = DestinationConfig.from_mapping(config).client_arguments()
        return cls(ActiveCampaign(**arguments, http_client=http_client, **client_options))

    def _ensure(self, needs: frozenset[CatalogName]) -> None:
        with self._catalog_lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    self.client.run(self.catalog.load(name))

    def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message)
        if isinstance(prepared, DeliveryResult):
            return prepared
        try:
            self._ensure(prepared.plan.needs)
            warnings = self.client.run(prepared.plan.operation(self.catalog))
        except Exception as exc:
            return prepared.failed(exc)
        return prepared.delivered(warnings)

    def process_batch(self, messages: Iterable[object]) -> list[DeliveryResult]:
        """Deliver messages in order; results in input order; one failure stops nothing."""
        return [self.process(message) for message in messages]

    def close(self) -> None:
        """Close the underlying client."""
        self.client.close()


class AsyncActiveCampaignDestination:
    """Delivers RudderStack messages to ActiveCampaign with an async client."""

    def __init__(self, client: AsyncActiveCampaign, *, refresh_interval: float = 60.0) -> None:
        self.client = client
        self.catalog = Catalog(client, now=client.clock.now, refresh_interval=refresh_interval)
        self._catalog_lock: asyncio.Lock | None = None

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        http_client: httpx.AsyncClient | None = None,
        **client_options: Any,
    ) -> AsyncActiveCampaignDestination:
        """Build from RudderStack's config keys: apiUrl, apiKey, actid, eventKey."""
        arguments = DestinationConfig.from_mapping(config).client_arguments()
        return cls(AsyncActiveCampaign(**arguments, http_client=http_client, **client_options))

    async def _ensure(self, needs: frozenset[CatalogName]) -> None:
        if self._catalog_lock is None:  # created lazily: it must belong to the running loop
            self._catalog_lock = asyncio.Lock()
        async with self._catalog_lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    await self.client.run(self.catalog.load(name))

    async def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message)
        if isinstance(prepared, DeliveryResult):
            return prepared
        try:
            await self._ensure(prepared.plan.needs)
            warnings = await self.client.run(prepared.plan.operation(self.catalog))
        except Exception as exc:
            return prepared.failed(exc)
        return prepared.delivered(warnings)

    async def process_batch(self, messages: Iterable[object]) -> list[DeliveryResult]:
        """Deliver messages; results in input order; one failure stops nothing."""
        return [await self.process(message) for message in messages]

    async def aclose(self) -> None:
        """Close the underlying client."""
        await self.client.aclose()
