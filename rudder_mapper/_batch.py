"""One batch being delivered: its events, its plan, and a result for every event by index.

Pure bookkeeping shared by both destinations; they only run what it hands them. A unit
settled early (its catalog failed to load, its contact waits for an import) is skipped
when its turn comes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from activecampaign_client import Operation

from ._prepare import Prepared, deliver_at, deliver_identifies, prepare
from .actions import IdentifyPlan
from .batching import BatchPlan, Unit, plan_batch
from .catalog import Catalog, CatalogName
from .limits import MappingLimits
from .results import DeliveryResult

__all__ = ["BatchRun", "import_deferral"]


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
    ) -> None:
        self.items = [prepare(message, limits) for message in messages]
        self.results: list[DeliveryResult | None] = [
            item if isinstance(item, DeliveryResult) else None for item in self.items
        ]
        self.plan: BatchPlan = plan_batch(self.items, bulk_threshold, coalesce=coalesce)
        self._bulk = frozenset(self.plan.bulk)

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

    def settle(self, results: Mapping[int, DeliveryResult]) -> None:
        """Record results by index."""
        for index, result in results.items():
            self.results[index] = result

    def fail(self, units: Sequence[Unit], exc: BaseException) -> None:
        """Every event of ``units`` failed with ``exc``."""
        self.settle({i: self.prepared(i).failed(exc) for unit in units for i in unit})

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
