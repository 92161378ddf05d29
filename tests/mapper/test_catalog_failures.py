"""A catalog that fails to load costs one load per batch, not one per event; site tracking
switched off is the destination's configuration at fault, not the page events'."""

from __future__ import annotations

from typing import Any

from .conftest import EmulatorHarness

EVENTS = "GET /api/3/eventTrackingEvents"
SITE = "enable site tracking in Website > Site Tracking, or with client.site_tracking.enable()"


def _track(n: int) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": f"u{n}",
        "event": "Opened",
        "context": {"traits": {"email": f"u{n}@example.com"}},
    }


def _page(n: int) -> dict[str, Any]:
    return {"type": "page", "userId": f"p{n}", "properties": {"url": f"https://s{n}.example.com"}}


async def test_a_failed_catalog_is_loaded_once_per_batch(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script(EVENTS, ["502"] * 6)  # every attempt of two loads
    results = await harness.process_batch([_track(n) for n in range(5)] + [_page(1)])
    # One load (a first attempt and the client's two retries), however many tracks.
    assert harness.calls().count(EVENTS) == 3
    assert [(r.status_code, r.retryable) for r in results[:5]] == [(502, True)] * 5
    assert results[5].delivered  # the page needed another catalog
    assert "POST /api/3/eventTrackingEvents" not in harness.calls()
    assert emulator.tracked_events == []
    # The failure is not remembered past its batch: the next one loads again.
    again = await harness.process_batch([_track(1)])
    assert harness.calls().count(EVENTS) == 6
    assert again[0].status_code == 502
    healed = await harness.process_batch([_track(1), _track(2)])
    assert [r.delivered for r in healed] == [True, True]
    assert harness.calls().count(EVENTS) == 7


async def test_one_track_after_a_failed_preload_costs_one_load(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator(client_options={"max_retries": 0})
    emulator.faults.script(EVENTS, ["502", "502"])
    [result] = await harness.process_batch([_track(1)])
    assert result.status_code == 502
    assert harness.calls() == [EVENTS]


async def test_site_tracking_switched_off_is_a_config_result(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    with emulator.client() as admin:
        admin.site_tracking.disable()
    results = await harness.process_batch([_page(n) for n in range(4)] + [_track(1)])
    for page in results[:4]:
        assert (page.status_code, page.retryable, page.field) == (400, False, "config")
        assert page.error is not None and SITE in page.error
    assert results[4].delivered
    assert harness.calls().count("GET /api/3/siteTracking") == 1  # once for the batch
    assert "POST /api/3/prism/urlWhitelistings" not in harness.calls()
    assert emulator.domains() == {}

    single = await harness.process(_page(9))
    assert (single.field, SITE in (single.error or "")) == ("config", True)

    with emulator.client() as admin:
        admin.site_tracking.enable()
    # Until its cooldown ends, the breaker answers pages without a request; told the
    # account was fixed, it lets them through at once.
    blocked = await harness.process_batch([_page(1)])
    assert (blocked[0].field, blocked[0].attempted) == ("config", False)
    harness.destination.breaker.reset()
    fixed = await harness.process_batch([_page(n) for n in range(4)])
    assert all(r.delivered for r in fixed)
    assert sorted(emulator.domains().values()) == [f"s{n}.example.com" for n in range(4)]


async def test_site_tracking_is_checked_once_per_load(on_emulator: EmulatorHarness) -> None:
    harness, _ = await on_emulator()
    for n in range(3):
        assert (await harness.process(_page(n))).delivered
    await harness.process_batch([_page(n) for n in range(3, 9)])
    assert harness.calls().count("GET /api/3/siteTracking") == 1
