"""Pure batch planning: who must go in order, and which identifies go through bulk import.

Events of one user (sharing a ``userId``, ``anonymousId`` or email) are applied in their
original order; different users run concurrently. When a batch holds ``bulk_threshold``
or more identify events, those of users with a single identify in the batch go through
``/import/bulk_import`` (up to 250 contacts per request) instead of a sync, tag and list
call each; a user's events before its identify run before the import, the rest after,
so each user's order holds. ActiveCampaign processes imports asynchronously: "delivered"
then means "accepted into an import", and contacts the import rejects are reported on
their own events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from activecampaign_client import (
    ActiveCampaignError,
    BadRequestError,
    BulkImportContact,
    Operation,
)
from activecampaign_client.resources.bulk_import import import_chunks

from ._prepare import Prepared
from .actions import IdentifyPlan, PagePlan, TrackPlan
from .catalog import Catalog
from .results import DeliveryResult

__all__ = [
    "BatchPlan",
    "bulk_import_operation",
    "plan_batch",
    "prime_catalog",
]


@dataclass(frozen=True)
class BatchPlan:
    """Indices into the batch, in three phases that keep each user's order.

    ``before``: per-user groups run first (a user's events preceding its bulk identify, and
    users without one); ``bulk``: identifies imported together; ``after``: per-user groups
    run once the import was sent (a user's events following its bulk identify).
    """

    bulk: list[int]
    before: list[list[int]]
    after: list[list[int]]

    @property
    def groups(self) -> list[list[int]]:
        """Every one-by-one group, in running order."""
        return [*self.before, *self.after]


def _group_by_user(items: Sequence[Prepared | DeliveryResult]) -> list[list[int]]:
    """Indices of planned events grouped by user, in input order within each group.

    Events sharing a userId, an anonymousId or an email are one user's (the identities are
    joined transitively); an event with none of them is a group of its own.
    """
    parent: dict[str, str] = {}

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]  # path halving keeps the trees flat
            key = parent[key]
        return key

    for item in items:
        if isinstance(item, Prepared) and item.identities:
            first = root(item.identities[0])
            for other in item.identities[1:]:
                parent[root(other)] = first
    groups: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        if isinstance(item, Prepared):
            key = root(item.identities[0]) if item.identities else f"#event-{index}"
            groups.setdefault(key, []).append(index)
    return list(groups.values())


def plan_batch(items: Sequence[Prepared | DeliveryResult], bulk_threshold: int) -> BatchPlan:
    """Split prepared events into per-user groups around one bulk import.

    When the batch holds ``bulk_threshold`` identifies or more, every user's identify goes
    to the import if it is that user's only identify in the batch (a later sync must not
    race the import, which ActiveCampaign applies asynchronously). The user's earlier
    events run before the import and its later ones after, so each user's order holds.
    """
    groups = _group_by_user(items)

    def is_identify(index: int) -> bool:
        return isinstance(_prepared(items[index]).plan, IdentifyPlan)

    identifies = sum(1 for group in groups for i in group if is_identify(i))
    if not identifies >= bulk_threshold > 0:
        return BatchPlan(bulk=[], before=groups, after=[])
    bulk: list[int] = []
    before: list[list[int]] = []
    after: list[list[int]] = []
    for group in groups:
        found = [position for position, i in enumerate(group) if is_identify(i)]
        if len(found) != 1:
            before.append(group)
            continue
        bulk.append(group[found[0]])
        before.append(group[: found[0]])
        after.append(group[found[0] + 1 :])
    return BatchPlan(
        bulk=sorted(bulk), before=[g for g in before if g], after=[g for g in after if g]
    )


def bulk_contact(
    plan: IdentifyPlan, refs: Mapping[str, Any]
) -> tuple[BulkImportContact, list[str]]:
    """The import entry for one identify plan (fields resolved to ids) and its warnings."""
    values, warnings = plan.field_values(refs)
    contact = BulkImportContact.model_validate(
        {
            "email": plan.email,
            "first_name": plan.first_name,
            "last_name": plan.last_name,
            "phone": plan.phone,
            "tags": list(plan.tags) or None,
            "fields": [{"id": int(k), "value": v} for k, v in values.items()] or None,
            "subscribe": [{"listid": int(c.list_id)} for c in plan.lists if c.subscribe] or None,
            "unsubscribe": [{"listid": int(c.list_id)} for c in plan.lists if not c.subscribe]
            or None,
        }
    )
    return contact, [*plan.warnings, *warnings]


def _rejected_positions(error: BadRequestError, size: int) -> dict[int, str]:
    rejected: dict[int, str] = {}
    for detail in error.errors:
        pointer = detail.pointer or ""
        tail = pointer.rsplit("/", 1)[-1]
        if pointer.startswith("/contacts/") and tail.isdigit() and int(tail) < size:
            rejected[int(tail)] = detail.title or str(detail)
    return rejected


def bulk_import_operation(
    catalog: Catalog, items: Sequence[Prepared | DeliveryResult], indices: list[int]
) -> Operation[dict[int, DeliveryResult]]:
    """Import the identifies at ``indices``; a result for each of them, never an exception.

    A 400 listing rejected contacts queues nothing, so the rejected ones get their 400 and
    the rest are sent again without them. Any other failure fails its chunk (up to 250
    contacts and 400,000 bytes), with the error's retry flag; other chunks go on.
    """
    prepared = {i: _prepared(items[i]) for i in indices}
    results: dict[int, DeliveryResult] = {}
    keys = sorted({k for p in prepared.values() for k, _ in _plan(p).field_info})
    try:
        refs: Mapping[str, Any] = (yield from catalog.field_refs(keys)) if keys else {}
    except Exception as exc:
        return {i: p.failed(exc) for i, p in prepared.items()}
    entries: dict[int, tuple[BulkImportContact, list[str]]] = {}
    for index, item in prepared.items():
        try:
            entries[index] = bulk_contact(_plan(item), refs)
        except Exception as exc:
            results[index] = item.failed(exc)
    ready = [i for i in indices if i in entries]
    # Requests within both of ActiveCampaign's caps: 250 contacts, 400,000 bytes.
    for chunk in import_chunks([entries[i][0] for i in ready]):
        pending = [ready[position] for position in chunk]
        while pending:
            try:
                yield from catalog.client.bulk_import.import_contacts.operation(
                    [entries[i][0] for i in pending]
                )
            except BadRequestError as error:
                rejected = _rejected_positions(error, len(pending))
                if not rejected:
                    results.update({i: prepared[i].failed(error) for i in pending})
                    break
                for position, reason in rejected.items():
                    index = pending[position]
                    results[index] = prepared[index].rejected(
                        f"bulk import rejected the contact: {reason}", entries[index][1]
                    )
                pending = [i for p, i in enumerate(pending) if p not in rejected]
            except Exception as exc:
                results.update({i: prepared[i].failed(exc) for i in pending})
                break
            else:
                results.update({i: prepared[i].delivered(entries[i][1]) for i in pending})
                break
    return results


def prime_catalog(
    catalog: Catalog, items: Sequence[Prepared | DeliveryResult], groups: list[list[int]]
) -> Operation[None]:
    """Create, one at a time, the tags, event names and domains the batch lacks.

    Users' events then run concurrently without racing to create the same name (each
    race costs a request and a 422/409). A failure here is left to the event itself,
    whose own run tries again and reports it.
    """
    config = catalog.client.config
    can_track = bool(config.actid and config.event_key)  # else tracks fail; register nothing
    for group in groups:
        for index in group:
            plan = _prepared(items[index]).plan
            try:
                if isinstance(plan, TrackPlan):
                    if can_track:
                        yield from catalog.ensure_event(plan.event)
                elif isinstance(plan, PagePlan):
                    yield from catalog.ensure_domain(plan.domain)
                elif isinstance(plan, IdentifyPlan):
                    for tag in plan.tags:
                        yield from catalog.tag_id(tag)
            except ActiveCampaignError:
                continue


def _prepared(item: Prepared | DeliveryResult) -> Prepared:
    assert isinstance(item, Prepared), "only planned events are imported"
    return item


def _plan(item: Prepared) -> IdentifyPlan:
    assert isinstance(item.plan, IdentifyPlan), "only identify events are imported"
    return item.plan
