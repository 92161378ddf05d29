"""Pure batch planning: who must go in order, whose identifies merge, which go in bulk.

Events of one user (sharing a ``userId``, ``anonymousId`` or email) are applied in their
original order; different users run concurrently. The plan is made of *units*, each the
indices of the events one step delivers: one event, or (``coalesce_identifies``) all the
identifies of one contact in the batch, merged into one update at the place of the first
(see ``actions.contact_update``). A user's tracks and pages keep their place around that
first identify, the one that creates the contact.

When a batch holds ``bulk_threshold`` or more contacts to identify, the identify unit of
every user with a single one goes through ``/import/bulk_import`` instead of a sync, tag
and list calls; a user's events before it run before the import, the rest after, so
each user's order holds. (A user identifying two different emails in one batch stays
one by one.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from activecampaign_client import ActiveCampaignError, Operation

from ._prepare import Prepared
from .actions import IdentifyPlan, PagePlan, TrackPlan
from .catalog import Catalog
from .results import DeliveryResult, config_fault_scope

__all__ = ["BatchPlan", "Unit", "plan_batch", "prime_catalog"]

Unit = tuple[int, ...]
"""Indices into the batch of the events one step delivers: one event, or one contact's
identifies merged (in input order)."""


@dataclass(frozen=True)
class BatchPlan:
    """Units in three phases that keep each user's order.

    ``before``: per-user sequences run first (a user's units preceding its bulk identify,
    and users without one); ``bulk``: identify units imported together; ``after``: per-user
    sequences run once the import was sent.
    """

    bulk: list[Unit]
    before: list[list[Unit]]
    after: list[list[Unit]]

    @property
    def groups(self) -> list[list[Unit]]:
        """Every one-by-one sequence, in running order."""
        return [*self.before, *self.after]

    @property
    def units(self) -> list[Unit]:
        """Every unit of the plan."""
        return [*self.bulk, *(unit for group in self.groups for unit in group)]


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


def _units(
    items: Sequence[Prepared | DeliveryResult], group: list[int], coalesce: bool
) -> tuple[list[Unit], list[int]]:
    """A user's events as units, and the positions of its identify units."""
    units: list[Unit] = []
    identifies: list[int] = []
    by_email: dict[str, int] = {}
    for index in group:
        plan = _prepared(items[index]).plan
        if not isinstance(plan, IdentifyPlan):
            units.append((index,))
            continue
        email = plan.email.casefold()
        position = by_email.get(email) if coalesce else None
        if position is not None:
            units[position] += (index,)
            continue
        by_email[email] = len(units)
        identifies.append(len(units))
        units.append((index,))
    return units, identifies


def plan_batch(
    items: Sequence[Prepared | DeliveryResult], bulk_threshold: int, *, coalesce: bool = True
) -> BatchPlan:
    """Split prepared events into per-user sequences of units around one bulk import.

    When the batch has ``bulk_threshold`` identify units or more, every user's identify
    unit goes to the import if it is that user's only one (a later sync must not race the
    import, which ActiveCampaign applies asynchronously).
    """
    per_user = [_units(items, group, coalesce) for group in _group_by_user(items)]
    contacts = sum(len(identifies) for _, identifies in per_user)
    if not contacts >= bulk_threshold > 0:
        return BatchPlan(bulk=[], before=[units for units, _ in per_user], after=[])
    bulk: list[Unit] = []
    before: list[list[Unit]] = []
    after: list[list[Unit]] = []
    for units, identifies in per_user:
        if len(identifies) != 1:
            before.append(units)
            continue
        [position] = identifies
        bulk.append(units[position])
        before.append(units[:position])
        after.append(units[position + 1 :])
    return BatchPlan(
        bulk=sorted(bulk), before=[g for g in before if g], after=[g for g in after if g]
    )


def prime_catalog(
    catalog: Catalog, items: Sequence[Prepared | DeliveryResult], units: Sequence[Unit]
) -> Operation[None]:
    """Create, one at a time, the tags, event names and domains the units lack.

    Users' events then run concurrently without racing to create the same name (each
    race costs a request and a 422/409). A failure here is left to the event itself,
    whose own run tries again and reports it; a configuration fault (a refused key) is
    raised at once, for the destination's circuit breaker.
    """
    config = catalog.client.config
    can_track = bool(config.actid and config.event_key)  # else tracks fail; register nothing
    for unit in units:
        for index in unit:
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
            except ActiveCampaignError as exc:
                if config_fault_scope(exc) is not None:
                    raise  # a refused key: every further name would be refused the same way
                continue


def _prepared(item: Prepared | DeliveryResult) -> Prepared:
    assert isinstance(item, Prepared), "only planned events are in a batch plan"
    return item
