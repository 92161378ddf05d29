"""event_tracking: status, enable, disable, events (two pages, int meta.total), track."""

from __future__ import annotations

import pytest

from activecampaign_client import TrackedEvent, TrackingEventName, TrackingStatus

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_status(api: Both) -> None:
    status = await api(api.event_tracking.status)
    assert isinstance(status, TrackingStatus)
    assert status.enabled is True


async def test_enable(api: Both) -> None:
    assert (await api(api.event_tracking.enable)).enabled is True


async def test_disable(api: Both) -> None:
    assert (await api(api.event_tracking.disable)).enabled is False


async def test_list_events_walks_every_page(api: Both) -> None:
    # meta.total is the integer 3 here; the second page starts at offset 2.
    events = await api.all(api.event_tracking.list_events())
    assert [e.name for e in events] == ["__pagevisit", "__redir", "my new fab event"]
    assert api.requests_sent == 2


async def test_create_event(api: Both) -> None:
    event = await api(api.event_tracking.create_event, "my new fab event")
    assert isinstance(event, TrackingEventName)
    assert event.name == "my new fab event"


async def test_delete_event(api: Both) -> None:
    # The space is percent-encoded in the path: /eventTrackingEvents/my%20new%20fab%20event
    assert await api(api.event_tracking.delete_event, "my new fab event") is None
    assert api.requests_sent == 1


async def test_track(api: Both) -> None:
    tracked = await api(
        api.event_tracking.track,
        "my new fab event",
        email='o"brien@example.com',
        eventdata={"sku": "A-1"},
    )
    assert isinstance(tracked, TrackedEvent)
    assert (tracked.success, tracked.message) == (1, "Event spawned")
