"""The bulk-import step of a batch: identify units in, one result per event out.

ActiveCampaign processes imports asynchronously: "delivered" then means "accepted into an
import"; the import's batch id is handed back with its contacts so that a later identify
of one of them waits for it (see ``rudder_mapper.imports``). Contacts the import rejects
are reported on their own events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from activecampaign_client import BadRequestError, BulkImportContact, Operation
from activecampaign_client.resources.bulk_import import import_chunks

from ._prepare import Prepared
from .actions import Applied, IdentifyPlan, bulk_entry
from .actions.contact_update import field_keys
from .batching import Unit
from .catalog import Catalog, FieldRef
from .results import DeliveryResult

__all__ = ["BulkOutcome", "bulk_import_operation"]


@dataclass
class BulkOutcome:
    """Results by event index, and each accepted import: its batch id and emails."""

    results: dict[int, DeliveryResult] = field(default_factory=dict)
    imports: list[tuple[str, list[str]]] = field(default_factory=list)


def _rejected_positions(error: BadRequestError, size: int) -> dict[int, str]:
    rejected: dict[int, str] = {}
    for detail in error.errors:
        pointer = detail.pointer or ""
        tail = pointer.rsplit("/", 1)[-1]
        if pointer.startswith("/contacts/") and tail.isdigit() and int(tail) < size:
            rejected[int(tail)] = detail.title or str(detail)
    return rejected


class _Import:
    """The units being imported, their members and entries, and the outcome so far."""

    def __init__(self, items: Sequence[Prepared | DeliveryResult], units: Sequence[Unit]):
        self.members: dict[Unit, list[Prepared]] = {}
        self.plans: dict[Unit, list[IdentifyPlan]] = {}
        for unit in units:
            members = [_prepared(items[index]) for index in unit]
            self.members[unit] = members
            self.plans[unit] = [_identify(member) for member in members]
        self.entries: dict[Unit, tuple[BulkImportContact, list[Applied]]] = {}
        self.outcome = BulkOutcome()

    def fail(self, units: Sequence[Unit], exc: BaseException) -> None:
        for unit in units:
            for index, member in zip(unit, self.members[unit], strict=True):
                self.outcome.results[index] = member.failed(exc)

    def reject(self, unit: Unit, reason: str) -> None:
        applied = self.entries[unit][1]
        for index, member, notes in zip(unit, self.members[unit], applied, strict=True):
            error = f"bulk import rejected the contact: {reason}"
            self.outcome.results[index] = member.rejected(error, notes.warnings)

    def accept(self, units: Sequence[Unit], batch_id: str) -> None:
        for unit in units:
            applied = self.entries[unit][1]
            for index, member, notes in zip(unit, self.members[unit], applied, strict=True):
                self.outcome.results[index] = member.delivered(notes)
        emails = [self.entries[unit][0].email for unit in units]
        self.outcome.imports.append((batch_id, emails))


def bulk_import_operation(
    catalog: Catalog, items: Sequence[Prepared | DeliveryResult], units: Sequence[Unit]
) -> Operation[BulkOutcome]:
    """Import the identify units; a result for each of their events, never an exception.

    A 400 listing rejected contacts queues nothing, so the rejected ones get their 400 and
    the rest are sent again without them. Any other failure fails its chunk (up to 250
    contacts and 400,000 bytes), with the error's retry flag; other chunks go on.
    """
    job = _Import(items, units)
    all_plans = [plan for plans in job.plans.values() for plan in plans]
    keys = field_keys(all_plans)
    list_ids = sorted({change.list_id for plan in all_plans for change in plan.lists})
    try:
        refs: Mapping[str, FieldRef] = (yield from catalog.field_refs(keys)) if keys else {}
        known = (yield from catalog.known_lists(list_ids)) if list_ids else set()
    except Exception as exc:
        job.fail(units, exc)
        return job.outcome
    for unit in units:
        try:
            job.entries[unit] = bulk_entry(job.plans[unit], refs, known)
        except Exception as exc:
            job.fail([unit], exc)
    ready = [unit for unit in units if unit in job.entries]
    # Requests within both of ActiveCampaign's caps: 250 contacts, 400,000 bytes.
    for chunk in import_chunks([job.entries[unit][0] for unit in ready]):
        pending = [ready[position] for position in chunk]
        while pending:
            try:
                accepted = yield from catalog.client.bulk_import.import_contacts.operation(
                    [job.entries[unit][0] for unit in pending]
                )
            except BadRequestError as error:
                rejected = _rejected_positions(error, len(pending))
                if not rejected:
                    job.fail(pending, error)
                    break
                for position, reason in rejected.items():
                    job.reject(pending[position], reason)
                pending = [unit for p, unit in enumerate(pending) if p not in rejected]
            except Exception as exc:
                job.fail(pending, exc)
                break
            else:
                job.accept(pending, accepted.batch_id)
                break
    return job.outcome


def _prepared(item: Prepared | DeliveryResult) -> Prepared:
    assert isinstance(item, Prepared), "only planned events are imported"
    return item


def _identify(item: Prepared) -> IdentifyPlan:
    assert isinstance(item.plan, IdentifyPlan), "only identify events are imported"
    return item.plan
