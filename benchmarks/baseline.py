"""The RudderStack transformer's call pattern, reproduced as a delivery strategy.

RudderStack's ActiveCampaign destination (``rudder-transformer``,
``v0/destinations/active_campaign``) keeps no state between events, so every event pays
for its own lookups:

* identify: ``POST /contact/sync``; list every tag (``GET /tags``, all pages); create the
  tags the account lacks (``POST /tags``); link each tag (``POST /contactTags``); one
  ``POST /contactLists`` per list subscription; list every custom field (``GET /fields``,
  all pages); then a second ``POST /contact/sync`` carrying the field values.
* track / screen: list every event name (``GET /eventTrackingEvents``, all pages); create
  it if missing; then the trackcmp.net call.
* page: whitelist the domain every time (``POST /prism/urlWhitelistings``; the answer
  "already whitelisted" counts as success).

It runs on the same ``AsyncActiveCampaign`` client (same limiter, retries and emulator)
and the same scheduling as our destination — users concurrently, each user's events in
order, ``max_concurrency`` at once — so the comparison is between call patterns only.
Events are read by our planner: parsing is not what is being compared.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import replace

from activecampaign_client import (
    AsyncActiveCampaign,
    ConflictError,
    CustomField,
    Operation,
    UnprocessableEntityError,
)
from rudder_mapper import DeliveryResult, IdentifyPlan, PagePlan, Plan, TrackPlan
from rudder_mapper._prepare import Prepared, prepare
from rudder_mapper.actions import Applied
from rudder_mapper.batching import Unit, plan_batch
from rudder_mapper.catalog import FieldRef

__all__ = ["BaselineDestination", "baseline_operation"]


def _field_refs(fields: list[CustomField], keys: Iterable[str]) -> dict[str, FieldRef]:
    """fieldInfo keys matched to fields by title or personalization tag, as the transformer."""
    by_name: dict[str, FieldRef] = {}
    for field in fields:
        ref = FieldRef(field.id, field.type or "text", field.title)
        for name in (field.title, field.perstag or ""):
            if name:
                by_name.setdefault(name.strip().casefold(), ref)
    return {
        key: by_name[key.strip().casefold()] for key in keys if key.strip().casefold() in by_name
    }


def _identify(client: AsyncActiveCampaign, plan: IdentifyPlan) -> Operation[Applied]:
    synced = yield from client.contacts.sync.operation(
        plan.email, first_name=plan.first_name, last_name=plan.last_name, phone=plan.phone
    )
    contact_id = synced.contact.id
    if plan.tags:
        existing = yield from client.tags.list.operation()
        ids = {tag.tag.casefold(): tag.id for tag in existing}
        for name in plan.tags:
            if name.casefold() not in ids:
                try:
                    created = yield from client.tags.create.operation(name)
                    ids[name.casefold()] = created.id
                except UnprocessableEntityError:  # created meanwhile by a concurrent event
                    again = yield from client.tags.list.operation()
                    ids.update({tag.tag.casefold(): tag.id for tag in again})
        for name in plan.tags:
            yield from client.contact_tags.add.operation(contact_id, ids[name.casefold()])
    for change in plan.lists:
        if change.subscribe:
            yield from client.contact_lists.subscribe.operation(contact_id, change.list_id)
        else:
            yield from client.contact_lists.unsubscribe.operation(contact_id, change.list_id)
    warnings = list(plan.warnings)
    if plan.field_info:
        fields = yield from client.fields.list.operation()
        refs = _field_refs(fields, [entry.key for entry in plan.field_info])
        resolved = replace(plan, custom_traits=()).resolve_fields(refs)  # fieldInfo only
        warnings += resolved.warnings
        yield from client.contacts.sync.operation(plan.email, field_values=resolved.values or None)
    return Applied(tuple(warnings))


def _track(client: AsyncActiveCampaign, plan: TrackPlan) -> Operation[Applied]:
    names = yield from client.event_tracking.list_events.operation()
    if plan.event.casefold() not in {event.name.casefold() for event in names}:
        with contextlib.suppress(UnprocessableEntityError):  # created meanwhile
            yield from client.event_tracking.create_event.operation(plan.event)
    yield from client.event_tracking.track.operation(
        plan.event, email=plan.email, eventdata=plan.eventdata
    )
    return Applied(plan.warnings)


def _page(client: AsyncActiveCampaign, plan: PagePlan) -> Operation[Applied]:
    with contextlib.suppress(ConflictError, UnprocessableEntityError):  # already whitelisted
        yield from client.site_tracking.add_domain.operation(plan.domain)
    return Applied(plan.warnings)


def baseline_operation(client: AsyncActiveCampaign, plan: Plan) -> Operation[Applied]:
    """The transformer's calls for one planned event, as one operation."""
    if isinstance(plan, IdentifyPlan):
        return _identify(client, plan)
    if isinstance(plan, TrackPlan):
        return _track(client, plan)
    if isinstance(plan, PagePlan):
        return _page(client, plan)
    raise TypeError(f"no baseline for {type(plan).__name__}")


class BaselineDestination:
    """Delivers batches with the transformer's call pattern; same interface as ours."""

    def __init__(self, client: AsyncActiveCampaign, *, max_concurrency: int = 8) -> None:
        self.client = client
        self.max_concurrency = max_concurrency

    async def _deliver(self, prepared: Prepared) -> DeliveryResult:
        try:
            applied = await self.client.run(baseline_operation(self.client, prepared.plan))
        except Exception as exc:
            return prepared.failed(exc)
        return prepared.delivered(applied)

    async def process_batch(self, messages: Iterable[Mapping[str, object]]) -> list[DeliveryResult]:
        """Deliver ``messages``; results in input order, each user's events in order."""
        items = [prepare(message) for message in messages]
        results: list[DeliveryResult | None] = [
            item if isinstance(item, DeliveryResult) else None for item in items
        ]
        slots = asyncio.Semaphore(self.max_concurrency)

        async def run_group(group: list[Unit]) -> None:
            async with slots:
                for unit in group:
                    for index in unit:
                        item = items[index]
                        assert isinstance(item, Prepared)
                        results[index] = await self._deliver(item)

        plan = plan_batch(items, bulk_threshold=0, coalesce=False)
        await asyncio.gather(*(run_group(group) for group in plan.groups))
        return [
            r if r is not None else DeliveryResult(500, False, "not processed") for r in results
        ]
