"""Event tracking: the switch, the registry of event names, and recording events.

Recording goes to ``https://trackcmp.net/event`` with the account's ``actid`` and event
key, never with the Api-Token. trackcmp has no idempotency key, so an event whose request
timed out may or may not have been recorded. ``track`` therefore does not retry after a
timeout or a 5xx by default (at most once); pass ``retry_ambiguous=True`` to prefer at
least once, accepting that such an event may be counted twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._constants import EVENT_NAME_MAX_LENGTH, MAX_PAGE_SIZE, TRACKCMP_URL
from .._exceptions import ConfigurationError, InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._options import RequestOptions
from .._pagination import PageQuery
from .._requests import ApiRequest, segment
from ..models._base import parse_response, unwrap
from ..models.tracking import TrackedEvent, TrackingEventName, TrackingStatus
from ._common import require_text, tracking_status

__all__ = ["EventData", "EventTracking", "validate_event_name"]

EventData = str | Mapping[str, Any] | Sequence[Any] | int | float | bool | None
"""Event data: a string as is; objects, arrays and numbers are JSON-encoded."""


def validate_event_name(event: object, *, name: str = "event") -> str:
    """An event name trackcmp will record intact: 1 to 32 characters, one line."""
    return require_text(event, name=name, max_length=EVENT_NAME_MAX_LENGTH)


class EventTracking(Resource[D]):
    """``/eventTracking``, ``/eventTrackingEvents`` and trackcmp.net."""

    @api_method
    def status(self, **request_options: Unpack[RequestOptions]) -> Operation[TrackingStatus]:
        """Whether event tracking is on."""
        data = yield ApiRequest("GET", "eventTracking")
        return tracking_status(data, "eventTracking")

    @api_method
    def enable(self, **request_options: Unpack[RequestOptions]) -> Operation[TrackingStatus]:
        """Switch event tracking on."""
        data = yield ApiRequest("PUT", "eventTracking", json={"eventTracking": {"enabled": True}})
        return tracking_status(data, "eventTracking")

    @api_method
    def disable(self, **request_options: Unpack[RequestOptions]) -> Operation[TrackingStatus]:
        """Switch event tracking off."""
        data = yield ApiRequest("PUT", "eventTracking", json={"eventTracking": {"enabled": False}})
        return tracking_status(data, "eventTracking")

    @api_list
    def list_events(
        self, *, page_size: int = MAX_PAGE_SIZE, **request_options: Unpack[RequestOptions]
    ) -> PageQuery[TrackingEventName]:
        """Every registered event name."""
        key = "eventTrackingEvents"
        return PageQuery(key, key, TrackingEventName, page_size=page_size)

    @api_method
    def create_event(
        self, name: str, **request_options: Unpack[RequestOptions]
    ) -> Operation[TrackingEventName]:
        """Register an event name (an existing name is a 422)."""
        body = {"eventTrackingEvent": {"name": validate_event_name(name, name="name")}}
        data = yield ApiRequest("POST", "eventTrackingEvents", json=body)
        raw = unwrap(data, "eventTrackingEvent", what="create event")
        return parse_response(TrackingEventName, raw, what="create event")

    @api_method
    def delete_event(self, name: str, **request_options: Unpack[RequestOptions]) -> Operation[None]:
        """Remove an event name from the registry."""
        event = validate_event_name(name, name="name")
        yield ApiRequest("DELETE", f"eventTrackingEvents/{segment(event, name='name')}")

    @api_method
    def track(
        self,
        event: str,
        *,
        email: str,
        eventdata: EventData = None,
        retry_ambiguous: bool = False,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[TrackedEvent]:
        """Record ``event`` for the contact with ``email``.

        The name must be registered (``create_event``). Raises EventTrackingError when
        trackcmp answers ``success: 0``. See the module docstring on retries.
        """
        config = self._driver.ctx.config
        if not config.actid or not config.event_key:
            raise ConfigurationError(
                "event tracking needs actid and event_key: pass them to the client or set "
                "ACTIVECAMPAIGN_ACTID and ACTIVECAMPAIGN_EVENT_KEY; find them in "
                "ActiveCampaign under Settings > Tracking > Event Tracking (the event key, "
                "and the actid shown in the Event Tracking API example)"
            )
        email = require_text(email, name="email", max_length=254)
        if "@" not in email:
            raise InvalidInputError("email", "must be an address like name@example.com")
        form = {
            "actid": config.actid,
            "key": config.event_key,
            "event": validate_event_name(event),
            # json.dumps keeps quotes and backslashes in the address intact.
            "visit": json.dumps({"email": email}),
        }
        if eventdata is not None:
            form["eventdata"] = (
                eventdata if isinstance(eventdata, str) else json.dumps(eventdata, default=str)
            )
        data = yield ApiRequest(
            "POST", url=TRACKCMP_URL, form=form, budget="tracking", replay_safe=retry_ambiguous
        )
        return parse_response(TrackedEvent, data, what="trackcmp.net/event")
