"""Event tracking (switch, event names, trackcmp.net/event) and site tracking (switch, domains)."""

from __future__ import annotations

import json
from typing import Any

from .._exceptions import InvalidInputError
from ..resources.site_tracking import validate_domain
from . import _render as render
from ._handlers_contacts import body_object
from ._records import TrackedEventRecord
from ._state import AccountState, valid_email
from ._wire import EmuRequest, EmuResponse, Handler, invalid, json_response, not_found, page

__all__ = ["ROUTES", "TRACKING_ROUTES", "valid_domain"]


def valid_domain(domain: object) -> bool:
    """Whether this is a bare host name (optionally ``*.`` and a port) to whitelist;
    the same rule as the client's, which refuses anything else before sending."""
    try:
        validate_domain(domain)
    except InvalidInputError:
        return False
    return True


def _switch(key: str) -> tuple[Handler, Handler]:
    attribute = "event_tracking_enabled" if key == "eventTracking" else "site_tracking_enabled"

    def status(state: AccountState, request: EmuRequest) -> EmuResponse:
        return json_response({key: {"enabled": bool(getattr(state, attribute))}})

    def change(state: AccountState, request: EmuRequest) -> EmuResponse:
        data = body_object(request, key)
        if isinstance(data, EmuResponse):
            return data
        enabled = data.get("enabled")
        if not isinstance(enabled, (bool, int)) or enabled not in (True, False):
            return invalid("enabled must be true or false", f"/data/attributes/{key}/enabled")
        setattr(state, attribute, bool(enabled))
        return status(state, request)

    status.__doc__ = f"GET /{key}: whether it is on."
    change.__doc__ = f"PUT /{key}: switch it on or off."
    return status, change


def list_event_names(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /eventTrackingEvents, paginated; the one listing whose ``meta.total`` is a
    number, not a string (as the reference documents it)."""
    items, _ = page(request, state.event_names, lambda name: {"name": name})
    meta = {"total": len(state.event_names)}
    return json_response({"eventTrackingEvents": items, "meta": meta})


def create_event_name(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /eventTrackingEvents: an existing name is a 422 ``duplicate``."""
    data = body_object(request, "eventTrackingEvent")
    if isinstance(data, EmuResponse):
        return data
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        return invalid("Event name is required", "/data/attributes/name", code="field_missing")
    if name in state.event_names:
        return invalid(
            "Event name already exists",
            "/data/attributes/name",
            detail=f"An event named '{name}' already exists",
            code="duplicate",
        )
    state.event_names.append(name)
    return json_response({"eventTrackingEvent": {"name": name}}, 201)


def delete_event_name(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /eventTrackingEvents/{name} (the name percent-encoded in the path)."""
    name = request.args[0]
    if name not in state.event_names:
        return json_response({"message": f"No Result found for EventTrackingEvent {name}"}, 404)
    state.event_names.remove(name)
    return json_response({})


def _jsonapi_error(status: int, title: str, detail: str) -> EmuResponse:
    return json_response(
        {"errors": [{"status": str(status), "title": title, "detail": detail}]}, status
    )


def list_domains(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /prism/urlWhitelistings: a JSON:API ``data`` list, no meta."""
    items, _ = page(request, list(state.domains.values()), render.domain)
    return json_response({"data": items})


def _requested_domain(body: Any) -> Any:
    if not isinstance(body, dict):
        return None
    legacy = body.get("siteTrackingDomain")
    if isinstance(legacy, dict):
        return legacy.get("name")
    data = body.get("data")
    attributes = data.get("attributes") if isinstance(data, dict) else None
    return attributes.get("whitelisted_domain") if isinstance(attributes, dict) else None


def add_domain(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /prism/urlWhitelistings: ``{"siteTrackingDomain": {"name"}}`` or JSON:API
    ``data.attributes.whitelisted_domain``. A domain already listed is a 409."""
    domain = _requested_domain(request.json)
    if not isinstance(domain, str) or not valid_domain(domain.strip().lower()):
        return _jsonapi_error(400, "Bad Request", f"Not a domain name: {domain!r}")
    domain = domain.strip().lower()
    if state.domain_by_name(domain) is not None:
        return _jsonapi_error(409, "Conflict", f"{domain} is already whitelisted")
    record = state.add_domain(domain)
    return json_response({"data": render.domain(record, int_flags=False)}, 201)


def remove_domain(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /prism/urlWhitelistings/{id}: 204, no body."""
    if state.domains.pop(request.args[0], None) is None:
        return not_found("urlWhitelisting", request.args[0])
    return EmuResponse(204, text="")


def site_tracking_code(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /siteTracking/code: a ``<script>`` element as ``text/plain``, naming the
    account's id where the real snippet does. A stand-in: it loads nothing."""
    snippet = (
        '<script type="text/javascript">\n'
        "    // ActiveCampaign site tracking, as served by the emulator (loads nothing)\n"
        f"    pgo('setAccount', '{state.actid}');\n"
        "    pgo('setTrackByDefault', true);\n"
        "    pgo('process');\n"
        "</script>\n"
    )
    return EmuResponse(200, text=snippet, content_type="text/plain; charset=UTF-8")


def track_event(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST https://trackcmp.net/event (form-encoded). Always 200; refusals say
    ``{"success": 0, "message": ...}``: wrong actid/key, unregistered name, no email."""
    form = request.form

    def refuse(message: str) -> EmuResponse:
        return json_response({"success": 0, "message": message})

    if form.get("actid") != state.actid or form.get("key") != state.event_key:
        return refuse("Invalid actid or event key")
    event = form.get("event") or ""
    if not event:
        return refuse("No event name was given")
    if event not in state.event_names:
        return refuse(f"Event name '{event}' does not exist; create it under Event Tracking first")
    try:
        visit = json.loads(form.get("visit") or "")
    except ValueError:
        visit = None
    email = visit.get("email") if isinstance(visit, dict) else None
    if not valid_email(email):
        return refuse("visit must be a JSON object with a valid email")
    ident = str(len(state.tracked_events) + 1)
    state.tracked_events.append(
        TrackedEventRecord(event, str(email), form.get("eventdata"), state.now(), ident)
    )
    return json_response({"success": 1, "message": "Event spawned"})


_event_status, _event_change = _switch("eventTracking")
_site_status, _site_change = _switch("siteTracking")

ROUTES = [
    ("GET", "eventTracking", _event_status),
    ("PUT", "eventTracking", _event_change),
    ("GET", "eventTrackingEvents", list_event_names),
    ("POST", "eventTrackingEvents", create_event_name),
    ("DELETE", "eventTrackingEvents/{}", delete_event_name),
    ("GET", "siteTracking", _site_status),
    ("PUT", "siteTracking", _site_change),
    ("GET", "siteTracking/code", site_tracking_code),
    ("GET", "prism/urlWhitelistings", list_domains),
    ("POST", "prism/urlWhitelistings", add_domain),
    ("DELETE", "prism/urlWhitelistings/{}", remove_domain),
]
"""(method, path under /api/3 with ``{}`` for an id or name, handler)."""

TRACKING_ROUTES = [("POST", "event", track_event)]
"""Routes on trackcmp.net (paths without /api/3)."""
