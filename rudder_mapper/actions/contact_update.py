"""One contact's identifies, merged into the single update that leaves the same contact.

A batch often holds several identifies of one person (every login, every session start).
Applied one by one, each costs a sync, a call per tag and a call per list. Merged, they
cost one sync (or one bulk-import entry) plus each distinct tag and list once, and leave
ActiveCampaign as applying them in order would:

* name, phone and each custom field take their last value (an identify that does not
  carry one leaves the earlier value, as a sync without it would);
* tags are the union (ActiveCampaign's tags are only ever added by an identify);
* each list takes its last status.

What it trades: automations triggered by an intermediate state do not fire (a subscribe
followed by an unsubscribe in one batch sends only the unsubscribe). Every identify still
gets its own result, with its own warnings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from activecampaign_client import BulkImportContact, NotFoundError, Operation

from ..catalog import Catalog, FieldRef
from ._base import Applied
from .traits import ListChange

if TYPE_CHECKING:  # identify.py runs its single event through apply_identifies
    from .identify import IdentifyPlan

__all__ = ["ContactUpdate", "apply_identifies", "bulk_entry", "field_keys", "merge_identifies"]


@dataclass
class _Notes:
    """What one identify left out: warnings and unmapped custom traits."""

    warnings: list[str]
    unmapped: list[str]

    def applied(self) -> Applied:
        return Applied(tuple(self.warnings), tuple(self.unmapped))


@dataclass
class ContactUpdate:
    """The merged effect of one contact's identifies, fields resolved to ids."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    field_values: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)  # casefolded name -> first spelling
    lists: dict[str, ListChange] = field(default_factory=dict)  # list id -> last change


def field_keys(plans: Sequence[IdentifyPlan]) -> list[str]:
    """Every field name the plans look up, once each."""
    if len(plans) == 1:
        return plans[0].field_keys
    return list(dict.fromkeys(key for plan in plans for key in plan.field_keys))


def merge_identifies(
    plans: Sequence[IdentifyPlan], refs: Mapping[str, FieldRef]
) -> tuple[ContactUpdate, list[_Notes]]:
    """The update equal to applying ``plans`` in order (all of one email), and each plan's
    notes. ``refs`` resolves field names (``Catalog.field_refs`` of ``field_keys``)."""
    if len(plans) == 1:
        return _single(plans[0], refs)
    update = ContactUpdate(email=plans[-1].email)
    notes: list[_Notes] = []
    for plan in plans:
        update.first_name = plan.first_name or update.first_name
        update.last_name = plan.last_name or update.last_name
        update.phone = plan.phone or update.phone
        warnings = list(plan.warnings)
        unmapped: list[str] = []
        if plan.field_info or plan.custom_traits:
            resolved = plan.resolve_fields(refs)
            update.field_values.update(resolved.values)
            warnings += resolved.warnings
            unmapped = resolved.unmapped
        for tag in plan.tags:
            update.tags.setdefault(tag.casefold(), tag)
        for change in plan.lists:
            update.lists.pop(change.list_id, None)
            update.lists[change.list_id] = change
        notes.append(_Notes(warnings, unmapped))
    return update, notes


def _single(plan: IdentifyPlan, refs: Mapping[str, FieldRef]) -> tuple[ContactUpdate, list[_Notes]]:
    """``merge_identifies`` of one plan: its values as they are (most contacts)."""
    warnings, unmapped, values = list(plan.warnings), [], {}
    if plan.field_info or plan.custom_traits:
        resolved = plan.resolve_fields(refs)
        values, unmapped = resolved.values, resolved.unmapped
        warnings += resolved.warnings
    update = ContactUpdate(
        plan.email,
        plan.first_name,
        plan.last_name,
        plan.phone,
        values,
        {tag.casefold(): tag for tag in plan.tags},  # distinct already, case aside
        {change.list_id: change for change in plan.lists},  # so are list ids
    )
    return update, [_Notes(warnings, unmapped)]


def _note_missing_lists(
    plans: Sequence[IdentifyPlan], notes: list[_Notes], missing: set[str]
) -> None:
    """A list the account lacks is a warning on every identify that named it."""
    if not missing:
        return
    for plan, note in zip(plans, notes, strict=True):
        for change in plan.lists:
            if change.list_id in missing:
                note.warnings.append(
                    f"{change.path}.id: list {change.list_id} does not exist in this account "
                    "(status not applied; the contact and its tags were)"
                )


def apply_identifies(plans: Sequence[IdentifyPlan], catalog: Catalog) -> Operation[list[Applied]]:
    """Sync the merged contact, link its tags, set its lists; what each plan left out."""
    client = catalog.client
    keys = field_keys(plans)
    refs: Mapping[str, FieldRef] = (yield from catalog.field_refs(keys)) if keys else {}
    update, notes = merge_identifies(plans, refs)
    synced = yield from client.contacts.sync.operation(
        update.email,
        first_name=update.first_name,
        last_name=update.last_name,
        phone=update.phone,
        field_values=update.field_values or None,
    )
    contact_id = synced.contact.id
    for name in update.tags.values():
        yield from catalog.link_tag(contact_id, name)
    missing: set[str] = set()
    for change in update.lists.values():
        try:
            if change.subscribe:
                yield from client.contact_lists.subscribe.operation(contact_id, change.list_id)
            else:
                yield from client.contact_lists.unsubscribe.operation(contact_id, change.list_id)
        except NotFoundError:
            # The contact was just synced: the list is what the account lacks. Reported,
            # not failed: a replay would meet the same 404 after writing the same contact.
            missing.add(change.list_id)
    _note_missing_lists(plans, notes, missing)
    return [note.applied() for note in notes]


def bulk_entry(
    plans: Sequence[IdentifyPlan], refs: Mapping[str, FieldRef], known_lists: set[str]
) -> tuple[BulkImportContact, list[Applied]]:
    """The bulk-import entry for one contact's identifies, and what each plan left out.

    Lists the account lacks (not in ``known_lists``) are left out of the entry and
    reported, as the one-by-one path reports the 404 it meets.
    """
    update, notes = merge_identifies(plans, refs)
    changes = [c for c in update.lists.values() if c.list_id in known_lists]
    _note_missing_lists(plans, notes, {i for i in update.lists if i not in known_lists})
    contact = BulkImportContact.model_validate(
        {
            "email": update.email,
            "first_name": update.first_name,
            "last_name": update.last_name,
            "phone": update.phone,
            "tags": list(update.tags.values()) or None,
            "fields": [{"id": int(k), "value": v} for k, v in update.field_values.items()] or None,
            "subscribe": [{"listid": int(c.list_id)} for c in changes if c.subscribe] or None,
            "unsubscribe": [{"listid": int(c.list_id)} for c in changes if not c.subscribe] or None,
        }
    )
    return contact, [note.applied() for note in notes]
