"""From raw message to result, minus the I/O: prepare (plan) and deliver (an operation)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from activecampaign_client import Operation

from .actions import IdentifyPlan, Plan, TrackPlan, plan_message
from .catalog import Catalog
from .events import Message
from .results import ConfigScope, DeliveryResult

__all__ = ["Prepared", "deliver", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """A message that passed planning: its plan, who it is about, and result context."""

    plan: Plan
    context: dict[str, Any]
    identities: tuple[str, ...]

    def delivered(self, warnings: list[str]) -> DeliveryResult:
        """The result of a successful run."""
        return DeliveryResult.ok(warnings, **self.context)

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
        """What the event needs working: the account, and tracking for track/screen."""
        return ("account", "tracking") if isinstance(self.plan, TrackPlan) else ("account",)

    def rejected(self, error: str, warnings: list[str]) -> DeliveryResult:
        """A 400 decided by the API for this event alone (e.g. a bulk-import rejection)."""
        return DeliveryResult(400, False, error, tuple(warnings), **self.context)


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


def prepare(message: object) -> Prepared | DeliveryResult:
    """Plan one message; a message that cannot be delivered gets its 400 result here."""
    context = _context(message)
    try:
        plan = plan_message(message)
    except Exception as exc:
        return DeliveryResult.from_exception(exc, **context)
    return Prepared(plan, context, _identities(message, plan))


def deliver(prepared: Prepared, catalog: Catalog) -> Operation[DeliveryResult]:
    """Run the plan's calls; every failure becomes the event's result, never an exception."""
    try:
        warnings = yield from prepared.plan.operation(catalog)
    except Exception as exc:
        return prepared.failed(exc)
    return prepared.delivered(warnings)
