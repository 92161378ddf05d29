"""Custom fields (create, change, delete, options, list relations) and field values."""

from __future__ import annotations

from typing import Any

from . import _render as render
from ._handlers_contacts import body_object, ident, text_value
from ._records import FieldRecord
from ._state import AccountState
from ._wire import EmuRequest, EmuResponse, invalid, json_response, not_found, page

__all__ = ["FIELD_TYPES", "ROUTES"]

FIELD_TYPES = frozenset(
    {"text", "textarea", "date", "datetime", "number", "dropdown", "listbox", "radio"}
    | {"checkbox", "hidden"}
)
"""The types ``POST /fields`` documents (and the emulator accepts)."""

# PUT /fields/{id} answers these attributes as numbers (GET answers them as strings).
_NUMERIC_ON_UPDATE = ("isrequired", "show_in_list", "rows", "cols", "visible", "ordernum")


def _sideloaded(state: AccountState, field_ids: set[str]) -> dict[str, Any]:
    """The ``fieldOptions`` and ``fieldRels`` a field answer carries for ``field_ids``."""
    return {
        "fieldOptions": [
            render.field_option(state, o)
            for o in state.field_options.values()
            if o.field in field_ids
        ],
        "fieldRels": [
            render.field_rel(r) for r in state.field_rels.values() if r.field in field_ids
        ],
    }


