"""Account catalog: tags (names unique case-insensitively) and mailing lists."""

from __future__ import annotations

from collections.abc import Callable

from . import _render as render
from ._handlers_contacts import body_object
from ._state import AccountState
from ._wire import EmuRequest, EmuResponse, invalid, json_response, not_found, page

__all__ = ["ROUTES"]


# filters[search][<operator>]: how a name compares to the text (both casefolded, as the
# API's database compares them).
_NAME_MATCHES: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda name, text: text in name,
    "eq": lambda name, text: name == text,
    "neq": lambda name, text: name != text,
    "starts_with": lambda name, text: name.startswith(text),
    "lt": lambda name, text: name < text,
    "lte": lambda name, text: name <= text,
    "gt": lambda name, text: name > text,
    "gte": lambda name, text: name >= text,
}


def list_tags(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /tags: ``search`` matches names containing it, ``filters[search][<operator>]``
    compares names by the operator (eq, neq, contains, starts_with, lt, lte, gt, gte); all
    case-insensitively."""
    tags = list(state.tags.values())
    search = (request.params.get("search") or "").strip().casefold()
    if search:
        tags = [t for t in tags if search in t.name.casefold()]
    for key, value in request.params.items():
        operator = key.removeprefix("filters[search][").removesuffix("]")
        if key.startswith("filters[search][") and operator in _NAME_MATCHES:
            text = value.strip().casefold()
            tags = [t for t in tags if _NAME_MATCHES[operator](t.name.casefold(), text)]
    items, meta = page(request, tags, lambda t: render.tag(state, t))
    return json_response({"tags": items, "meta": meta})


def _duplicate_tag(name: str) -> EmuResponse:
    return invalid(
        "Duplicate tag name",
        "/data/attributes/tag",
        detail=f"A tag named '{name.strip()}' already exists",
        code="duplicate",
    )


def create_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /tags: a name that exists (in any letter case) is a 422 ``duplicate``."""
    data = body_object(request, "tag")
    if isinstance(data, EmuResponse):
        return data
    name = data.get("tag")
    if not isinstance(name, str) or not name.strip():
        return invalid("Tag name is required", "/data/attributes/tag", code="field_missing")
    if state.tag_by_name(name) is not None:
        return _duplicate_tag(name)
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


def update_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """PUT /tags/{id}: rename, retype or redescribe; another tag's name is a 422."""
    tag = state.tags.get(request.args[0])
    if tag is None:
        return not_found("Tag", request.args[0])
    data = body_object(request, "tag")
    if isinstance(data, EmuResponse):
        return data
    name, tag_type = data.get("tag"), data.get("tagType")
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            return invalid("Tag name is required", "/data/attributes/tag", code="field_missing")
        other = state.tag_by_name(name)
        if other is not None and other.id != tag.id:
            return _duplicate_tag(name)
    if tag_type is not None and tag_type not in ("contact", "template"):
        return invalid("tagType must be contact or template", "/data/attributes/tagType")
    if name is not None:
        tag.name = name.strip()
    if tag_type is not None:
        tag.tag_type = str(tag_type)
    if data.get("description") is not None:
        tag.description = str(data["description"])
    return json_response({"tag": render.tag(state, tag)})


def delete_tag(state: AccountState, request: EmuRequest) -> EmuResponse:
    """DELETE /tags/{id}: the tag and its links to contacts."""
    if request.args[0] not in state.tags:
        return not_found("Tag", request.args[0])
    state.delete_tag(request.args[0])
    return json_response({})


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
    ("PUT", "tags/{}", update_tag),
    ("DELETE", "tags/{}", delete_tag),
    ("GET", "lists", list_lists),
    ("GET", "lists/{}", get_list),
]
"""(method, path under /api/3 with ``{}`` for an id, handler)."""
