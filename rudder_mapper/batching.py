"""Pure batch planning: who must go in order, and which identifies go through bulk import.

Events of one user (``userId``, else ``anonymousId``, else email) are applied in their
original order; different users run concurrently. When a batch holds ``bulk_threshold``
or more identify events, those of users with a single identify in the batch go through
``/import/bulk_import`` (up to 250 contacts per request) instead of a sync, tag and list
call each. Bulk-imported identifies are applied before the batch's other events, and
ActiveCampaign processes imports asynchronously: "delivered" then means "accepted into
an import", and contacts the import rejects are reported on their own events.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from activecampaign_client import (
    ActiveCampaignError,
    BadRequestError,
    BulkImportContact,
    Operation,
)
from activecampaign_client.resources.bulk_import import MAX_IMPORT_CONTACTS

from ._prepare import Prepared
from .actions import IdentifyPlan, PagePlan, TrackPlan
from .catalog import Catalog
from .results import DeliveryResult

__all__ = [
    "BatchPlan",
    "batch_preamble",
    "bulk_import_operation",
    "plan_batch",
    "prime_catalog",
]


@dataclass(frozen=True)
class BatchPlan:
    """Indices into the batch: bulk-imported identifies, and per-user ordered groups."""

    bulk: list[int]
    groups: list[list[int]]


def _user_key(prepared: Prepared, index: int) -> str:
    key = prepared.user_key
    return key if key is not None else f"#event-{index}"


def plan_batch(items: Sequence[Prepared | DeliveryResult], bulk_threshold: int) -> BatchPlan:
    """Split prepared events into a bulk set and ordered per-user groups."""
    identify_count: dict[str, int] = {}
    keys: dict[int, str] = {}
    for index, item in enumerate(items):
        if isinstance(item, Prepared):
            keys[index] = _user_key(item, index)
            if isinstance(item.plan, IdentifyPlan):
                identify_count[keys[index]] = identify_count.get(keys[index], 0) + 1
    bulk: list[int] = []
    if sum(identify_count.values()) >= bulk_threshold > 0:
        bulk = [
            i
            for i, key in keys.items()
            if isinstance(_prepared(items[i]).plan, IdentifyPlan) and identify_count[key] == 1
        ]
    taken = set(bulk)
    groups: dict[str, list[int]] = {}
    for index, key in keys.items():
        if index not in taken:
            groups.setdefault(key, []).append(index)
    return BatchPlan(bulk=bulk, groups=list(groups.values()))


def _chunks(indices: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(indices), size):
        yield indices[start : start + size]


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
    the rest are sent again without them. Any other failure fails its chunk of up to 250,
    with the error's retry flag; other chunks go on.
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
    for chunk in _chunks([i for i in indices if i in entries], MAX_IMPORT_CONTACTS):
        pending = list(chunk)
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
    for group in groups:
        for index in group:
            plan = _prepared(items[index]).plan
            try:
                if isinstance(plan, TrackPlan):
                    yield from catalog.ensure_event(plan.event)
                elif isinstance(plan, PagePlan):
                    yield from catalog.ensure_domain(plan.domain)
                elif isinstance(plan, IdentifyPlan):
                    for tag in plan.tags:
                        yield from catalog.tag_id(tag)
            except ActiveCampaignError:
                continue


def batch_preamble(
    catalog: Catalog, items: Sequence[Prepared | DeliveryResult], plan: BatchPlan
) -> Operation[dict[int, DeliveryResult]]:
    """What runs before the concurrent part: the bulk import, then missing names created."""
    results: dict[int, DeliveryResult] = {}
    if plan.bulk:
        results = yield from bulk_import_operation(catalog, items, plan.bulk)
    if len(plan.groups) > 1:
        yield from prime_catalog(catalog, items, plan.groups)
    return results


def _prepared(item: Prepared | DeliveryResult) -> Prepared:
    assert isinstance(item, Prepared), "only planned events are imported"
    return item


def _plan(item: Prepared) -> IdentifyPlan:
    assert isinstance(item.plan, IdentifyPlan), "only identify events are imported"
    return item.plan