def list_fields(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /fields, with the options and list relations of the fields on the page."""
    records = list(state.fields.values())
    items, meta = page(request, records, lambda f: render.custom_field(state, f))
    body = {**_sideloaded(state, {item["id"] for item in items}), "fields": items, "meta": meta}
    return json_response(body)


def get_field(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /fields/{id}, with its options and list relations."""
    record = state.fields.get(request.args[0])
    if record is None:
        return not_found("Field", request.args[0])
    field = render.custom_field(state, record)
    return json_response({**_sideloaded(state, {record.id}), "field": field})


def _duplicate_title(title: str) -> EmuResponse:
    return invalid(
        "There is already a field with this title",
        detail=f"There is already a field named '{title}' -- choose another name",
        code="duplicate",
    )


def _apply(state: AccountState, record: FieldRecord, data: dict[str, Any]) -> EmuResponse | None:
    """Write the attributes of a ``field`` body onto ``record``; the 422 for a bad one."""
    if "type" in data and data["type"] not in FIELD_TYPES:
        return invalid(f"Unknown field type {data['type']!r}", "/data/attributes/type")
    if "title" in data:
        title = text_value(data["title"]) or ""
        other = state.field_by_title(title)
        if not title.strip():
            return invalid(
                "Field title is required", "/data/attributes/title", code="field_missing"
            )
        if other is not None and other.id != record.id:
            return _duplicate_title(title.strip())
        record.title = title.strip()
    for name in ("type", "descript", "defval", "perstag"):
        if name in data:
            setattr(record, name, text_value(data[name]))
    if "visible" in data:
        record.visible = str(data["visible"]).lower() not in ("0", "false", "")
    if ident(data.get("ordernum")) is not None:
        record.ordernum = int(str(data["ordernum"]))
    record.udate = state.timestamp()
    return None


def create_field(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /fields: a title that exists (in any letter case) is a 422 ``duplicate``.

    Answered as the reference documents it: shaped like a listing (``fieldOptions``,
    ``fieldRels``, ``fields``, ``meta``), its ``fields`` holding the new field.
    """
    data = body_object(request, "field")
    if isinstance(data, EmuResponse):
        return data
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        return invalid("Field title is required", "/data/attributes/title", code="field_missing")
    if data.get("type") not in FIELD_TYPES:
        return invalid("Field type is required", "/data/attributes/type", code="field_missing")
    if state.field_by_title(title) is not None:
        return _duplicate_title(title.strip())
    record = state.create_field(title.strip(), text_value(data.get("perstag")), str(data["type"]))
    problem = _apply(state, record, {k: v for k, v in data.items() if k != "perstag"})
    if problem is not None:
        state.delete_field(record.id)
        return problem
    body = {"fieldOptions": [], "fieldRels": [], "fields": [render.custom_field(state, record)]}
    return json_response({**body, "meta": {"total": "1"}}, 201)


def update_field(state: AccountState, request: EmuRequest) -> EmuResponse:
    """PUT /fields/{id}: change the given attributes (numbers where GET has strings)."""
    record = state.fields.get(request.args[0])
    if record is None:
        return not_found("Field", request.args[0])
    data = body_object(request, "field")
    if isinstance(data, EmuResponse):
        return data
    problem = _apply(state, record, data)
    if problem is not None:
        return problem
    field = render.custom_field(state, record)
    del field["options"], field["relations"]
    for name in _NUMERIC_ON_UPDATE:
        field[name] = int(field[name])
    return json_response({"field": field})


def delete_field(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /fields/{id}: the field, its options, relations and values."""
    if request.args[0] not in state.fields:
        return not_found("Field", request.args[0])
    state.delete_field(request.args[0])
    return json_response({})


def add_field_options(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /fieldOption/bulk: every option is checked before any is added."""
    options = request.json.get("fieldOptions") if isinstance(request.json, dict) else None
    if (
        not isinstance(options, list)
        or not options
        or not all(isinstance(o, dict) for o in options)
    ):
        message = "Bulk operation failed. Request must contain an array of fieldOption objects."
        return json_response({"errors": message}, 422)
    for index, option in enumerate(options):
        field_id = ident(option.get("field"))
        if field_id is None or not isinstance(option.get("value"), str):
            return invalid("fieldOption needs field and value", f"/fieldOptions/{index}")
        if field_id not in state.fields:
            return not_found("Field", field_id)
    created = [
        state.add_field_option(
            str(ident(option["field"])),
            option["value"],
            text_value(option.get("label")) or option["value"],
            int(option["orderid"]) if ident(option.get("orderid")) is not None else index + 1,
            bool(option.get("isdefault")),
        )
        for index, option in enumerate(options)
    ]
    return json_response({"fieldOptions": [render.field_option(state, o) for o in created]}, 201)


def add_field_rel(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /fieldRels: a field on a list (``relid`` 0: on every list)."""
    data = body_object(request, "fieldRel")
    if isinstance(data, EmuResponse):
        return data
    field_id, relid = ident(data.get("field")), ident(data.get("relid"))
    if field_id is None or relid is None:
        return invalid("fieldRel needs field and relid", "/data/attributes/fieldRel")
    if field_id not in state.fields:
        return not_found("Field", field_id)
    if relid != "0" and relid not in state.lists:
        return not_found("List", relid)
    record = state.add_field_rel(field_id, relid)
    return json_response({"fieldRel": render.field_rel(record, int_ids=True)}, 201)


def delete_field_rel(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /fieldRels/{id}."""
    if state.field_rels.pop(request.args[0], None) is None:
        return not_found("FieldRel", request.args[0])
    return json_response({})


# -- field values --------------------------------------------------------------------


def _value_write(state: AccountState, request: EmuRequest, record_id: str | None) -> EmuResponse:
    data = body_object(request, "fieldValue")
    if isinstance(data, EmuResponse):
        return data
    contact_id, field_id = ident(data.get("contact")), ident(data.get("field"))
    if contact_id is None or field_id is None or "value" not in data:
        return invalid("fieldValue needs contact, field and value", "/data/attributes/fieldValue")
    if contact_id not in state.contacts:
        return not_found("Subscriber", contact_id)
    if field_id not in state.fields:
        return not_found("Field", field_id)
    if record_id is not None:
        existing = state.field_values[record_id]
        if (existing.contact, existing.field) != (contact_id, field_id):
            title = f"Field value {record_id} belongs to another contact or field"
            return invalid(title, "/data/attributes/fieldValue")
    record = state.set_field_value(contact_id, field_id, text_value(data["value"]) or "")
    body = {
        "contacts": [render.contact_full(state, state.contacts[contact_id])],
        "fieldValue": render.field_value(state, record, int_ids=True),
    }
    return json_response(body)


def _missing_value(ident_: str) -> EmuResponse:
    # Documented for this path: a 403 whose message says the value does not exist.
    return EmuResponse(403, {"message": f"No Result found for FieldValue with id {ident_}"})


def create_field_value(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /fieldValues: set a contact's value for a field (replacing any earlier one)."""
    return _value_write(state, request, None)


def get_field_value(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /fieldValues/{id}; a missing one is the documented 403 "No Result found"."""
    record = state.field_values.get(request.args[0])
    if record is None:
        return _missing_value(request.args[0])
    return json_response({"fieldValue": render.field_value(state, record)})


def update_field_value(state: AccountState, request: EmuRequest) -> EmuResponse:
    """PUT /fieldValues/{id}."""
    if request.args[0] not in state.field_values:
        return not_found("FieldValue", request.args[0])
    return _value_write(state, request, request.args[0])


def delete_field_value(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /fieldValues/{id}."""
    if request.args[0] not in state.field_values:
        return _missing_value(request.args[0])
    state.delete_field_value(request.args[0])
    return json_response({})


ROUTES = [
    ("GET", "fields", list_fields),
    ("POST", "fields", create_field),
    ("GET", "fields/{}", get_field),
    ("PUT", "fields/{}", update_field),
    ("DELETE", "fields/{}", delete_field),
    ("POST", "fieldOption/bulk", add_field_options),
    ("POST", "fieldRels", add_field_rel),
    ("DELETE", "fieldRels/{}", delete_field_rel),
    ("POST", "fieldValues", create_field_value),
    ("GET", "fieldValues/{}", get_field_value),
    ("PUT", "fieldValues/{}", update_field_value),
    ("DELETE", "fieldValues/{}", delete_field_value),
]
"""(method, path under /api/3 with ``{}`` for an id, handler)."""
