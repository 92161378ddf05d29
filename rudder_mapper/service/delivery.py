"""One account's delivery run: walk its backlog in arrival order, deliver in batches,
record each outcome before moving on.

Runs inside a procrastinate job that holds the account's lock (one run per account at a
time, in order); an advisory lock in PostgreSQL fences a worker that was thought dead but
still runs. The account's request budget is handed from run to run in the database, by
the database's clock, so however many workers take turns the account never sees more than
its 5 requests a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from psycopg import AsyncConnection

from activecampaign_client import Clock, RateLimiter, SystemClock

from ..destination import AsyncActiveCampaignDestination
from ..results import DeliveryResult
from .accounts import AccountsFile, Source
from .budget import BudgetHandoff
from .outcomes import RetryPolicy, judge, next_batch
from .store import Outcome, PendingEvent, Store

__all__ = ["AccountRun", "DeliverySettings", "DestinationFactory", "Destinations"]

logger: logging.Logger = logging.getLogger("rudder_mapper.service")

# ActiveCampaign's budget per account, shared by every key and client of the account.
ACCOUNT_REQUESTS_PER_SECOND = 5.0

_SCAN_PAGE = 1000
# A run walks this many pending events at most looking for ones it may send now.
_SCAN_LIMIT = 20_000


@dataclass(frozen=True)
class DeliverySettings:
    """How a worker delivers."""

    batch_size: int = 500
    slice_seconds: float = 20.0
    """A run hands its account back after this long (then wakes it again), so a few
    busy accounts cannot hold every job slot of a worker."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    flush_every: float = 0.05
    """Seconds between commits of outcomes while a batch runs: after a crash, events
    whose answer came within this long before it are sent again."""


DestinationFactory = Callable[[Source, RateLimiter], AsyncActiveCampaignDestination]
"""Builds the destination for a source's settings, keeping to the account's limiter."""


class Destinations:
    """One destination per distinct account settings, kept for the worker's lifetime
    (their catalogs are what make steady-state delivery cheap), and one request budget per
    account that all of its destinations keep to. ``clock`` is the clients' clock."""

    def __init__(self, factory: DestinationFactory, clock: Clock | None = None) -> None:
        self._factory = factory
        self.clock: Clock = clock or SystemClock()
        self._made: dict[str, AsyncActiveCampaignDestination] = {}
        self._limiters: dict[str, RateLimiter] = {}

    def limiter(self, account: str) -> RateLimiter:
        """The account's budget in this process."""
        found = self._limiters.get(account)
        if found is None:
            found = self._limiters[account] = RateLimiter(ACCOUNT_REQUESTS_PER_SECOND)
        return found

    def for_source(self, source: Source) -> AsyncActiveCampaignDestination:
        """The destination for a source's settings."""
        destination = self._made.get(source.fingerprint)
        if destination is None:
            limiter = self.limiter(source.account)
            destination = self._made[source.fingerprint] = self._factory(source, limiter)
        return destination

    def halt(self) -> None:
        """Start no new event on any destination (a shutdown): those in flight finish."""
        for destination in self._made.values():
            destination.halt()

    async def aclose(self) -> None:
        """Close every destination's client."""
        for destination in self._made.values():
            await destination.aclose()
        self._made.clear()


@asynccontextmanager
async def _account_fence(store: Store, account: str) -> Any:
    """Hold the account's advisory lock for the run; yields whether it was free.

    Held by a connection of this process: if the process dies, PostgreSQL releases it
    at once, so a taken-over run never overlaps the one it replaces.
    """
    async with store.pool.connection() as conn:
        cur = await conn.execute(
            "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (f"rudder:{account}",)
        )
        row = await cur.fetchone()
        got = bool(row and row[0])
        try:
            yield got
        finally:
            if got:
                await _unlock(conn, account)


async def _unlock(conn: AsyncConnection[Any], account: str) -> None:
    await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (f"rudder:{account}",))


