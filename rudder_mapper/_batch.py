"""One batch being delivered: its events, its plan, and a result for every event by index.

Pure bookkeeping shared by both destinations; they only run what it hands them. A unit
settled early (its catalog failed to load, its contact waits for an import) is skipped
when its turn comes.

It also reports each event to the caller: ``on_start(index)`` just before the event's
first request, ``on_result(index, result)`` as soon as its result is known. With
``hold_on_failure``, a user one of whose events was not delivered but will be sent again
(retryable, or not attempted) has the rest of their events in the batch held back, unsent
(``DeliveryResult.held``), so a caller retrying them later keeps the user's order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence

from activecampaign_client import Operation

from ._prepare import Prepared, deliver_at, deliver_identifies, prepare
from .actions import IdentifyPlan
from .batching import BatchPlan, Unit, plan_batch
from .catalog import Catalog, CatalogName
from .limits import MappingLimits
from .results import DeliveryResult

__all__ = ["BatchRun", "OnResult", "OnStart", "import_deferral"]

OnStart = Callable[[int], None]
"""Called with an event's index in the batch just before anything is sent for it."""
OnResult = Callable[[int, DeliveryResult], None]
"""Called with an event's index and result as soon as the result is known."""


def import_deferral(email: str, waited: float) -> str:
    """The error of an identify held back because an import of its contact is pending."""
    return (
        f"an earlier bulk import of {email} was still being processed by ActiveCampaign "
        f"after waiting {waited:g} s; this identify was not sent, so the import's older "
        "values cannot overwrite it: retry it later"
    )


