"""ActiveCampaignDestination (sync) and AsyncActiveCampaignDestination: events in, results out.

Both share everything but I/O: an event becomes a plan (pure), the plan an operation
(pure, see ``activecampaign_client.Operation``), and the client runs it. ``process`` and
``process_batch`` never raise for bad input or API failures; every outcome is a
DeliveryResult, in input order. Batches run users concurrently (``max_concurrency``),
each user's events in order, and send 10+ identifies through bulk import
(``bulk_threshold``; 0 disables) — see ``rudder_mapper.batching``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Self, Unpack

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

from ._prepare import Prepared, deliver, prepare
from .batching import BatchPlan, bulk_import_operation, plan_batch, prime_catalog
from .catalog import Catalog, CatalogName
from .config import ClientOptions, DestinationConfig
from .results import DeliveryResult

__all__ = ["ActiveCampaignDestination", "AsyncActiveCampaignDestination"]

DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_BULK_THRESHOLD = 10
DEFAULT_REFRESH_INTERVAL = 60.0


class _Batch:
    """One batch being delivered: prepared items, the plan, and results by index."""

    def __init__(self, messages: Iterable[object], bulk_threshold: int) -> None:
        self.items = [prepare(message) for message in messages]
        self.results: list[DeliveryResult | None] = [
            item if isinstance(item, DeliveryResult) else None for item in self.items
        ]
        self.plan: BatchPlan = plan_batch(self.items, bulk_threshold)

    def needs(self) -> frozenset[CatalogName]:
        """Catalogs the batch's one-by-one events look names up in."""
        return frozenset(
            name
            for group in self.plan.groups
            for index in group
            for name in self.prepared(index).plan.needs
        )

    def prepared(self, index: int) -> Prepared:
        """The planned event at ``index``."""
        item = self.items[index]
        assert isinstance(item, Prepared)
        return item

    def settle(self, results: Mapping[int, DeliveryResult]) -> None:
        """Record results by index."""
        for index, result in results.items():
            self.results[index] = result

    def fail_bulk(self, exc: BaseException) -> None:
        """Every bulk-imported event failed with ``exc`` (the import never ran to an end)."""
        self.settle({i: self.prepared(i).failed(exc) for i in self.plan.bulk})

    def finished(self) -> list[DeliveryResult]:
        """Results in input order (every index has one by now)."""
        return [
            r if r is not None else DeliveryResult(500, False, "not processed")
            for r in self.results
        ]


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
        )

    def _ensure(self, needs: frozenset[CatalogName]) -> None:
        with self._catalog_lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    self.client.run(self.catalog.load(name))

    def _deliver(self, prepared: Prepared) -> DeliveryResult:
        try:
            self._ensure(prepared.plan.needs)
            return self.client.run(deliver(prepared, self.catalog))
        except Exception as exc:  # the last net: nothing may escape process()
            return prepared.failed(exc)

    def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message)
        return prepared if isinstance(prepared, DeliveryResult) else self._deliver(prepared)

    def process_batch(self, messages: Iterable[object]) -> list[DeliveryResult]:
        """Deliver many messages; results in input order; one failure stops nothing."""
        batch = _Batch(messages, self.bulk_threshold)
        # Failures here are left to the events, whose own runs report them.
        with contextlib.suppress(Exception):
            self._ensure(batch.needs())
            self.client.run(prime_catalog(self.catalog, batch.items, batch.plan.groups))

        def run_group(group: list[int]) -> None:
            for index in group:
                batch.results[index] = self._deliver(batch.prepared(index))

        def run_groups(groups: list[list[int]]) -> None:
            if self.max_concurrency == 1 or len(groups) <= 1:
                for group in groups:
                    run_group(group)
                return
            with ThreadPoolExecutor(self.max_concurrency) as pool:
                list(pool.map(run_group, groups))

        run_groups(batch.plan.before)
        if batch.plan.bulk:
            try:
                batch.settle(
                    self.client.run(
                        bulk_import_operation(self.catalog, batch.items, batch.plan.bulk)
                    )
                )
            except Exception as exc:  # the import reports per event; this is the last net
                batch.fail_bulk(exc)
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
        )

    async def _ensure(self, needs: frozenset[CatalogName]) -> None:
        if self._loop_locks is None:
            self._loop_locks = weakref.WeakKeyDictionary()
        lock = self._loop_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        async with lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    await self.client.run(self.catalog.load(name))

    async def _deliver(self, prepared: Prepared) -> DeliveryResult:
        try:
            await self._ensure(prepared.plan.needs)
            return await self.client.run(deliver(prepared, self.catalog))
        except Exception as exc:  # the last net: nothing may escape process()
            return prepared.failed(exc)

    async def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message)
        return prepared if isinstance(prepared, DeliveryResult) else await self._deliver(prepared)

    async def process_batch(self, messages: Iterable[object]) -> list[DeliveryResult]:
        """Deliver many messages concurrently; results in input order; one failure stops
        nothing; each user's events are applied in their original order."""
        batch = _Batch(messages, self.bulk_threshold)
        # Failures here are left to the events, whose own runs report them.
        with contextlib.suppress(Exception):
            await self._ensure(batch.needs())
            await self.client.run(prime_catalog(self.catalog, batch.items, batch.plan.groups))
        slots = asyncio.Semaphore(self.max_concurrency)

        async def run_group(group: list[int]) -> None:
            async with slots:
                for index in group:
                    batch.results[index] = await self._deliver(batch.prepared(index))

        await asyncio.gather(*(run_group(group) for group in batch.plan.before))
        if batch.plan.bulk:
            try:
                imported = bulk_import_operation(self.catalog, batch.items, batch.plan.bulk)
                batch.settle(await self.client.run(imported))
            except Exception as exc:  # the import reports per event; this is the last net
                batch.fail_bulk(exc)
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
