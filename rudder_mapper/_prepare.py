"""From raw message to result, minus the I/O: prepare (plan) and deliver (an operation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from activecampaign_client import Operation

from .actions import (
    Applied,
    IdentifyPlan,
    PagePlan,
    Plan,
    TrackPlan,
    apply_identifies,
    plan_message,
)
from .catalog import Catalog
from .events import Message
from .limits import DEFAULT_LIMITS, MappingLimits
from .results import ConfigScope, DeliveryResult

__all__ = ["Prepared", "deliver", "deliver_at", "deliver_identifies", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A message that passed planning: its plan, who it is about, and result context."""

    plan: Plan
    context: dict[str, Any]
    identities: tuple[str, ...]

    def delivered(self, applied: Applied | list[str] | tuple[str, ...] = ()) -> DeliveryResult:
        """The result of a successful run (what it left out: ``Applied``, or warnings)."""
        if isinstance(applied, Applied):
            warnings, unmapped = applied.warnings, applied.unmapped
        else:
            warnings, unmapped = tuple(applied), ()
        return DeliveryResult(200, False, None, warnings, unmapped=unmapped, **self.context)

    def failed(self, exc: BaseException) -> DeliveryResult:
        """The result of a failed run; warnings found while planning are kept."""
        result = DeliveryResult.from_exception(exc, **self.context)
        return replace(result, warnings=self.plan.warnings)

    def unattempted(self, result: DeliveryResult) -> DeliveryResult:
        """``result`` (a breaker's fault, a halt) as this event's, nothing having been sent."""
        return replace(
            result,
            warnings=self.plan.warnings,
            maybe_applied=False,
            attempted=False,
            **self.context,
        )

    @property
    def scopes(self) -> tuple[ConfigScope, ...]:
        """What the event needs working: the account, and event tracking for track/screen
        or site tracking for page."""
        if isinstance(self.plan, TrackPlan):
            return ("account", "tracking")
        if isinstance(self.plan, PagePlan):
            return ("account", "site_tracking")
        return ("account",)

    def rejected(self, error: str, warnings: list[str] | tuple[str, ...]) -> DeliveryResult:
        """A 400 decided by the API for this event alone (e.g. a bulk-import rejection)."""
        return DeliveryResult(400, False, error, tuple(warnings), **self.context)

    def deferred(self, error: str) -> DeliveryResult:
        """Not sent, on purpose, for now: a 503 to retry later (nothing was applied)."""
        return DeliveryResult(503, True, error, self.plan.warnings, attempted=False, **self.context)


def _context(message: object) -> dict[str, Any]:
    if not isinstance(message, Mapping):
        return {}
    kind = message.get("type")
    message_id = message.get("messageId")
    return {
        "event_type": kind.strip().lower() if isinstance(kind, str) else None,
        "message_id": message_id if isinstance(message_id, str) else None,
    }


def _identities(message: object, plan: Plan) -> tuple[str, ...]:
    """userId, anonymousId and email: events sharing any of them are one user's."""
    found = Message(message).identities if isinstance(message, Mapping) else ()
    if isinstance(plan, (IdentifyPlan, TrackPlan)):
        found = (*found, f"email:{plan.email.casefold()}")
    return found


def prepare(message: object, limits: MappingLimits = DEFAULT_LIMITS) -> Prepared | DeliveryResult:
    """Plan one message; a message that cannot be delivered gets its 400 result here."""
    context = _context(message)
    try:
        plan = plan_message(message, limits)
    except Exception as exc:
        return DeliveryResult.from_exception(exc, **context)
    return Prepared(plan, context, _identities(message, plan))


def deliver(prepared: Prepared, catalog: Catalog) -> Operation[DeliveryResult]:
    """Run the plan's calls; every failure becomes the event's result, never an exception."""
    try:
        applied = yield from prepared.plan.operation(catalog)
    except Exception as exc:
        return prepared.failed(exc)
    return prepared.delivered(applied)


def deliver_at(
    index: int, prepared: Prepared, catalog: Catalog
) -> Operation[dict[int, DeliveryResult]]:
    """``deliver``, its result keyed by the event's index in a batch."""
    try:
        applied = yield from prepared.plan.operation(catalog)
    except Exception as exc:
        return {index: prepared.failed(exc)}
    return {index: prepared.delivered(applied)}


def deliver_identifies(
    members: Sequence[Prepared], catalog: Catalog
) -> Operation[list[DeliveryResult]]:
    """One contact's identifies applied as one merged update (see
    ``actions.contact_update``); a result for each, in order, never an exception."""
    plans: list[IdentifyPlan] = []
    for member in members:
        assert isinstance(member.plan, IdentifyPlan), "only identifies merge"
        plans.append(member.plan)
    try:
        applied = yield from apply_identifies(plans, catalog)
    except Exception as exc:
        return [member.failed(exc) for member in members]
    return [member.delivered(a) for member, a in zip(members, applied, strict=True)]
