"""The benchmark's own parts: the baseline really makes the RudderStack transformer's
calls, and a small run of each measurement produces sane numbers."""

from __future__ import annotations

import pytest

from activecampaign_client.testing import RecordedRequest
from benchmarks.delivery import baseline_strategy, mapper_strategy, measure_delivery
from benchmarks.workloads import (
    IMPORT_DELAY,
    import_events,
    mixed_events,
    repeated_import_events,
    repeated_mixed_events,
    seeded_emulator,
)

from ._support import identify, page, track


def _calls(requests: list[RecordedRequest]) -> list[str]:
    return [f"{r.method} {r.host.split('.')[0]} {r.path}" for r in requests]


def test_baseline_identify_makes_the_transformers_seven_calls() -> None:
    emu = seeded_emulator(latency=0.0)
    emu.add_tag("VIP")
    event = identify(
        "jane",
        name="Jane Doe",
        tags=["VIP", "New Tag"],
        fieldInfo={"Interest": "Books", "Country": "India", "Plan": "Pro"},
        lists=[{"id": 2, "status": "subscribe"}],
    )
    stats = measure_delivery(baseline_strategy(), [event], emulator=emu)
    assert stats.delivered == 1
    assert _calls(emu.requests) == [
        "POST emulated /api/3/contact/sync",
        "GET emulated /api/3/tags",
        "POST emulated /api/3/tags",  # the missing one
        "POST emulated /api/3/contactTags",
        "POST emulated /api/3/contactTags",
        "POST emulated /api/3/contactLists",
        "GET emulated /api/3/fields",
        "POST emulated /api/3/contact/sync",  # again, with the field values
    ]
    jane = emu.contact("jane@example.com")
    assert jane is not None
    assert jane.tags == {"VIP", "New Tag"} and jane.lists == {"2": "1"}
    assert set(jane.field_values.values()) == {"Books", "India", "Pro"}


def test_baseline_track_and_page_repeat_their_lookups_every_time() -> None:
    emu = seeded_emulator(latency=0.0)
    events = [track("a", "Signed Up"), track("a", "Signed Up"), page("a", "https://x.example.com")]
    events.append(page("b", "https://x.example.com/other"))
    stats = measure_delivery(baseline_strategy(), events, emulator=emu)
    assert stats.delivered == 4
    assert _calls(emu.requests) == [
        "GET emulated /api/3/eventTrackingEvents",
        "POST emulated /api/3/eventTrackingEvents",
        "POST trackcmp /event",
        "GET emulated /api/3/eventTrackingEvents",
        "POST trackcmp /event",
        "POST emulated /api/3/prism/urlWhitelistings",
        "POST emulated /api/3/prism/urlWhitelistings",  # 409 already listed: still delivered
    ]


def test_small_runs_of_both_strategies_and_the_import() -> None:
    events = mixed_events(300)
    ours = measure_delivery(mapper_strategy(), events)
    baseline = measure_delivery(baseline_strategy(), events)
    assert ours.delivered == baseline.delivered == 300
    assert ours.rate_limited == baseline.rate_limited == 0
    assert ours.tracking_requests == baseline.tracking_requests
    assert ours.api_requests * 5 < baseline.api_requests  # 10x+ once catalogs are warm
    assert 0 < ours.simulated_seconds < baseline.simulated_seconds
    # Baseline time is its account requests at 5 a second.
    assert baseline.simulated_seconds == pytest.approx(baseline.api_requests / 5, rel=0.05)

    contacts = import_events(260)
    bulk = measure_delivery(mapper_strategy(), contacts)
    single = measure_delivery(mapper_strategy(bulk_threshold=0), contacts)
    # + the field and list listings
    assert bulk.bulk_import_requests == 2 and bulk.requests == 4
    assert single.requests >= 4 * 260
    assert bulk.delivered == single.delivered == 260


def test_small_runs_of_the_repeated_user_workloads() -> None:
    events = repeated_mixed_events(1000, users=60)
    assert len({e["userId"] for e in events}) <= 60
    ours = measure_delivery(mapper_strategy(), events, import_delay=IMPORT_DELAY)
    baseline = measure_delivery(baseline_strategy(), events, import_delay=IMPORT_DELAY)
    assert ours.delivered == baseline.delivered == 1000
    assert ours.rate_limited == baseline.rate_limited == 0
    assert ours.api_requests * 10 < baseline.api_requests
    # Contacts of one batch's import come back in the next: their identifies waited.
    assert ours.import_polls > 0

    returning = repeated_import_events(300, users=100)
    assert len({e["userId"] for e in returning}) <= 100
    bulk = measure_delivery(mapper_strategy(), returning, import_delay=IMPORT_DELAY)
    transformer = measure_delivery(baseline_strategy(), returning, import_delay=IMPORT_DELAY)
    assert bulk.delivered == transformer.delivered == 300
    assert bulk.api_requests * 100 < transformer.api_requests
