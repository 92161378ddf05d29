"""A user's application, type-checked against the *installed wheel* by tests/distribution.

It is copied out of the repository and checked with ``mypy --strict`` and pyright (strict)
against a fresh virtual environment where the wheel is installed without editable paths,
exactly as a project depending on ``activecampaign-rudder`` sees it. Every ``assert_type``
pins what an editor shows; each misuse line at the end must stay a type error for both
checkers (mypy's ``warn_unused_ignores`` and pyright's ``reportUnnecessaryTypeIgnoreComment``
report an ignore that is no longer needed), which proves the types really come from the
package and are not ``Any``.

Nothing here runs at import time, and pytest finds nothing to collect.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from typing_extensions import assert_type

import activecampaign_client
import rudder_mapper
from activecampaign_client import (
    ActiveCampaign,
    ActiveCampaignError,
    AsyncActiveCampaign,
    AsyncListing,
    Contact,
    Listing,
    Page,
    SyncedContact,
    Tag,
    TrackedEvent,
    TrackingEventName,
)
from activecampaign_client.testing import (
    ActiveCampaignEmulator,
    EmulatedContact,
    FaultPlan,
    RecordedRequest,
    SimulatedClock,
    TrackedEventRecord,
)
from rudder_mapper import (
    ActiveCampaignDestination,
    AsyncActiveCampaignDestination,
    DeliveryResult,
    DestinationConfig,
    EventError,
)

__test__ = False


def versions() -> tuple[str, str]:
    """Both packages report the installed distribution's version."""
    return activecampaign_client.__version__, rudder_mapper.__version__


def client_on_the_emulator() -> list[str]:
    """The client against the in-process emulator, as a user's own test would run it."""
    emu = ActiveCampaignEmulator(clock=SimulatedClock())
    assert_type(emu.add_tag("vip"), str)
    field_id = emu.add_field("Interest", perstag="INTEREST")
    assert_type(emu.faults, FaultPlan)
    emu.faults.script("POST /api/3/contact/sync", ["503", "ok"])

    with emu.client(max_retries=3) as ac:
        assert_type(ac, ActiveCampaign)
        synced = ac.contacts.sync("jane@example.com", field_values={field_id: "Books"})
        assert_type(synced, SyncedContact)
        contact: Contact = synced.contact
        assert_type(ac.contacts.list(email="jane@example.com"), Listing[Contact])
        walked: Iterator[Contact] = ac.contacts.list(order_by="id", page_size=20)
        del walked
        assert_type(ac.contacts.find_by_email("jane@example.com"), Contact | None)
        assert_type(ac.tags.find("vip"), Tag | None)
        for page in ac.tags.list().pages():
            assert_type(page, Page[Tag])
        vip = next(t for t in ac.tags.list(search="vip"))
        assert_type(vip, Tag)
        ac.contact_tags.add(contact.id, vip.id)
        event = ac.event_tracking.create_event("Signed Up")
        assert_type(event, TrackingEventName)
        tracked = ac.event_tracking.track("Signed Up", email="jane@example.com")
        assert_type(tracked, TrackedEvent)

    snapshot = emu.contact("jane@example.com")
    assert_type(snapshot, EmulatedContact | None)
    tags: set[str] = snapshot.tags if snapshot is not None else set()
    assert_type(emu.requests, list[RecordedRequest])
    statuses = [request.status for request in emu.requests]
    assert_type(statuses, list[int | None])
    assert_type(emu.tracked_events, list[TrackedEventRecord])
    return [*sorted(tags), *(str(s) for s in statuses)]


async def async_client_on_the_emulator() -> list[str]:
    """The async client: coroutines and async iterators, typed as such."""
    emu = ActiveCampaignEmulator()
    emu.add_tag("vip")
    async with emu.async_client() as ac:
        assert_type(ac, AsyncActiveCampaign)
        assert_type(ac.tags.list(), AsyncListing[Tag])
        tags: AsyncIterator[Tag] = ac.tags.list()
        del tags
        return [tag.name async for tag in ac.tags.list(search="vip")]


def mapper_in_a_pipeline(messages: list[dict[str, object]]) -> tuple[int, list[str]]:
    """The mapper's destination, as a pipeline consumes its results."""
    emu = ActiveCampaignEmulator()
    retry_later: list[str] = []
    with ActiveCampaignDestination(emu.client(), max_concurrency=4) as dest:
        results = dest.process_batch(messages)
        assert_type(results, list[DeliveryResult])
        for result in results:
            delivered: bool = result.delivered
            field: str | None = result.field  # what to fix, when it is the event's fault
            if not delivered and result.retryable:
                retry_later.append(result.message_id or field or "?")
        assert_type(dest.process({"type": "page"}), DeliveryResult)
    return len(results), retry_later


async def async_mapper(messages: list[dict[str, object]]) -> list[DeliveryResult]:
    """The async destination built from RudderStack's config keys."""
    config = {"apiUrl": "https://acct.api-us1.com", "apiKey": "key", "actid": "1"}
    assert_type(DestinationConfig.from_mapping(config), DestinationConfig)
    async with AsyncActiveCampaignDestination.from_config(config, max_retries=1) as dest:
        assert_type(dest, AsyncActiveCampaignDestination)
        return await dest.process_batch(messages)


def errors(ac: ActiveCampaign) -> str:
    """The error trees a caller handles."""
    try:
        ac.contacts.get("1")
    except ActiveCampaignError as error:
        retryable: bool = error.retryable
        return f"retryable={retryable}"
    except EventError as error:  # never raised by the client: a mapper error
        return str(error)
    return "ok"


def misuse(emu: ActiveCampaignEmulator, dest: ActiveCampaignDestination) -> None:
    """Mistakes both checkers must report: if the types were Any, these would pass."""
    ac = emu.client()
    ac.contacts.sync(42)  # type: ignore[arg-type]
    ac.tags.create("vip", tag_typ="contact")  # type: ignore[call-arg]
    emu.add_tag(None)  # type: ignore[arg-type]
    count: int = dest.process({}).error  # type: ignore[assignment]
    del count
