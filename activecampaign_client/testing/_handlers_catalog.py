"""Account catalog: tags (names unique case-insensitively), custom fields, mailing lists."""

from __future__ import annotations

from . import _render as render
from ._handlers_contacts import body_object
from ._state import AccountState
from ._wire import EmuRequest, EmuResponse, invalid, json_response, not_found, page

__all__ = ["ROUTES"]


def list_tags(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /tags: ``search`` matches names containing it, case-insensitively."""
    tags = list(state.tags.values())
    search = (request.params.get("search") or "").strip().casefold()
    if search:
        tags = [t for t in tags if search in t.name.casefold()]
    items, meta = page(request, tags, lambda t: render.tag(state, t))
    return json_response({"tags": items, "meta": meta})


def create_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /tags: a name that exists (in any letter case) is a 422 ``duplicate``."""
    data = body_object(request, "tag")
    if isinstance(data, EmuResponse):
        return data
    name = data.get("tag")
    if not isinstance(name, str) or not name.strip():
        return invalid("Tag name is required", "/data/attributes/tag", code="field_missing")
    if state.tag_by_name(name) is not None:
        return invalid(
            "Duplicate tag name",
            "/data/attributes/tag",
            detail=f"A tag named '{name.strip()}' already exists",
            code="duplicate",
        )
    tag_type = data.get("tagType") or "contact"
    if tag_type not in ("contact", "template"):
        return invalid("tagType must be contact or template", "/data/attributes/tagType")
    description = data.get("description") or ""
    tag = state.create_tag(name.strip(), str(tag_type), str(description))
    return json_response({"tag": render.tag(state, tag)}, 201)


def get_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /tags/{id}."""
    tag = state.tags.get(request.args[0])
    if tag is None:
        return not_found("Tag", request.args[0])
    count = sum(1 for link in state.contact_tags.values() if link.tag == tag.id)
    return json_response({"tag": {**render.tag(state, tag), "subscriber_count": str(count)}})


def delete_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /tags/{id}: the tag and its links to contacts."""
    if request.args[0] not in state.tags:
        return not_found("Tag", request.args[0])
    state.delete_tag(request.args[0])
    return json_response({})


def list_fields(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /fields."""
    items, meta = page(
        request, list(state.fields.values()), lambda f: render.custom_field(state, f)
    )
    return json_response({"fieldOptions": [], "fieldRels": [], "fields": items, "meta": meta})


def get_field(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /fields/{id}."""
    record = state.fields.get(request.args[0])
    if record is None:
        return not_found("Field", request.args[0])
    field = render.custom_field(state, record)
    return json_response({"fieldOptions": [], "fieldRels": [], "field": field})


def list_lists(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /lists."""
    items, meta = page(request, list(state.lists.values()), lambda m: render.mailing_list(state, m))
    return json_response({"lists": items, "meta": meta})


def get_list(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /lists/{id}."""
    record = state.lists.get(request.args[0])
    if record is None:
        return not_found("List", request.args[0])
    return json_response({"list": render.mailing_list(state, record)})


ROUTES = [
    ("GET", "tags", list_tags),
    ("POST", "tags", create_tag),
    ("GET", "tags/{}", get_tag),
    ("DELETE", "tags/{}", delete_tag),
    ("GET", "fields", list_fields),
    ("GET", "fields/{}", get_field),
    ("GET", "lists", list_lists),
    ("GET", "lists/{}", get_list),
]
"""(method, path under /api/3 with ``{}`` for an id, handler)."""
