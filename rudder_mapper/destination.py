"""ActiveCampaignDestination (sync) and AsyncActiveCampaignDestination: events in, results out.

Both share everything but I/O: an event becomes a plan (pure), the plan an operation
(pure, see ``activecampaign_client.Operation``), and the client runs it. ``process`` and
``process_batch`` never raise for bad input or API failures; every outcome is a
DeliveryResult, in input order. Batches run users concurrently (``max_concurrency``),
each user's events in order, and send 10+ identifies through bulk import
(``bulk_threshold``; 0 disables) — see ``rudder_mapper.batching``.

Two gates stand before each event's first request: ``halt()`` (stop starting events, e.g.
on a shutdown signal) and the configuration circuit breaker (``destination.breaker``, see
``rudder_mapper.breaker``). An event stopped by either comes back ``attempted=False``.
``process_batch`` can report each event as it starts (``on_start``) and as soon as its
result is known (``on_result``), so a journal records outcomes while the batch runs.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Self, Unpack

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

from ._batch import Batch, OnResult, OnStart
from ._prepare import Prepared, deliver, prepare
from .batching import bulk_import_operation, prime_catalog
from .breaker import DEFAULT_BREAKER_COOLDOWN, ConfigBreaker
from .catalog import Catalog, CatalogName
from .config import ClientOptions, DestinationConfig
from .results import DeliveryResult, config_fault_scope

__all__ = ["ActiveCampaignDestination", "AsyncActiveCampaignDestination"]

DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_BULK_THRESHOLD = 10
DEFAULT_REFRESH_INTERVAL = 60.0


C = TypeVar("C", ActiveCampaign, AsyncActiveCampaign)


class _DestinationCore(Generic[C]):
    """What both destinations hold: the client, the account's catalogs, batch settings."""

    def __init__(
        self,
        client: C,
        *,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
        owns_client: bool = False,
        breaker_cooldown: float = DEFAULT_BREAKER_COOLDOWN,
    ) -> None:
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise TypeError("max_concurrency must be a positive integer")
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be a positive integer")
        if isinstance(bulk_threshold, bool) or not isinstance(bulk_threshold, int):
            raise TypeError("bulk_threshold must be 0 (never) or a positive integer")
        if bulk_threshold < 0:
            raise ValueError("bulk_threshold must be 0 (never) or a positive integer")
        self.client: C = client
        self.catalog: Catalog = Catalog(
            client, now=client.clock.now, refresh_interval=refresh_interval
        )
        self.max_concurrency = max_concurrency
        self.bulk_threshold = bulk_threshold
        # close() closes the client only when from_config made it; yours stays yours.
        self.owns_client = owns_client
        # Threads share one catalog load (the async destination uses an asyncio.Lock).
        self._catalog_lock = threading.Lock()
        self.breaker: ConfigBreaker = ConfigBreaker(client.clock.now, cooldown=breaker_cooldown)
        """Opens on a configuration fault; see ``rudder_mapper.breaker``."""
        self._halted = threading.Event()

    def halt(self) -> None:
        """Start no more events: those not yet started come back ``attempted=False``
        (503, retryable); events already sending finish. For a graceful shutdown."""
        self._halted.set()

    @property
    def halted(self) -> bool:
        """Whether ``halt()`` was called."""
        return self._halted.is_set()

    def _begin(self, prepared: Prepared, start: Callable[[], None] | None) -> DeliveryResult | None:
        """The gates before an event's first request: None to go ahead (``start`` was
        called), or the event's result when it must not be sent."""
        if self._halted.is_set():
            return prepared.unattempted(DeliveryResult.halted())
        fault, _ = self.breaker.admit(prepared.scopes)
        if fault is not None:
            return prepared.unattempted(fault)
        if start is not None:
            start()
            if self._halted.is_set():  # the caller's start hook may halt us
                return prepared.unattempted(DeliveryResult.halted())
        return None

    def _end(self, prepared: Prepared, result: DeliveryResult) -> DeliveryResult:
        self.breaker.record(result, prepared.scopes)
        return result

    def _should_prime(self) -> bool:
        return not self._halted.is_set() and not self.breaker.is_open("account")

    def _prime_failed(self, exc: Exception) -> None:
        # Other failures are left to the events, whose own runs report them; a refused key
        # opens the breaker before any event spends a request to learn it again.
        if config_fault_scope(exc) is not None:
            self.breaker.record(DeliveryResult.from_exception(exc))

    def _admit_bulk(self, batch: Batch) -> list[int]:
        admitted = []
        for index in batch.plan.bulk:
            blocked = self._begin(batch.prepared(index), partial(batch.start, index))
            if blocked is None:
                admitted.append(index)
            else:
                batch.finish(index, blocked)
        return admitted

    def _settle_bulk(self, batch: Batch, results: Mapping[int, DeliveryResult]) -> None:
        for index, result in results.items():
            batch.finish(index, self._end(batch.prepared(index), result))


