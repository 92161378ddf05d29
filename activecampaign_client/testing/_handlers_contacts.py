"""Contacts and what hangs off them: sync, CRUD, tags, field values, list statuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import _render as render
from ._records import ContactRecord
from ._state import AccountState, valid_email
from ._wire import (
    EmuRequest,
    EmuResponse,
    Handler,
    invalid,
    json_response,
    not_found,
    page,
)

__all__ = ["ROUTES", "body_object", "contact_or_404", "ident", "text_value"]

_EMAIL_POINTER = "/data/attributes/email"


def _duplicate_email() -> EmuResponse:
    return invalid("Email address already exists in the system", _EMAIL_POINTER, code="duplicate")


def body_object(request: EmuRequest, key: str) -> dict[str, Any] | EmuResponse:
    """``request.json[key]`` as a dict, or the 400/422 the API would answer instead."""
    if request.json_error or not isinstance(request.json, dict):
        return EmuResponse(400, {"message": "The request body must be a JSON object"})
    value = request.json.get(key)
    if not isinstance(value, dict):
        return invalid(f"Missing attribute: {key}", f"/data/attributes/{key}", code="missing")
    return value


def ident(value: Any) -> str | None:
    """An id given as int or digit string, as a string; None when it is neither."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    return text if text.isdigit() else None


def text_value(value: Any) -> str | None:
    """A body value as text (None stays None), as the API stores it."""
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _field_values(data: dict[str, Any]) -> list[tuple[str, str]] | EmuResponse:
    """The inline ``fieldValues`` as (field id, value) pairs, or the 422 for a bad one."""
    values = data.get("fieldValues") or []
    if not isinstance(values, list):
        return invalid("fieldValues must be a list", "/data/attributes/fieldValues")
    pairs = []
    for index, item in enumerate(values):
        field_id = ident(item.get("field")) if isinstance(item, dict) else None
        if field_id is None or not isinstance(item, dict) or "value" not in item:
            pointer = f"/data/attributes/fieldValues/{index}"
            return invalid("Field values need a field id and a value", pointer)
        pairs.append((field_id, text_value(item["value"]) or ""))
    return pairs


def _write_contact(
    state: AccountState,
    contact: ContactRecord,
    data: dict[str, Any],
    values: list[tuple[str, str]],
) -> list[str]:
    """Apply names, phone and field values; return the ids of the values written.
    Like the API, values for fields that do not exist are silently dropped."""
    state.update_contact(
        contact,
        first_name=text_value(data.get("firstName")),
        last_name=text_value(data.get("lastName")),
        phone=text_value(data.get("phone")),
    )
    return [
        state.set_field_value(contact.id, field_id, value).id
        for field_id, value in values
        if field_id in state.fields
    ]


def _contact_answer(
    state: AccountState, contact: ContactRecord, value_ids: list[str], status: int
) -> EmuResponse:
    values = [render.field_value(state, state.field_values[i]) for i in value_ids]
    body = {"fieldValues": values, "contact": render.contact_short(state, contact, value_ids)}
    return json_response(body, status)


def _email_of(data: dict[str, Any]) -> str | EmuResponse:
    email = data.get("email")
    if email is None or (isinstance(email, str) and not email.strip()):
        return invalid("Email address is required", _EMAIL_POINTER, code="field_missing")
    if not valid_email(email):
        return invalid("Contact Email Address is not valid.", _EMAIL_POINTER, code="email_invalid")
    return str(email).strip()


def _contact_input(
    request: EmuRequest,
) -> tuple[dict[str, Any], str, list[tuple[str, str]]] | EmuResponse:
    """The ``contact`` object of a create or sync: data, valid email, field values."""
    data = body_object(request, "contact")
    if isinstance(data, EmuResponse):
        return data
    email = _email_of(data)
    if isinstance(email, EmuResponse):
        return email
    values = _field_values(data)
    if isinstance(values, EmuResponse):
        return values
    return data, email, values


