"""ActiveCampaignDestination (sync) and AsyncActiveCampaignDestination: events in, results out.

Both share everything but I/O: an event becomes a plan (pure), the plan an operation
(pure, see ``activecampaign_client.Operation``), and the client runs it. ``process`` and
``process_batch`` never raise for bad input or API failures; every outcome is a
DeliveryResult, in input order. Batches run users concurrently (``max_concurrency``),
each user's events in order; a contact's identifies in one batch are merged into one
update (``coalesce_identifies``, see ``actions.contact_update``), and 10+ contacts to
identify go through bulk import (``bulk_threshold``; 0 disables) — see
``rudder_mapper.batching``. A later identify of a contact whose import ActiveCampaign may
still be processing waits for it first (``import_wait``, see ``rudder_mapper.imports``).

A batch goes through these steps, the same in both destinations:

1. plan every event, and the batch (``BatchRun``);
2. load the catalogs its units need, each once; units needing one that failed get that
   failure (one load per failure per batch);
3. create, one at a time, the names the one-by-one units lack (``prime_catalog``);
4. run each user's units that come before its bulk identify, except users identifying a
   contact in a pending import;
5. wait for those imports (the time step 4 took is often all it needs); contacts whose
   import is still pending are deferred (retryable 503); then run the users held back;
6. the import, then each user's remaining units.

Before each unit's first request it passes the gates (``halt()``, the configuration
circuit breaker, ``hold_on_failure``; see ``DestinationCore``); ``process_batch`` reports
each event as it starts (``on_start``) and as soon as its result is known
(``on_result``), so a journal records outcomes while the batch runs.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Generator, Iterable
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

import httpx
from typing_extensions import Self

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

from ._batch import OnResult, OnStart, import_deferral
from ._core import (
    DEFAULT_BULK_THRESHOLD,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_REFRESH_INTERVAL,
    DestinationCore,
    not_config_faults,
    refused_alike,
    refuses_all,
)
from ._prepare import Prepared, deliver, prepare
from .batching import Unit, prime_catalog
from .bulk import bulk_import_operation
from .catalog import CatalogName
from .config import ClientOptions
from .imports import Pause, Step
from .results import DeliveryResult

__all__ = [
    "DEFAULT_BULK_THRESHOLD",
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_REFRESH_INTERVAL",
    "ActiveCampaignDestination",
    "AsyncActiveCampaignDestination",
]

T = TypeVar("T")


class ActiveCampaignDestination(DestinationCore[ActiveCampaign, httpx.Client]):
    """Delivers RudderStack messages to ActiveCampaign with a sync client.

    Batches use a pool of ``max_concurrency`` threads; the client's limiter keeps them
    all within the account's request budget. Use it as a context manager, or ``close()``.
    """

    @staticmethod
    def _new_client(
        arguments: dict[str, Any], http_client: httpx.Client | None, options: ClientOptions
    ) -> ActiveCampaign:
        return ActiveCampaign(**arguments, http_client=http_client, **options)

    def _load(self, needs: frozenset[CatalogName]) -> dict[CatalogName, Exception]:
        """Load the catalogs not loaded yet; the failures, by catalog."""
        errors: dict[CatalogName, Exception] = {}
        with self._catalog_lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    try:
                        self.client.run(self.catalog.load(name))
                    except Exception as exc:
                        errors[name] = exc
                        if refuses_all(exc):
                            break
        return refused_alike(needs, errors)

    def _drive(self, steps: Generator[Step, Any, T]) -> T:
        """Carry out a pure waiting routine: pauses on the client's clock, operations on
        the client."""
        try:
            step = next(steps)
            while True:
                if isinstance(step, Pause):
                    self.client.clock.sleep(step.seconds)
                    step = steps.send(None)
                else:
                    step = steps.send(self.client.run(step))
        except StopIteration as stop:
            result: T = stop.value
            return result

    def _settle_imports(self, emails: Iterable[str]) -> set[str]:
        """Wait for pending imports of these contacts; the emails still pending."""
        emails = list(emails)
        try:
            return self._drive(self._settling(emails))
        except Exception:  # the last net: unsure, hold them back (a retry delivers them)
            return set(emails)

    def _deliver(self, prepared: Prepared) -> DeliveryResult:
        blocked = self._gate(prepared)
        if blocked is not None:
            return prepared.unattempted(blocked)
        try:
            email = self._waits_for_import(prepared)
            if email is not None and self._settle_imports([email]):
                return prepared.deferred(import_deferral(email, self.import_wait.timeout))
            errors = self._load(prepared.plan.needs)
            if errors:
                result = prepared.failed(next(iter(errors.values())))
            else:
                result = self.client.run(deliver(prepared, self.catalog))
        except Exception as exc:  # the last net: nothing may escape process()
            result = prepared.failed(exc)
        return self._single(prepared, result)

    def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message, self.limits)
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
        batch = self._batch(messages, on_start, on_result)
        if self._may_load():
            errors = self._load(batch.needs())
            self._noted(errors)  # a configuration fault: the gates answer its events
            batch.fail_for_catalogs(not_config_faults(errors))
        if self._may_load():  # again: the loads may have found the key refused
            try:
                units = self._open_units(batch)
                self.client.run(prime_catalog(self.catalog, batch.items, units))
            except Exception as exc:  # others are left to the events, which report them
                self._noted({"names": exc})
        emails = batch.identify_emails()
        ready, held = batch.hold_back(self.imports.blocked(emails))

        def run_unit(unit: Unit) -> None:
            if not self._begin(batch, unit):
                return
            try:
                needs = batch.unit_needs(unit)  # loaded up front, unless a probe
                errors = self._load(needs) if self._missing(needs) else {}
                if errors:
                    results = batch.failures([unit], next(iter(errors.values())))
                else:
                    results = self.client.run(batch.operation(unit, self.catalog))
            except Exception as exc:  # the last net: nothing may escape process_batch()
                results = batch.failures([unit], exc)
            self._end(batch, results)

        def run_group(group: list[Unit]) -> None:
            for unit in batch.live(group):
                run_unit(unit)

        def run_groups(groups: list[list[Unit]]) -> None:
            if self.max_concurrency == 1 or len(groups) <= 1:
                for group in groups:
                    run_group(group)
                return
            with ThreadPoolExecutor(self.max_concurrency) as pool:
                list(pool.map(run_group, groups))

        run_groups(ready)
        batch.defer(self._settle_imports(emails), self.import_wait.timeout)
        run_groups(held)
        bulk = [unit for unit in batch.live(batch.plan.bulk) if self._begin(batch, unit)]
        if bulk:
            try:
                outcome = self.client.run(bulk_import_operation(self.catalog, batch.items, bulk))
            except Exception as exc:  # the import reports per event; this is the last net
                self._end(batch, batch.failures(bulk, exc))
            else:
                self._remember(outcome)
                self._end(batch, outcome.results)
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


class AsyncActiveCampaignDestination(DestinationCore[AsyncActiveCampaign, httpx.AsyncClient]):
    """Delivers RudderStack messages to ActiveCampaign with an async client.

    Batches run up to ``max_concurrency`` users' event sequences at once; the client's
    limiter keeps them all within the account's request budget. Use it with
    ``async with``, or ``await aclose()``.
    """

    @staticmethod
    def _new_client(
        arguments: dict[str, Any], http_client: httpx.AsyncClient | None, options: ClientOptions
    ) -> AsyncActiveCampaign:
        return AsyncActiveCampaign(**arguments, http_client=http_client, **options)

    # One lock per event loop, made on first use there: an asyncio.Lock belongs to one loop,
    # and a destination may outlive it (one asyncio.run per batch, per-test loops).
    _loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] | None = None

    async def _load(self, needs: frozenset[CatalogName]) -> dict[CatalogName, Exception]:
        """Load the catalogs not loaded yet; the failures, by catalog."""
        if self._loop_locks is None:
            self._loop_locks = weakref.WeakKeyDictionary()
        lock = self._loop_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
        errors: dict[CatalogName, Exception] = {}
        async with lock:
            for name in sorted(needs):
                if not self.catalog.is_loaded(name):
                    try:
                        await self.client.run(self.catalog.load(name))
                    except Exception as exc:
                        errors[name] = exc
                        if refuses_all(exc):
                            break
        return refused_alike(needs, errors)

    async def _drive(self, steps: Generator[Step, Any, T]) -> T:
        """Carry out a pure waiting routine: pauses on the client's clock, operations on
        the client."""
        try:
            step = next(steps)
            while True:
                if isinstance(step, Pause):
                    await self.client.clock.asleep(step.seconds)
                    step = steps.send(None)
                else:
                    step = steps.send(await self.client.run(step))
        except StopIteration as stop:
            result: T = stop.value
            return result

    async def _settle_imports(self, emails: Iterable[str]) -> set[str]:
        """Wait for pending imports of these contacts; the emails still pending."""
        emails = list(emails)
        try:
            return await self._drive(self._settling(emails))
        except Exception:  # the last net: unsure, hold them back (a retry delivers them)
            return set(emails)

    async def _deliver(self, prepared: Prepared) -> DeliveryResult:
        blocked = self._gate(prepared)
        if blocked is not None:
            return prepared.unattempted(blocked)
        try:
            email = self._waits_for_import(prepared)
            if email is not None and await self._settle_imports([email]):
                return prepared.deferred(import_deferral(email, self.import_wait.timeout))
            errors = await self._load(prepared.plan.needs)
            if errors:
                result = prepared.failed(next(iter(errors.values())))
            else:
                result = await self.client.run(deliver(prepared, self.catalog))
        except Exception as exc:  # the last net: nothing may escape process()
            result = prepared.failed(exc)
        return self._single(prepared, result)

    async def process(self, message: object) -> DeliveryResult:
        """Deliver one message; never raises."""
        prepared = prepare(message, self.limits)
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
        batch = self._batch(messages, on_start, on_result)
        if self._may_load():
            errors = await self._load(batch.needs())
            self._noted(errors)  # a configuration fault: the gates answer its events
            batch.fail_for_catalogs(not_config_faults(errors))
        if self._may_load():  # again: the loads may have found the key refused
            try:
                units = self._open_units(batch)
                await self.client.run(prime_catalog(self.catalog, batch.items, units))
            except Exception as exc:  # others are left to the events, which report them
                self._noted({"names": exc})
        emails = batch.identify_emails()
        ready, held = batch.hold_back(self.imports.blocked(emails))
        slots = asyncio.Semaphore(self.max_concurrency)

        async def run_unit(unit: Unit) -> None:
            if not self._begin(batch, unit):
                return
            try:
                needs = batch.unit_needs(unit)  # loaded up front, unless a probe
                errors = await self._load(needs) if self._missing(needs) else {}
                if errors:
                    results = batch.failures([unit], next(iter(errors.values())))
                else:
                    results = await self.client.run(batch.operation(unit, self.catalog))
            except Exception as exc:  # the last net: nothing may escape process_batch()
                results = batch.failures([unit], exc)
            self._end(batch, results)

        async def run_group(group: list[Unit]) -> None:
            async with slots:
                for unit in batch.live(group):
                    await run_unit(unit)

        await asyncio.gather(*(run_group(group) for group in ready))
        batch.defer(await self._settle_imports(emails), self.import_wait.timeout)
        await asyncio.gather(*(run_group(group) for group in held))
        bulk = [unit for unit in batch.live(batch.plan.bulk) if self._begin(batch, unit)]
        if bulk:
            try:
                imported = bulk_import_operation(self.catalog, batch.items, bulk)
                outcome = await self.client.run(imported)
            except Exception as exc:  # the import reports per event; this is the last net
                self._end(batch, batch.failures(bulk, exc))
            else:
                self._remember(outcome)
                self._end(batch, outcome.results)
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
