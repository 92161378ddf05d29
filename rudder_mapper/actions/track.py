"""track and screen -> the event name registered once, then one trackcmp.net call."""

from __future__ import annotations

import json
from dataclasses import dataclass

from activecampaign_client import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    EventTrackingError,
    InternalServerError,
    InvalidInputError,
    Operation,
)
from activecampaign_client.resources.event_tracking import validate_event_name

from .._errors import AmbiguousOutcome, EventError
from ..catalog import Catalog, CatalogName
from ..events import Message, scalar_text
from ..limits import DEFAULT_LIMITS, MappingLimits
from ._base import Applied, validate_email

__all__ = ["TrackPlan", "plan_screen", "plan_track"]

_EMAIL_PATHS = ("context.traits.email", "traits.email", "properties.email")
_NEEDS: frozenset[CatalogName] = frozenset({"events"})


@dataclass(frozen=True)
class TrackPlan:
    """Record ``event`` for the contact with ``email``."""

    event: str
    email: str
    eventdata: str | None
    warnings: tuple[str, ...] = ()

    @property
    def needs(self) -> frozenset[CatalogName]:
        """The registry of event names."""
        return _NEEDS

    def describe(self) -> list[str]:
        """The planned calls."""
        data = f" eventdata={self.eventdata!r}" if self.eventdata is not None else ""
        return [f"POST https://trackcmp.net/event {self.event!r} for {self.email}{data}"]

    def operation(self, catalog: Catalog) -> Operation[Applied]:
        """Register the name if new, then record the event."""
        config = catalog.client.config
        if not config.actid or not config.event_key:
            # Checked first, so a misconfigured destination registers no event names.
            raise ConfigurationError(
                "track and screen events need actid and event_key (RudderStack's actid and "
                "eventKey; in ActiveCampaign: Settings > Tracking > Event Tracking)"
            )
        cached = self.event in catalog.events
        yield from catalog.ensure_event(self.event)
        try:
            yield from self._record(catalog)
        except EventTrackingError:
            if not cached or not catalog.claim_recheck(f"event {self.event}"):
                raise
            # trackcmp refused a name we only knew from the cache: it may have been deleted
            # since. Nothing was recorded, so register it again and try once more (once per
            # name and refresh interval: a wrong event key must not double every event).
            catalog.forget_event(self.event)
            yield from catalog.ensure_event(self.event)
            yield from self._record(catalog)
        return Applied(self.warnings)

    def _record(self, catalog: Catalog) -> Operation[None]:
        try:
            yield from catalog.client.event_tracking.track.operation(
                self.event, email=self.email, eventdata=self.eventdata
            )
        except (APITimeoutError, APIConnectionError, InternalServerError) as exc:
            if isinstance(exc, APIConnectionError) and exc.never_sent:
                raise
            raise AmbiguousOutcome(exc) from exc


def _capped(text: str, path: str, max_bytes: int) -> str:
    # Four bytes a character at most: short text needs no encoding to be measured.
    if len(text) * 4 > max_bytes and len(text.encode("utf-8")) > max_bytes:
        size = len(text.encode("utf-8"))
        raise EventError(
            path,
            f"is {size:,} bytes as eventdata; at most {max_bytes:,} "
            "(MappingLimits.max_eventdata_bytes)",
        )
    return text


def _eventdata(message: Message, max_bytes: int) -> str | None:
    raw = message.lookup("properties.eventData")
    path = "properties.eventData"
    if raw is not None:
        if isinstance(raw, str):
            return _capped(scalar_text(raw, path), path, max_bytes)
        try:
            text = json.dumps(raw, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError, RecursionError):
            raise EventError(path, "must be JSON-encodable") from None
        return _capped(scalar_text(text, path), path, max_bytes)
    name = message.lookup("properties.name")
    if isinstance(name, str):
        return _capped(scalar_text(name, "properties.name"), "properties.name", max_bytes)
    return None


def _plan(message: Message, event_paths: tuple[str, ...], limits: MappingLimits) -> TrackPlan:
    found = message.first_text(*event_paths, max_length=10_000)
    if found is None:
        raise EventError(event_paths[0], "is required: the event name to record")
    path, event = found
    try:
        event = validate_event_name(event, name=path)
    except InvalidInputError as exc:
        raise EventError(
            path,
            f"{exc.problem} (ActiveCampaign records event names of at most "
            "32 characters; shorten it in the tracking plan)",
        ) from None
    email_found = message.first_text(*_EMAIL_PATHS, max_length=254)
    if email_found is None:
        raise EventError(_EMAIL_PATHS[0], "is required: events are recorded against a contact")
    email = validate_email(email_found[1], email_found[0])
    eventdata = _eventdata(message, limits.max_eventdata_bytes)
    return TrackPlan(event=event, email=email, eventdata=eventdata)


def plan_track(message: Message, limits: MappingLimits = DEFAULT_LIMITS) -> TrackPlan:
    """A track message: event name from ``event``."""
    return _plan(message, ("event",), limits)


def plan_screen(message: Message, limits: MappingLimits = DEFAULT_LIMITS) -> TrackPlan:
    """A screen message: event name from ``event``, ``properties.name`` or ``name``."""
    return _plan(message, ("event", "properties.name", "name"), limits)