class ActiveCampaignDestination(_DestinationCore[ActiveCampaign]):
    """Delivers RudderStack messages to ActiveCampaign with a sync client.

    Batches use a pool of ``max_concurrency`` threads; the client's limiter keeps them
    all within the account's request budget. Use it as a context manager, or ``close()``.
    """

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        http_client: httpx.Client | None = None,
        *,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
        breaker_cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        **client_options: Unpack[ClientOptions],
    ) -> ActiveCampaignDestination:
        """Build from RudderStack's config keys: apiUrl, apiKey, actid, eventKey.

        ``client_options`` go to ``ActiveCampaign`` (timeout, max_retries, ...).
        """
        arguments = DestinationConfig.from_mapping(config).client_arguments()
        client = ActiveCampaign(**arguments, http_client=http_client, **client_options)
        return cls(
            client,
            refresh_interval=refresh_interval,
            max_concurrency=max_concurrency,
            bulk_threshold=bulk_threshold,
            owns_client=True,
            breaker_cooldown=breaker_cooldown,
        )

    def _ensure(self, needs: frozenset[CatalogName]) -> None:
        with self._catalog_lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    self.client.run(self.catalog.load(name))

    def _deliver(
        self, prepared: Prepared, start: Callable[[], None] | None = None
    ) -> DeliveryResult:
        blocked = self._begin(prepared, start)
        if blocked is not None:
            return blocked
        try:
            self._ensure(prepared.plan.needs)
            result = self.client.run(deliver(prepared, self.catalog))
        except Exception as exc:  # the last net: nothing may escape process()
            result = prepared.failed(exc)
        return self._end(prepared, result)

    def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message)
        return prepared if isinstance(prepared, DeliveryResult) else self._deliver(prepared)

    def process_batch(
        self,
        messages: Iterable[object],
        *,
        on_start: OnStart | None = None,
        on_result: OnResult | None = None,
    ) -> list[DeliveryResult]:
        """Deliver many messages; results in input order; one failure stops nothing.

        ``on_start(index)`` is called just before an event's first request, and
        ``on_result(index, result)`` as soon as its result is known, from the thread
        running the event; neither may raise.
        """
        batch = Batch(messages, self.bulk_threshold, on_start=on_start, on_result=on_result)
        if self._should_prime():
            try:
                self._ensure(batch.needs())
                self.client.run(prime_catalog(self.catalog, batch.items, batch.plan.groups))
            except Exception as exc:
                self._prime_failed(exc)

        def run_group(group: list[int]) -> None:
            for index in group:
                result = self._deliver(batch.prepared(index), partial(batch.start, index))
                batch.finish(index, result)

        def run_groups(groups: list[list[int]]) -> None:
            if self.max_concurrency == 1 or len(groups) <= 1:
                for group in groups:
                    run_group(group)
                return
            with ThreadPoolExecutor(self.max_concurrency) as pool:
                list(pool.map(run_group, groups))

        run_groups(batch.plan.before)
        admitted = self._admit_bulk(batch)
        if admitted:
            try:
                imported = self.client.run(
                    bulk_import_operation(self.catalog, batch.items, admitted)
                )
            except Exception as exc:  # the import reports per event; this is the last net
                imported = {i: batch.prepared(i).failed(exc) for i in admitted}
            self._settle_bulk(batch, imported)
        run_groups(batch.plan.after)
        return batch.finished()

    def close(self) -> None:
        """Close the client if this destination created it (``from_config``)."""
        if self.owns_client:
            self.client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncActiveCampaignDestination(_DestinationCore[AsyncActiveCampaign]):
    """Delivers RudderStack messages to ActiveCampaign with an async client.

    Batches run up to ``max_concurrency`` users' event sequences at once; the client's
    limiter keeps them all within the account's request budget. Use it with
    ``async with``, or ``await aclose()``.
    """

    # One lock per event loop, made on first use there: an asyncio.Lock belongs to one loop,
    # and a destination may outlive it (one asyncio.run per batch, per-test loops).
    _loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        http_client: httpx.AsyncClient | None = None,
        *,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
        breaker_cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        **client_options: Unpack[ClientOptions],
    ) -> AsyncActiveCampaignDestination:
        """Build from RudderStack's config keys: apiUrl, apiKey, actid, eventKey.

        ``client_options`` go to ``AsyncActiveCampaign`` (timeout, max_retries, ...).
        """
        arguments = DestinationConfig.from_mapping(config).client_arguments()
        client = AsyncActiveCampaign(**arguments, http_client=http_client, **client_options)
        return cls(
            client,
            refresh_interval=refresh_interval,
            max_concurrency=max_concurrency,
            bulk_threshold=bulk_threshold,
            owns_client=True,
            breaker_cooldown=breaker_cooldown,
        )

    async def _ensure(self, needs: frozenset[CatalogName]) -> None:
        if self._loop_locks is None:
            self._loop_locks = weakref.WeakKeyDictionary()
        lock = self._loop_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        async with lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    await self.client.run(self.catalog.load(name))

    async def _deliver(
        self, prepared: Prepared, start: Callable[[], None] | None = None
    ) -> DeliveryResult:
        blocked = self._begin(prepared, start)
        if blocked is not None:
            return blocked
        try:
            await self._ensure(prepared.plan.needs)
            result = await self.client.run(deliver(prepared, self.catalog))
        except Exception as exc:  # the last net: nothing may escape process()
            result = prepared.failed(exc)
        return self._end(prepared, result)

    async def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message)
        return prepared if isinstance(prepared, DeliveryResult) else await self._deliver(prepared)

    async def process_batch(
        self,
        messages: Iterable[object],
        *,
        on_start: OnStart | None = None,
        on_result: OnResult | None = None,
    ) -> list[DeliveryResult]:
        """Deliver many messages concurrently; results in input order; one failure stops
        nothing; each user's events are applied in their original order.

        ``on_start(index)`` is called just before an event's first request, and
        ``on_result(index, result)`` as soon as its result is known, on the event loop;
        neither may raise. Cancelling the call cancels the events in flight.
        """
        batch = Batch(messages, self.bulk_threshold, on_start=on_start, on_result=on_result)
        if self._should_prime():
            try:
                await self._ensure(batch.needs())
                await self.client.run(prime_catalog(self.catalog, batch.items, batch.plan.groups))
            except Exception as exc:
                self._prime_failed(exc)
        slots = asyncio.Semaphore(self.max_concurrency)

        async def run_group(group: list[int]) -> None:
            async with slots:
                for index in group:
                    result = await self._deliver(batch.prepared(index), partial(batch.start, index))
                    batch.finish(index, result)

        await asyncio.gather(*(run_group(group) for group in batch.plan.before))
        admitted = self._admit_bulk(batch)
        if admitted:
            try:
                imported = await self.client.run(
                    bulk_import_operation(self.catalog, batch.items, admitted)
                )
            except Exception as exc:  # the import reports per event; this is the last net
                imported = {i: batch.prepared(i).failed(exc) for i in admitted}
            self._settle_bulk(batch, imported)
        await asyncio.gather(*(run_group(group) for group in batch.plan.after))
        return batch.finished()

    async def aclose(self) -> None:
        """Close the client if this destination created it (``from_config``)."""
        if self.owns_client:
            await self.client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
