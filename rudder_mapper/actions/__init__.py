"""One unit per RudderStack event type, and the table routing types to them."""

from __future__ import annotations

from collections.abc import Callable

from .._errors import EventError
from ..events import Message
from ..limits import DEFAULT_LIMITS, MappingLimits
from ._base import Applied, Plan
from .contact_update import apply_identifies, bulk_entry
from .identify import IdentifyPlan, ListChange, plan_identify
from .page import PagePlan, plan_page
from .track import TrackPlan, plan_screen, plan_track
from .traits import FieldInput

__all__ = [
    "PLANNERS",
    "Applied",
    "FieldInput",
    "IdentifyPlan",
    "ListChange",
    "PagePlan",
    "Plan",
    "TrackPlan",
    "apply_identifies",
    "bulk_entry",
    "plan_message",
]

PLANNERS: dict[str, Callable[[Message, MappingLimits], Plan]] = {
    "identify": plan_identify,
    "track": plan_track,
    "screen": plan_screen,
    "page": plan_page,
}


def plan_message(raw: object, limits: MappingLimits = DEFAULT_LIMITS) -> Plan:
    """The plan for one raw message; EventError names the field that makes it undeliverable.

    ``limits`` caps what one event may ask for (tags, eventdata size)."""
    message = Message.parse(raw)
    kind = message.type
    planner = PLANNERS.get(kind)
    if planner is None:
        supported = ", ".join(sorted(PLANNERS))
        raise EventError("type", f"{kind!r} is not supported by ActiveCampaign ({supported})")
    return planner(message, limits)
