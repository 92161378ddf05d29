"""GET /contacts: the filters, orders and paging (by offset, or by id) the API documents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import _render as render
from ._records import ContactRecord
from ._state import AccountState
from ._wire import EmuRequest, EmuResponse, invalid, json_response, page, page_window

__all__ = ["ROUTES"]

# orders[<key>] -> how a contact sorts on it.
_ORDER_KEYS: dict[str, Callable[[ContactRecord], Any]] = {
    "id": lambda c: int(c.id),
    "cdate": lambda c: (c.cdate, int(c.id)),
    "email": lambda c: c.email.lower(),
    "first_name": lambda c: c.first_name.lower(),
    "last_name": lambda c: c.last_name.lower(),
    "name": lambda c: f"{c.first_name} {c.last_name}".strip().lower(),
}
_DATE_FILTERS = ("created_before", "created_after", "updated_before", "updated_after")


def _moment(text: str, state: AccountState) -> dt.datetime | None:
    """A date filter's value: ``YYYY-MM-DD`` (midnight, the account's time zone) or ISO 8601
    (without an offset: the account's time zone)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=state.datetime().tzinfo)


def _dated(contact: ContactRecord, name: str, moment: dt.datetime) -> bool:
    """Whether ``contact`` passes the date filter ``name`` (strictly before or after)."""
    stamp = dt.datetime.fromisoformat(
        contact.cdate if name.startswith("created") else contact.udate
    )
    return stamp > moment if name.endswith("after") else stamp < moment


def _number(params: dict[str, str], name: str) -> int:
    value = (params.get(name) or "").strip()
    return int(value) if value.isdigit() else 0


def _on_lists(state: AccountState, params: dict[str, str]) -> set[str] | None:
    """Ids of contacts matching ``listid`` and ``status``, or None when neither is given."""
    list_id, status = params.get("listid"), params.get("status", "-1").strip()
    if not list_id and status in ("", "-1"):
        return None
    return {
        m.contact
        for m in state.contact_lists.values()
        if (not list_id or m.list == list_id.strip()) and status in ("", "-1", m.status)
    }


def _filtered(state: AccountState, params: dict[str, str]) -> list[ContactRecord] | EmuResponse:
    contacts = list(state.contacts.values())
    email = params.get("email")
    if email is not None:
        contacts = [c for c in contacts if c.email.lower() == email.strip().lower()]
    search = (params.get("search") or "").strip().lower()
    if search:
        contacts = [
            c
            for c in contacts
            if any(search in v.lower() for v in (c.email, c.first_name, c.last_name, c.phone))
        ]
    members = _on_lists(state, params)
    if members is not None:
        contacts = [c for c in contacts if c.id in members]
    tag_id = (params.get("tagid") or "").strip()
    if tag_id:
        tagged = {link.contact for link in state.contact_tags.values() if link.tag == tag_id}
        contacts = [c for c in contacts if c.id in tagged]
    for name in _DATE_FILTERS:
        raw = params.get(f"filters[{name}]")
        if raw is None:
            continue
        moment = _moment(raw, state)
        if moment is None:
            return invalid(f"filters[{name}] must be a date", f"/filters/{name}")
        contacts = [c for c in contacts if _dated(c, name, moment)]
    greater, less = params.get("id_greater", "").strip(), params.get("id_less", "").strip()
    if greater.isdigit():
        contacts = [c for c in contacts if int(c.id) > int(greater)]
    if less.isdigit():
        contacts = [c for c in contacts if int(c.id) < int(less)]
    return contacts


def _ordered(contacts: list[ContactRecord], params: dict[str, str]) -> list[ContactRecord]:
    for key, direction in reversed(
        [(k[len("orders[") : -1], v) for k, v in params.items() if k.startswith("orders[")]
    ):
        if key in _ORDER_KEYS:
            descending = direction.strip().lower() == "desc"
            contacts = sorted(contacts, key=_ORDER_KEYS[key], reverse=descending)
    return contacts


def list_contacts(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /contacts: ``email`` (exact), ``search`` (email, names, phone), ``listid``,
    ``tagid``, ``status`` (on any list, or on ``listid``), ``filters[created_*]`` and
    ``filters[updated_*]`` (strictly before or after), ``id_greater``/``id_less``,
    ``orders[<field>]``, limit/offset. ``meta.total`` counts every match."""
    params = dict(request.params)
    contacts = _filtered(state, params)
    if isinstance(contacts, EmuResponse):
        return contacts
    contacts = _ordered(contacts, params)
    items, meta = page(request, contacts, lambda c: render.contact_full(state, c))
    limit, offset = page_window(request)
    meta["page_input"] = {
        "segmentid": 0,
        "formid": 0,
        "listid": _number(params, "listid"),
        "tagid": _number(params, "tagid"),
        "limit": limit,
        "offset": offset,
        "search": params.get("search"),
        "sort": None,
        "seriesid": 0,
        "waitid": 0,
        "status": -1,
        "forceQuery": 0,
        "cacheid": "",
    }
    return json_response({"scoreValues": [], "contacts": items, "meta": meta})


ROUTES = [("GET", "contacts", list_contacts)]
"""(method, path under /api/3, handler)."""