def create_contact(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /contacts: an existing email is a 422 ``duplicate``."""
    parsed = _contact_input(request)
    if isinstance(parsed, EmuResponse):
        return parsed
    data, email, values = parsed
    if state.contact_by_email(email) is not None:
        return invalid(
            "Email address already exists in the system", _EMAIL_POINTER, code="duplicate"
        )
    contact = state.create_contact(email)
    return _contact_answer(state, contact, _write_contact(state, contact, data, values), 201)


def sync_contact(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /contact/sync: create or update by email; 201 when created, 200 when updated."""
    parsed = _contact_input(request)
    if isinstance(parsed, EmuResponse):
        return parsed
    data, email, values = parsed
    contact = state.contact_by_email(email)
    status = 200
    if contact is None:
        contact, status = state.create_contact(email), 201
    return _contact_answer(state, contact, _write_contact(state, contact, data, values), status)


def contact_or_404(state: AccountState, request: EmuRequest) -> ContactRecord | EmuResponse:
    """The contact of the path's id, or the API's 404 for it."""
    contact = state.contacts.get(request.args[0])
    return contact if contact is not None else not_found("Subscriber", request.args[0])


def get_contact(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /contacts/{id}: the contact and its related records."""
    contact = contact_or_404(state, request)
    if isinstance(contact, EmuResponse):
        return contact
    values = [v for v in state.field_values.values() if v.contact == contact.id]
    memberships = [m for m in state.contact_lists.values() if m.contact == contact.id]
    full = render.contact_full(state, contact)
    full.update(
        contactAutomations=[],
        contactLists=[m.id for m in memberships],
        fieldValues=[v.id for v in values],
        geoIps=[],
        deals=[],
        accountContacts=[],
    )
    body = {
        "contactAutomations": [],
        "contactLists": [render.contact_list(state, m) for m in memberships],
        "deals": [],
        "fieldValues": [render.field_value(state, v) for v in values],
        "geoAddresses": [],
        "geoIps": [],
        "contact": full,
    }
    return json_response(body)


def update_contact(state: AccountState, request: EmuRequest) -> EmuResponse:
    """PUT /contacts/{id}: change the given attributes."""
    contact = contact_or_404(state, request)
    if isinstance(contact, EmuResponse):
        return contact
    data = body_object(request, "contact")
    if isinstance(data, EmuResponse):
        return data
    values = _field_values(data)
    if isinstance(values, EmuResponse):
        return values
    if "email" in data:
        email = _email_of(data)
        if isinstance(email, EmuResponse):
            return email
        other = state.contact_by_email(email)
        if other is not None and other.id != contact.id:
            return _duplicate_email()
        state.update_contact(contact, email=email)
    return _contact_answer(state, contact, _write_contact(state, contact, data, values), 200)


def delete_contact(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /contacts/{id}."""
    if request.args[0] not in state.contacts:
        return json_response(
            {"message": f"No result found for contact with id {request.args[0]}"}, 404
        )
    state.delete_contact(request.args[0])
    return json_response({})


def _sub_listing(
    key: str,
    records: Callable[[AccountState, str], list[Any]],
    render_one: Callable[[AccountState, Any], dict[str, Any]],
) -> Handler:
    def handler(state: AccountState, request: EmuRequest) -> EmuResponse:
        contact = contact_or_404(state, request)
        if isinstance(contact, EmuResponse):
            return contact
        items, _ = page(request, records(state, contact.id), lambda r: render_one(state, r))
        return json_response({key: items})

    handler.__doc__ = f"GET /contacts/{{id}}/{key}: one contact's {key}, paginated, no meta."
    return handler


def add_contact_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /contactTags: an existing link is answered with the existing record."""
    data = body_object(request, "contactTag")
    if isinstance(data, EmuResponse):
        return data
    for name in ("contact", "tag"):
        if ident(data.get(name)) is None:
            return invalid("Missing attribute", f"/data/attributes/{name}", code="missing")
    contact_id, tag_id = ident(data["contact"]), ident(data["tag"])
    for kind, known, key in (("Contact", state.contacts, contact_id), ("Tag", state.tags, tag_id)):
        if key not in known:
            error = {"status": 404, "title": "Not Found", "detail": f"{kind} not found"}
            return json_response({"errors": [error]}, 404)
    link = state.add_contact_tag(str(contact_id), str(tag_id))
    return json_response({"contactTag": render.contact_tag(state, link)}, 201)


def remove_contact_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /contactTags/{id}."""
    if request.args[0] not in state.contact_tags:
        return not_found("ContactTag", request.args[0])
    state.remove_contact_tag(request.args[0])
    return json_response({})


def set_contact_list(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /contactLists: status 1 subscribes, 2 unsubscribes; ``sourceid`` (4 for a
    re-subscription) is kept on the membership."""
    data = body_object(request, "contactList")
    if isinstance(data, EmuResponse):
        return data
    contact_id, list_id = ident(data.get("contact")), ident(data.get("list"))
    status = ident(data.get("status"))
    if contact_id is None or list_id is None:
        return invalid("contactList needs contact and list", "/data/attributes/contactList")
    if status not in ("1", "2"):
        return invalid("status must be 1 or 2", "/data/attributes/status")
    if contact_id not in state.contacts:
        return not_found("Subscriber", contact_id)
    if list_id not in state.lists:
        return not_found("List", list_id)
    sourceid = ident(data.get("sourceid", 0))
    if sourceid is None:
        return invalid("sourceid must be an integer", "/data/attributes/sourceid")
    record = state.set_list_status(contact_id, list_id, status, sourceid)
    body = {
        "contacts": [render.contact_full(state, state.contacts[contact_id])],
        "contactList": render.contact_list(state, record, int_status=True),
    }
    return json_response(body)


ROUTES = [
    ("POST", "contacts", create_contact),
    ("POST", "contact/sync", sync_contact),
    ("GET", "contacts/{}", get_contact),
    ("PUT", "contacts/{}", update_contact),
    ("DELETE", "contacts/{}", delete_contact),
    (
        "GET",
        "contacts/{}/contactTags",
        _sub_listing(
            "contactTags",
            lambda state, cid: [t for t in state.contact_tags.values() if t.contact == cid],
            render.contact_tag,
        ),
    ),
    (
        "GET",
        "contacts/{}/fieldValues",
        _sub_listing(
            "fieldValues",
            lambda state, cid: [v for v in state.field_values.values() if v.contact == cid],
            render.field_value,
        ),
    ),
    (
        "GET",
        "contacts/{}/contactLists",
        _sub_listing(
            "contactLists",
            lambda state, cid: [m for m in state.contact_lists.values() if m.contact == cid],
            render.contact_list,
        ),
    ),
    (
        "GET",
        "contacts/{}/trackingLogs",
        _sub_listing(
            "trackingLogs",
            lambda state, cid: [
                (e, cid)
                for e in state.tracked_events
                if e.email.lower() == state.contacts[cid].email.lower()
            ],
            lambda state, pair: render.tracking_log(state, *pair),
        ),
    ),
    ("POST", "contactTags", add_contact_tag),
    ("DELETE", "contactTags/{}", remove_contact_tag),
    ("POST", "contactLists", set_contact_list),
]
"""(method, path under /api/3 with ``{}`` for an id, handler)."""
