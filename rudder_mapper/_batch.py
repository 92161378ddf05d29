"""One batch being delivered: prepared items, the plan, results by index, and the
caller's per-event callbacks (``on_start`` before an event's first request, ``on_result``
as soon as its result is known)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from ._prepare import Prepared, prepare
from .batching import BatchPlan, plan_batch
from .catalog import CatalogName
from .results import DeliveryResult

__all__ = ["Batch", "OnResult", "OnStart"]

OnStart = Callable[[int], None]
"""Called with an event's index in the batch just before anything is sent for it."""
OnResult = Callable[[int, DeliveryResult], None]
"""Called with an event's index and result as soon as the result is known."""


class Batch:
    """Prepared items, the plan, and results by index."""

    def __init__(
        self,
        messages: Iterable[object],
        bulk_threshold: int,
        *,
        on_start: OnStart | None = None,
        on_result: OnResult | None = None,
    ) -> None:
        self.items: list[Prepared | DeliveryResult] = [prepare(message) for message in messages]
        self.results: list[DeliveryResult | None] = [None] * len(self.items)
        self._on_start = on_start
        self._on_result = on_result
        self.plan: BatchPlan = plan_batch(self.items, bulk_threshold)
        for index, item in enumerate(self.items):
            if isinstance(item, DeliveryResult):
                self.finish(index, item)

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

    def start(self, index: int) -> None:
        """The event at ``index`` is about to send its first request."""
        if self._on_start is not None:
            self._on_start(index)

    def finish(self, index: int, result: DeliveryResult) -> None:
        """Record the result of the event at ``index`` and report it."""
        self.results[index] = result
        if self._on_result is not None:
            self._on_result(index, result)

    def settle(self, results: Mapping[int, DeliveryResult]) -> None:
        """Record results by index."""
        for index, result in results.items():
            self.finish(index, result)

    def finished(self) -> list[DeliveryResult]:
        """Results in input order (every index has one by now)."""
        return [
            r if r is not None else DeliveryResult(500, False, "not processed")
            for r in self.results
        ]
