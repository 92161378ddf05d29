"""``hold_on_failure``: once a user's event is not delivered but will be tried again, the
user's later events in the batch are held back, unsent, so a retry keeps their order."""

from __future__ import annotations

from typing import Any

from rudder_mapper import DeliveryResult

from .conftest import EmulatorHarness


def identify(user: str) -> dict[str, Any]:
    return {"type": "identify", "userId": user, "traits": {"email": f"{user}@example.com"}}


def track(user: str) -> dict[str, Any]:
    return {
        "type": "track",
        "userId": user,
        "event": "Bought",
        "context": {"traits": {"email": f"{user}@example.com"}},
    }


BATCH = [identify("ann"), track("ann"), identify("bob"), track("ann"), track("bob")]
# One user at a time (max_concurrency=1), so the scripted faults meet ann's requests.


async def test_a_users_later_events_are_held_after_a_retryable_failure(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator(hold_on_failure=True, max_concurrency=1)
    emulator.add_event_name("Bought")
    emulator.faults.script("POST /api/3/contact/sync", ["503", "503", "503"])  # ann's sync
    results = await harness.process_batch(BATCH)
    assert [r.status_code for r in results] == [503, 409, 200, 409, 200]
    held = results[1]
    assert (held.retryable, held.attempted, held.delivered) == (True, False, False)
    assert held.error is not None and "earlier event of the same user" in held.error
    assert [e.email for e in emulator.tracked_events] == ["bob@example.com"]


async def test_a_rejected_event_holds_nothing_back(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(hold_on_failure=True, max_concurrency=1)
    emulator.add_event_name("Bought")
    bad = {"type": "identify", "userId": "ann", "traits": {"email": "not-an-email"}}
    results = await harness.process_batch([bad, track("ann")])
    assert [r.status_code for r in results] == [400, 200]


async def test_held_users_stay_out_of_the_bulk_import(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(hold_on_failure=True, bulk_threshold=2, max_concurrency=1)
    emulator.add_event_name("Bought")
    emulator.faults.script("POST trackcmp.net/event", ["503"])  # ann's first track
    batch = [track("ann"), identify("ann"), identify("bob"), identify("cid")]
    results = await harness.process_batch(batch)
    assert [r.status_code for r in results] == [503, 409, 200, 200]
    [imported] = [r for r in emulator.requests if r.path.endswith("bulk_import")]
    emails = [c["email"] for c in imported.json["contacts"]]
    assert emails == ["bob@example.com", "cid@example.com"]


async def test_without_the_option_nothing_is_held(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(max_concurrency=1)
    emulator.add_event_name("Bought")
    emulator.faults.script("POST /api/3/contact/sync", ["503", "503", "503"])
    results = await harness.process_batch(BATCH)
    assert [r.status_code for r in results] == [503, 200, 200, 200, 200]
    assert not any(r == DeliveryResult.held() for r in results)