class AccountRun:
    """Delivers one account's due events until none is left, the slice ends, or the
    worker stops."""

    def __init__(
        self,
        store: Store,
        accounts: AccountsFile,
        destinations: Destinations,
        settings: DeliverySettings,
        *,
        stopping: asyncio.Event,
        wake: Callable[[str], Awaitable[None]],
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.destinations = destinations
        self.settings = settings
        self.stopping = stopping
        self.wake = wake
        self.budget: BudgetHandoff = BudgetHandoff(store)

    async def run(self, account: str) -> int:
        """Deliver; returns how many events were settled."""
        sources = {s.id: s for s in self.accounts.current.for_account(account)}
        if not sources:
            logger.warning("account %s is not in the accounts file; its events wait", account)
            return 0
        if not await self._may_deliver(account):
            return 0
        started = time.monotonic()
        async with _account_fence(self.store, account) as free:
            if not free:
                logger.info("account %s is being delivered by another worker", account)
                return 0
            await self.store.mark_delivering(account, self.budget.token)
            try:
                settled = await self._walk(account, sources, started)
            finally:
                await asyncio.shield(self.store.mark_delivering(account, None))
        return settled

    async def _walk(self, account: str, sources: dict[str, Source], started: float) -> int:
        """Deliver batch after batch, in the account's fence."""
        settled = 0
        limiter = self.destinations.limiter(account)
        clock = self.destinations.clock
        await self.budget.receive(account, limiter, clock)
        while not self.stopping.is_set():
            if time.monotonic() - started > self.settings.slice_seconds:
                await self.wake(account)  # more to do: queue the next slice
                break
            batch = await self._next_batch(account, sources)
            if not batch:
                break
            done, paused = await self._deliver(account, batch, sources)
            await self.budget.hand_over(account, limiter, clock)
            settled += done
            if paused:
                break
        return settled

    async def _may_deliver(self, account: str) -> bool:
        state = await self.store.account_state(account)
        if state["paused_reason"] is None:
            return True
        if state["paused_fingerprint"] != self.accounts.current.account_fingerprint(account):
            logger.info("account %s: settings changed, deliveries resume", account)
            await self.store.resume(account)
            return True
        return False

    async def _next_batch(
        self, account: str, sources: dict[str, Source]
    ) -> list[tuple[PendingEvent, Source]]:
        """The next events to send, all under one settings (a run of arrival order)."""
        blocked: set[str] = set()
        chosen: list[PendingEvent] = []
        after, scanned = 0, 0
        while len(chosen) < self.settings.batch_size and scanned < _SCAN_LIMIT:
            page = await self.store.pending(account, after, _SCAN_PAGE)
            if not page:
                break
            scanned += len(page)
            after = page[-1].id
            chosen += next_batch(page, self.settings.batch_size - len(chosen), blocked)
        batch: list[tuple[PendingEvent, Source]] = []
        for event in chosen:
            source = sources.get(event.source)
            if source is None:
                continue  # a write key removed from the accounts file: its events wait
            if batch and source.fingerprint != batch[0][1].fingerprint:
                break  # another settings' events: next batch, so order holds
            batch.append((event, source))
        return batch

    async def _deliver(
        self, account: str, batch: list[tuple[PendingEvent, Source]], sources: dict[str, Source]
    ) -> tuple[int, bool]:
        destination = self.destinations.for_source(batch[0][1])
        client = destination.client
        sent_before, refused_before = client.requests_sent, client.rate_limited
        recorder = _Recorder(self.store, account, [event for event, _ in batch], self.settings)
        messages = [_decode(event.body) for event, _ in batch]
        async with recorder:
            await destination.process_batch(messages, on_result=recorder.on_result)
        counters = {
            "requests": float(client.requests_sent - sent_before),
            "rate_limited": float(client.rate_limited - refused_before),
        }
        await self.store.settle(account, [], counters)
        logger.info(
            "account %s: %d events, %s, %d requests",
            account,
            len(batch),
            ", ".join(f"{n} {kind}" for kind, n in sorted(recorder.kinds.items()))
            or "none settled",
            counters["requests"],
        )
        if recorder.pause is not None:
            logger.error("account %s paused: %s", account, recorder.pause)
            fingerprint = self.accounts.current.account_fingerprint(account)
            await self.store.pause(account, recorder.pause, fingerprint)
        return recorder.settled, recorder.pause is not None


class _Recorder:
    """Commits outcomes while a batch runs: each result is judged as it arrives, and the
    outcomes gathered are committed every ``flush_every`` seconds (and when the batch
    ends, or is cancelled). A crash loses at most the outcomes of that last moment: their
    events are sent again (at least once)."""

    def __init__(
        self,
        store: Store,
        account: str,
        events: list[PendingEvent],
        settings: DeliverySettings,
    ) -> None:
        self.store = store
        self.account = account
        self.events = events
        self.settings = settings
        self.pause: str | None = None
        self.settled = 0
        self.kinds: dict[str, int] = {}
        """Outcomes by kind (delivered, retry, dead), for the batch's log line."""
        self._pending: list[Outcome] = []
        self._flusher: asyncio.Task[None] | None = None
        self._done = asyncio.Event()
        self._lock = asyncio.Lock()

    def on_result(self, index: int, result: DeliveryResult) -> None:
        """The destination's ``on_result``: judge one result (on the event loop)."""
        verdict = judge(self.events[index], result, self.settings.retry)
        if verdict.outcome is not None:
            self._pending.append(verdict.outcome)
            self.kinds[verdict.outcome.kind] = self.kinds.get(verdict.outcome.kind, 0) + 1
        elif verdict.pause is not None and self.pause is None:
            self.pause = verdict.pause

    async def flush(self) -> None:
        """Commit the outcomes gathered so far. Shielded: a cancelled caller (a worker
        past its grace) never leaves a commit half done, and flushes never overlap."""
        await asyncio.shield(self._flush_locked())

    async def _flush_locked(self) -> None:
        async with self._lock:
            outcomes, self._pending = self._pending, []
            if outcomes:
                await self.store.settle(self.account, outcomes, {})
                self.settled += len(outcomes)

    async def _flush_often(self) -> None:
        while not self._done.is_set():
            with contextlib.suppress(asyncio.TimeoutError):  # TimeoutError on 3.11+
                await asyncio.wait_for(self._done.wait(), self.settings.flush_every)
            await self.flush()

    async def __aenter__(self) -> _Recorder:
        self._flusher = asyncio.create_task(self._flush_often())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._flusher is not None
        self._done.set()
        # Even when the batch was cancelled (a shutdown past its grace): what finished is
        # recorded, so only the events in flight are sent again.
        try:
            await self._flusher
        finally:
            await self.flush()


def _decode(body: str) -> object:
    try:
        return json.loads(body)
    except ValueError:  # stored by intake as strict JSON; a hand-edited row is the event's fault
        return body
