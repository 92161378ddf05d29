"""Reading an identify's traits from both scopes: ``traits`` and ``context.traits``.

RudderStack's SDKs put a user's traits in ``traits`` on identify and in ``context.traits``
on every event; its transformer reads tags, fields and lists from ``context.traits``.
Both are read here, ``traits`` winning where they disagree:

* ``tags``: the union of both, ``traits`` first (case-insensitive, first spelling kept);
* ``fieldInfo``: merged per key, ``traits`` winning;
* ``lists``: merged per list id, ``traits`` winning;
* any other trait, not a standard one (email, names, phone, address, ...), is a *custom
  trait*: stored in the custom field whose title or personalization tag matches its name,
  if the account has one (Segment's ActiveCampaign destination does the same).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .._errors import EventError
from ..events import Message, describe_type, preview, scalar_text

__all__ = [
    "SCOPES",
    "STANDARD_TRAITS",
    "FieldInput",
    "ListChange",
    "Scopes",
    "read_custom_traits",
    "read_field_info",
    "read_lists",
    "read_tags",
    "trait_scopes",
]

SCOPES = ("traits", "context.traits")
"""Where traits are read, the winning scope first."""

_SUBSCRIBE = {"subscribe": True, "subscribed": True, "active": True}
_UNSUBSCRIBE = {"unsubscribe": False, "unsubscribed": False, "inactive": False}
_STATUSES = {**_SUBSCRIBE, **_UNSUBSCRIBE}

STANDARD_TRAITS = frozenset(
    {
        "email",
        "name",
        "firstname",
        "lastname",
        "phone",
        "address",
        "tags",
        "fieldinfo",
        "lists",
        "id",
        "userid",
        "anonymousid",
    }
)
"""Trait names (compared without case, ``_``, ``-`` or spaces) that are never custom fields:
what the mapping reads itself, its directives, and identities."""

_NOT_NAME = re.compile(r"[\s_-]+")


class FieldInput(NamedTuple):
    """A value for a custom field: the key it is matched by, the value, and the object it
    was read in (``traits.fieldInfo``, ``context.traits``, ...)."""

    key: str
    value: Any
    parent: str

    @property
    def path(self) -> str:
        """Where it was read: ``traits.fieldInfo.Interest``, ``context.traits.plan``."""
        return f"{self.parent}.{self.key}"


@dataclass(frozen=True)
class ListChange:
    """Subscribe the contact to a list, or unsubscribe it. ``path`` is where it was read."""

    list_id: str
    subscribe: bool
    path: str = field(default="traits.lists", compare=False)


Scopes = list[tuple[str, Mapping[str, Any]]]
"""The trait scopes a message has (objects only), the winning scope first."""


def _is_object(value: object) -> bool:
    # dict first: decoded JSON always is one, and the Mapping ABC check is slow.
    return isinstance(value, (dict, Mapping))


def trait_scopes(message: Message) -> Scopes:
    """``traits`` and ``context.traits`` where they are objects (one that is not is read
    as absent, as ``Message.lookup`` reads every path through it)."""
    found: Scopes = []
    for scope in SCOPES:
        traits = message.lookup(scope)
        if _is_object(traits):
            found.append((scope, traits))
    return found


def read_tags(scopes: Scopes, max_tags: int) -> tuple[str, ...]:
    """Tag names of both scopes, deduplicated case-insensitively; at most ``max_tags``."""
    seen: dict[str, str] = {}
    where: list[str] = []
    for scope, traits in scopes:
        path = f"{scope}.tags"
        raw = traits.get("tags")
        if raw is None:
            continue
        where.append(path)
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise EventError(path, f"must be an array of tag names, got {describe_type(raw)}")
        for index, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise EventError(f"{path}[{index}]", f"must be a string, got {describe_type(item)}")
            name = scalar_text(item, f"{path}[{index}]").strip()
            if not name:
                continue
            if len(name) > 255 or "\n" in name or "\r" in name or "\x00" in name:
                raise EventError(f"{path}[{index}]", "must be one line of at most 255 characters")
            seen.setdefault(name.casefold(), name)
    if len(seen) > max_tags:
        raise EventError(
            where[0],
            f"holds {len(seen)} distinct tags ({' and '.join(where)} together); at most "
            f"{max_tags} per identify (MappingLimits.max_tags)",
        )
    return tuple(seen.values())


def read_field_info(scopes: Scopes) -> tuple[FieldInput, ...]:
    """``fieldInfo`` of both scopes, merged per key with ``traits`` winning."""
    merged: dict[str, FieldInput] = {}
    for scope, traits in reversed(scopes):  # the winning scope last
        info = traits.get("fieldInfo")
        if info is None:
            continue
        path = f"{scope}.fieldInfo"
        if not _is_object(info):
            raise EventError(path, f"must be an object, got {describe_type(info)}")
        for raw_key, value in info.items():
            if value is None or not isinstance(raw_key, (str, int)):
                continue
            if isinstance(raw_key, str) and raw_key.isascii():
                key = raw_key  # what scalar_text would make of it, without the call
            else:
                key = scalar_text(raw_key, path)
            if key.strip():
                merged.pop(key, None)  # re-inserted last: later keys win for a field
                merged[key] = FieldInput(key, value, path)
    return tuple(merged.values())


def _list_id(raw: Any, path: str) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw) if 0 <= raw < 10**18 else ""
    else:
        text = raw.strip() if isinstance(raw, str) else ""
    # The client's rule for ids (ASCII digits, at most 18): refused here, before any call.
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise EventError(path, f"must be a numeric list id, got {preview(raw)}")
    return text


def read_lists(scopes: Scopes) -> tuple[tuple[ListChange, ...], list[str]]:
    """List changes of both scopes, merged per list id with ``traits`` winning, and
    warnings for statuses that are neither subscribe nor unsubscribe."""
    merged: dict[str, ListChange] = {}
    warnings: list[str] = []
    for scope, traits in reversed(scopes):  # the winning scope last
        raw = traits.get("lists")
        if raw is None:
            continue
        path = f"{scope}.lists"
        entries = [raw] if _is_object(raw) else raw
        if not isinstance(entries, list):
            raise EventError(path, f"must be an object or an array, got {describe_type(raw)}")
        for index, entry in enumerate(entries):
            where = f"{path}[{index}]" if isinstance(raw, list) else path
            if not _is_object(entry):
                raise EventError(where, f"must be an object, got {describe_type(entry)}")
            list_id = _list_id(entry.get("id"), f"{where}.id")
            status = entry.get("status")
            subscribe = _STATUSES.get(status.strip().lower()) if isinstance(status, str) else None
            if subscribe is None:
                warnings.append(
                    f"{where}.status: {preview(status)} is not subscribe/unsubscribe "
                    f"(list {list_id} left unchanged)"
                )
                continue
            merged.pop(list_id, None)
            merged[list_id] = ListChange(list_id, subscribe, where)
    return tuple(merged.values()), warnings


@functools.lru_cache(maxsize=4096)  # the same few trait names, event after event
def _trait_name(key: str) -> str:
    return _NOT_NAME.sub("", key.casefold())


def read_custom_traits(scopes: Scopes) -> tuple[FieldInput, ...]:
    """Every non-standard trait of both scopes (``traits`` winning per name), to be matched
    against the account's custom fields."""
    merged: dict[str, FieldInput] = {}
    for scope, traits in reversed(scopes):  # the winning scope last
        for key, value in traits.items():
            if not isinstance(key, str) or value is None:
                continue
            name = _trait_name(key)
            if not name or name in STANDARD_TRAITS:
                continue
            merged.pop(name, None)
            merged[name] = FieldInput(key, value, scope)
    return tuple(merged.values())
