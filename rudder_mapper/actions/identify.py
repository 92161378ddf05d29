"""identify -> one contact/sync (custom fields inline), one call per tag, one per list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from activecampaign_client import Operation

from .._errors import EventError
from ..catalog import Catalog, CatalogName, FieldRef
from ..events import Message
from ..limits import DEFAULT_LIMITS, MappingLimits
from ..values import ValueProblem, field_value_text
from ._base import Applied, validate_email
from .contact_update import apply_identifies
from .traits import (
    FieldInput,
    ListChange,
    read_custom_traits,
    read_field_info,
    read_lists,
    read_tags,
    trait_scopes,
)

__all__ = ["FieldValues", "IdentifyPlan", "ListChange", "plan_identify"]


@dataclass(frozen=True)
class FieldValues:
    """An identify's custom field values resolved against the account's fields."""

    values: dict[str, str]
    """``{field_id: text}``; an explicit ``fieldInfo`` key wins over a custom trait."""
    warnings: list[str]
    unmapped: list[str]


@dataclass(frozen=True)
class IdentifyPlan:
    """Everything an identify event asks of ActiveCampaign."""

    email: str
    first_name: str | None
    last_name: str | None
    phone: str | None
    tags: tuple[str, ...]
    field_info: tuple[FieldInput, ...]
    lists: tuple[ListChange, ...]
    warnings: tuple[str, ...]
    custom_traits: tuple[FieldInput, ...] = ()

    @property
    def needs(self) -> frozenset[CatalogName]:
        """Tags and fields are looked up by name."""
        needed: set[CatalogName] = set()
        if self.tags:
            needed.add("tags")
        if self.field_info or self.custom_traits:
            needed.add("fields")
        return frozenset(needed)

    @property
    def field_keys(self) -> list[str]:
        """Every name to look up among the account's custom fields."""
        return [entry.key for entry in (*self.custom_traits, *self.field_info)]

    def describe(self) -> list[str]:
        """One line per planned call."""
        names = " ".join(p for p in (self.first_name, self.last_name) if p)
        lines = [f"POST /api/3/contact/sync {self.email}" + (f" ({names})" if names else "")]
        if self.field_info:
            lines[0] += " fields: " + ", ".join(entry.key for entry in self.field_info)
        if self.custom_traits:
            lines[0] += " traits: " + ", ".join(entry.key for entry in self.custom_traits)
        lines += [f"POST /api/3/contactTags tag {t!r}" for t in self.tags]
        lines += [
            f"POST /api/3/contactLists list {c.list_id} "
            + ("subscribe" if c.subscribe else "unsubscribe")
            for c in self.lists
        ]
        return lines

    def resolve_fields(self, refs: Mapping[str, FieldRef]) -> FieldValues:
        """Field values for the keys found in ``refs`` (see ``Catalog.field_refs``).

        Custom traits matching no field are *unmapped* (listed, not a warning: most traits
        are not meant for a field); an unknown ``fieldInfo`` key, or a value a field cannot
        hold, is a warning.
        """
        values: dict[str, str] = {}
        warnings: list[str] = []
        unmapped: list[str] = []
        for entry in self.custom_traits:
            ref = refs.get(entry.key)
            if ref is None:
                unmapped.append(entry.path)
            else:
                _store(values, warnings, entry, ref)
        for entry in self.field_info:  # after the custom traits: an explicit key wins
            ref = refs.get(entry.key)
            if ref is None:
                warnings.append(
                    f"{entry.path}: no custom field with this title or personalization tag; "
                    "create it in ActiveCampaign (value not stored)"
                )
            else:
                _store(values, warnings, entry, ref)
        return FieldValues(values, warnings, unmapped)

    def operation(self, catalog: Catalog) -> Operation[Applied]:
        """Upsert the contact with its fields, then link tags and set list statuses."""
        [applied] = yield from apply_identifies([self], catalog)
        return applied


def _store(values: dict[str, str], warnings: list[str], entry: FieldInput, ref: FieldRef) -> None:
    try:
        values[ref.id] = field_value_text(entry.value, ref.type)
    except ValueProblem as exc:
        warnings.append(f"{entry.path}: {exc} (value not stored)")


def _trait(message: Message, *names: str) -> tuple[str, str] | None:
    paths = [f"{scope}.{name}" for scope in ("traits", "context.traits") for name in names]
    return message.first_text(*paths, max_length=255)


def plan_identify(message: Message, limits: MappingLimits = DEFAULT_LIMITS) -> IdentifyPlan:
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
    scopes = trait_scopes(message)
    lists, warnings = read_lists(scopes)
    return IdentifyPlan(
        email=email,
        first_name=first_name,
        last_name=last_name,
        phone=phone[1] if phone else None,
        tags=read_tags(scopes, limits.max_tags),
        field_info=read_field_info(scopes),
        lists=lists,
        warnings=tuple(warnings),
        custom_traits=read_custom_traits(scopes),
    )
