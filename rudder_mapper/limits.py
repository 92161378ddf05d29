"""Caps on what one event may ask for: past them the event is a 400 naming the field.

Neither number is an ActiveCampaign limit (its documentation states none for either); both
are our own choices, made so that one event cannot cost without bound:

* ``max_tags = 100`` tags per identify. Each tag the account lacks is one ``POST /tags``
  and, one by one, each tag is one ``POST /contactTags``: at the account's 5 requests a
  second, 100 tags already hold one event for 20 s of the shared budget. RudderStack and
  Segment send a handful per event; a hundred means a bug upstream (a tag per page view).
* ``max_eventdata_bytes = 65_536`` (64 KiB) of ``eventdata``, UTF-8. trackcmp.net takes it as
  a form field and stores it as the event's value, to be read in automations and reports;
  a value that size is a payload dumped by mistake, not an event's detail. Bounding it
  also bounds what a replayed dead-letter file re-sends.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LIMITS", "MappingLimits"]


@dataclass(frozen=True)
class MappingLimits:
    """Per-event caps (see the module docstring for where each number comes from)."""

    max_tags: int = 100
    """Distinct tags (both trait scopes together) one identify may carry."""
    max_eventdata_bytes: int = 65_536
    """UTF-8 bytes of a track's or screen's ``eventdata``."""

    def __post_init__(self) -> None:
        for name in ("max_tags", "max_eventdata_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")


DEFAULT_LIMITS = MappingLimits()
"""The caps a destination uses unless given others."""