class BatchRun:
    """Prepared items, the plan, and results by index."""

    def __init__(
        self,
        messages: Iterable[object],
        *,
        bulk_threshold: int,
        coalesce: bool,
        limits: MappingLimits,
        on_start: OnStart | None = None,
        on_result: OnResult | None = None,
        hold_on_failure: bool = False,
    ) -> None:
        self.items = [prepare(message, limits) for message in messages]
        self.results: list[DeliveryResult | None] = [None] * len(self.items)
        self._on_start = on_start
        self._on_result = on_result
        self._hold = hold_on_failure
        # Identities of users with an event to be sent again (the sync destination's
        # threads run different users at once, hence the lock).
        self._waiting: set[str] = set()
        self._lock = threading.Lock()
        self.plan: BatchPlan = plan_batch(self.items, bulk_threshold, coalesce=coalesce)
        self._bulk = frozenset(self.plan.bulk)
        planned_out = {i: r for i, r in enumerate(self.items) if isinstance(r, DeliveryResult)}
        self.settle(planned_out)  # refused while planning: reported at once

    def prepared(self, index: int) -> Prepared:
        """The planned event at ``index``."""
        item = self.items[index]
        assert isinstance(item, Prepared)
        return item

    def _identify(self, unit: Unit) -> IdentifyPlan | None:
        plan = self.prepared(unit[0]).plan
        return plan if isinstance(plan, IdentifyPlan) else None

    def unit_needs(self, unit: Unit) -> frozenset[CatalogName]:
        """Catalogs the unit looks names up in. An import takes tags by name; it needs the
        fields (to give their ids) and the lists (to leave out those the account lacks)."""
        if unit not in self._bulk:
            if len(unit) == 1:
                return self.prepared(unit[0]).plan.needs
            return frozenset(name for i in unit for name in self.prepared(i).plan.needs)
        needed: set[CatalogName] = set()
        for index in unit:
            plan = self.prepared(index).plan
            assert isinstance(plan, IdentifyPlan)
            if plan.field_keys:
                needed.add("fields")
            if plan.lists:
                needed.add("lists")
        return frozenset(needed)

    def needs(self) -> frozenset[CatalogName]:
        """Catalogs the batch's units look names up in, to load before they run."""
        needed: set[CatalogName] = set()
        for unit in self.live(self.plan.bulk):
            needed |= self.unit_needs(unit)
        for group in self.plan.groups:
            for unit in group:
                for index in unit:
                    item = self.items[index]
                    if self.results[index] is None and isinstance(item, Prepared):
                        needed |= item.plan.needs
        return frozenset(needed)

    def identify_emails(self) -> set[str]:
        """Emails of the contacts the batch identifies (units not yet settled)."""
        emails: set[str] = set()
        for unit in self.live(self.plan.units):
            plan = self._identify(unit)
            if plan is not None:
                emails.add(plan.email)
        return emails

    def hold_back(self, emails: set[str]) -> tuple[list[list[Unit]], list[list[Unit]]]:
        """The ``before`` sequences split in two: those that may run at once, and those
        holding an identify of one of ``emails`` (a contact in a pending import), which run
        once the wait for its import is over."""
        if not emails:
            return self.plan.before, []
        keys = {email.casefold() for email in emails}
        ready: list[list[Unit]] = []
        held: list[list[Unit]] = []
        for group in self.plan.before:
            plans = (self._identify(unit) for unit in group)
            waits = any(plan is not None and plan.email.casefold() in keys for plan in plans)
            (held if waits else ready).append(group)
        return ready, held

    def live(self, units: Iterable[Unit]) -> list[Unit]:
        """Those of ``units`` still without results."""
        return [unit for unit in units if self.results[unit[0]] is None]

    def start(self, unit: Unit) -> None:
        """The unit's events are about to send their first request."""
        if self._on_start is not None:
            for index in unit:
                self._on_start(index)

    def held(self, unit: Unit) -> bool:
        """With ``hold_on_failure``: whether the unit's user has an event to be sent again
        first; if so its events are settled as held (nothing sent)."""
        if not self._hold:
            return False
        identities = {key for index in unit for key in self.prepared(index).identities}
        with self._lock:
            if self._waiting.isdisjoint(identities):
                return False
        self.unattempted([unit], DeliveryResult.held())
        return True

    def unattempted(self, units: Sequence[Unit], result: DeliveryResult) -> None:
        """The events of ``units`` get ``result`` as theirs, nothing having been sent."""
        self.settle({i: self.prepared(i).unattempted(result) for unit in units for i in unit})

    def settle(self, results: Mapping[int, DeliveryResult]) -> None:
        """Record results by index, and report them."""
        for index, result in results.items():
            self.results[index] = result
            item = self.items[index]
            # Not delivered, not refused for good: the event will be sent again.
            again = not result.delivered and not result.rejected
            if self._hold and again and isinstance(item, Prepared):
                with self._lock:
                    self._waiting.update(item.identities)
            if self._on_result is not None:
                self._on_result(index, result)

    def failures(self, units: Sequence[Unit], exc: BaseException) -> dict[int, DeliveryResult]:
        """Every event of ``units`` failed with ``exc``: their results."""
        return {i: self.prepared(i).failed(exc) for unit in units for i in unit}

    def fail(self, units: Sequence[Unit], exc: BaseException) -> None:
        """Every event of ``units`` failed with ``exc``."""
        self.settle(self.failures(units, exc))

    def fail_for_catalogs(self, errors: Mapping[CatalogName, BaseException]) -> None:
        """Units needing a catalog that failed to load get that failure, without loading it
        again: one load per failure per batch."""
        if not errors:
            return
        for unit in self.live(self.plan.units):
            failed = sorted(self.unit_needs(unit) & errors.keys())
            if failed:
                self.fail([unit], errors[failed[0]])

    def defer(self, blocked: set[str], waited: float) -> None:
        """Identify units of contacts still in a pending import: a retryable 503, unsent."""
        if not blocked:
            return
        keys = {email.casefold() for email in blocked}
        for unit in self.live(self.plan.units):
            plan = self._identify(unit)
            if plan is not None and plan.email.casefold() in keys:
                error = import_deferral(plan.email, waited)
                self.settle({i: self.prepared(i).deferred(error) for i in unit})

    def operation(self, unit: Unit, catalog: Catalog) -> Operation[dict[int, DeliveryResult]]:
        """The unit's calls: its one event, or its contact's identifies merged."""
        if len(unit) == 1:  # the common case, without a generator of its own around it
            return deliver_at(unit[0], self.prepared(unit[0]), catalog)
        return self._merged(unit, catalog)

    def _merged(self, unit: Unit, catalog: Catalog) -> Operation[dict[int, DeliveryResult]]:
        members = [self.prepared(index) for index in unit]
        results = yield from deliver_identifies(members, catalog)
        return dict(zip(unit, results, strict=True))

    def finished(self) -> list[DeliveryResult]:
        """Results in input order (every index has one by now)."""
        return [
            r if r is not None else DeliveryResult(500, False, "not processed")
            for r in self.results
        ]
