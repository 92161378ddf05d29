"""identify -> one contact/sync (custom fields inline), one call per tag, one per list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from activecampaign_client import Operation

from .._errors import EventError
from ..catalog import Catalog, CatalogName
from ..events import Message, describe_type, preview, scalar_text
from ..values import ValueProblem, field_value_text
from ._base import validate_email

__all__ = ["IdentifyPlan", "ListChange", "plan_identify"]

_SUBSCRIBE = {"subscribe": True, "subscribed": True, "active": True}
_UNSUBSCRIBE = {"unsubscribe": False, "unsubscribed": False, "inactive": False}
_STATUSES = {**_SUBSCRIBE, **_UNSUBSCRIBE}


@dataclass(frozen=True)
class ListChange:
    """Subscribe the contact to a list, or unsubscribe it."""

    list_id: str
    subscribe: bool


@dataclass(frozen=True)
class IdentifyPlan:
    """Everything an identify event asks of ActiveCampaign."""

    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    tags: tuple[str, ...]
    field_info: tuple[tuple[str, Any], ...]
    lists: tuple[ListChange, ...]
    warnings: tuple[str, ...]

    @property
    def needs(self) -> frozenset[CatalogName]:
        """Tags and fields are looked up by name."""
        needed: set[CatalogName] = set()
        if self.tags:
            needed.add("tags")
        if self.field_info:
            needed.add("fields")
        return frozenset(needed)

    def describe(self) -> list[str]:
        """One line per planned call."""
        names = " ".join(p for p in (self.first_name, self.last_name) if p)
        lines = [f"POST /api/3/contact/sync {self.email}" + (f" ({names})" if names else "")]
        if self.field_info:
            lines[0] += " fields: " + ", ".join(k for k, _ in self.field_info)
        lines += [f"POST /api/3/contactTags tag {t!r}" for t in self.tags]
        lines += [
            f"POST /api/3/contactLists list {c.list_id} "
            + ("subscribe" if c.subscribe else "unsubscribe")
            for c in self.lists
        ]
        return lines

    def field_values(self, refs: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
        """``{field_id: text}`` for the fieldInfo keys found in ``refs``, and warnings."""
        values: dict[str, str] = {}
        warnings: list[str] = []
        for key, value in self.field_info:
            ref = refs.get(key)
            if ref is None:
                warnings.append(
                    f"traits.fieldInfo.{key}: no custom field with this title or "
                    "personalization tag; create it in ActiveCampaign (value not stored)"
                )
                continue
            try:
                values[ref.id] = field_value_text(value, ref.type)
            except ValueProblem as exc:
                warnings.append(f"traits.fieldInfo.{key}: {exc} (value not stored)")
        return values, warnings

    def operation(self, catalog: Catalog) -> Operation[list[str]]:
        """Upsert the contact with its fields, then link tags and set list statuses."""
        client = catalog.client
        warnings = list(self.warnings)
        field_values: dict[str, str] = {}
        if self.field_info:
            refs = yield from catalog.field_refs([k for k, _ in self.field_info])
            field_values, field_warnings = self.field_values(refs)
            warnings += field_warnings
        synced = yield from client.contacts.sync.operation(
            self.email,
            first_name=self.first_name,
            last_name=self.last_name,
            phone=self.phone,
            field_values=field_values or None,
        )
        contact_id = synced.contact.id
        for name in self.tags:
            yield from catalog.link_tag(contact_id, name)
        for change in self.lists:
            if change.subscribe:
                yield from client.contact_lists.subscribe.operation(contact_id, change.list_id)
            else:
                yield from client.contact_lists.unsubscribe.operation(contact_id, change.list_id)
        return warnings


def _trait(message: Message, *names: str) -> tuple[str, str] | None:
    paths = [f"{scope}.{name}" for scope in ("traits", "context.traits") for name in names]
    return message.first_text(*paths, max_length=255)


def _tags(message: Message) -> tuple[str, ...]:
    for path in ("traits.tags", "context.traits.tags"):
        raw = message.lookup(path)
        if raw is None:
            continue
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise EventError(path, f"must be an array of tag names, got {describe_type(raw)}")
        seen: dict[str, str] = {}
        for index, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, (str, int)):
                raise EventError(f"{path}[{index}]", f"must be a string, got {describe_type(item)}")
            name = scalar_text(item, f"{path}[{index}]").strip()
            if not name:
                continue
            if len(name) > 255 or any(c in name for c in "\r\n\x00"):
                raise EventError(f"{path}[{index}]", "must be one line of at most 255 characters")
            seen.setdefault(name.casefold(), name)
        return tuple(seen.values())
    return ()


def _field_info(message: Message) -> tuple[tuple[str, Any], ...]:
    for path in ("traits.fieldInfo", "context.traits.fieldInfo"):
        info = message.obj(path)
        if info is not None:
            keys = [(k, v) for k, v in info.items() if isinstance(k, (int, str))]
            named = [(scalar_text(k, path), v) for k, v in keys]
            return tuple((k, v) for k, v in named if v is not None and k.strip())
    return ()


def _list_id(raw: Any, path: str) -> str:
    if isinstance(raw, int) and not isinstance(raw, bool):
        text = str(raw) if 0 <= raw < 10**18 else ""
    else:
        text = raw.strip() if isinstance(raw, str) else ""
    # The client's rule for ids (ASCII digits, at most 18): refused here, before any call.
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise EventError(path, f"must be a numeric list id, got {preview(raw)}")
    return text


def _lists(message: Message) -> tuple[tuple[ListChange, ...], list[str]]:
    for path in ("traits.lists", "context.traits.lists"):
        raw = message.lookup(path)
        if raw is None:
            continue
        entries = [raw] if isinstance(raw, Mapping) else raw
        if not isinstance(entries, list):
            raise EventError(path, f"must be an object or an array, got {describe_type(raw)}")
        changes: list[ListChange] = []
        warnings: list[str] = []
        for index, entry in enumerate(entries):
            where = f"{path}[{index}]" if isinstance(raw, list) else path
            if not isinstance(entry, Mapping):
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
            changes.append(ListChange(list_id, subscribe))
        return tuple(changes), warnings
    return (), []


def plan_identify(message: Message) -> IdentifyPlan:
    """Read an identify message; EventError if it cannot become a contact."""
    found = _trait(message, "email")
    if found is None:
        raise EventError("traits.email", "is required to identify a contact in ActiveCampaign")
    path, email = found
    email = validate_email(email, path)
    first = _trait(message, "firstName", "firstname", "first_name")
    last = _trait(message, "lastName", "lastname", "last_name")
    first_name, last_name = (first[1] if first else None), (last[1] if last else None)
    if first_name is None and last_name is None:
        full = _trait(message, "name")
        if full is not None:
            # "John Doe" -> John / Doe; more words: the first is the first name.
            head, _, rest = full[1].partition(" ")
            first_name, last_name = head, (rest.strip() or None)
    phone = _trait(message, "phone")
    lists, warnings = _lists(message)
    return IdentifyPlan(
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone[1] if phone else None,
        tags=_tags(message),
        field_info=_field_info(message),
        lists=lists,
        warnings=tuple(warnings),
    )
