"""One unit per RudderStack event type, and the table routing types to them."""

from __future__ import annotations

from collections.abc import Callable

from .._errors import EventError
from ..events import Message
from ._base import Plan
from .identify import IdentifyPlan, ListChange, plan_identify
from .page import PagePlan, plan_page
from .track import TrackPlan, plan_screen, plan_track

__all__ = [
    "PLANNERS",
    "IdentifyPlan",
    "ListChange",
    "PagePlan",
    "Plan",
    "TrackPlan",
    "plan_message",
]

PLANNERS: dict[str, Callable[[Message], Plan]] = {
    "identify": plan_identify,
    "track": plan_track,
    "screen": plan_screen,
    "page": plan_page,
}


def plan_message(raw: object) -> Plan:
    """The plan for one raw message; EventError names the field that makes it undeliverable."""
    message = Message.parse(raw)
    kind = message.type
    planner = PLANNERS.get(kind)
    if planner is None:
        supported = ", ".join(sorted(PLANNERS))
        raise EventError("type", f"{kind!r} is not supported by ActiveCampaign ({supported})")
    return planner(message)
