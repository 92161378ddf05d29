"""No stale imports: a later identify of a contact whose bulk import ActiveCampaign may
still be processing waits for it (or is deferred), so older values never land last.

The emulator applies imports ``import_delay`` simulated seconds after accepting them,
and overwrites a sync sent before that (``test_emulator_bulk_import`` shows the hazard).
"""

from __future__ import annotations

from typing import Any

import pytest

from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import ImportWait
from rudder_mapper.imports import PendingImports

from .conftest import EmulatorHarness, seeded_emulator

INFO = "/api/3/import/info"
BULK = "/api/3/import/bulk_import"
SYNC = "/api/3/contact/sync"


def _identify(user: str, **traits: Any) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "traits": {"email": f"{user}@example.com", **traits},
    }


def _track(user: str) -> dict[str, Any]:
    context = {"traits": {"email": f"{user}@example.com"}}
    return {"type": "track", "userId": user, "event": "Opened", "context": context}


def _first_import(first_name: str = "Old") -> list[dict[str, Any]]:
    return [_identify(f"c{n}", firstName=first_name, tags=[f"t{n}"]) for n in range(10)]


def _requests(emulator: ActiveCampaignEmulator, path: str) -> list[float]:
    return [r.time for r in emulator.requests if r.path == path]


def _settle_account(emulator: ActiveCampaignEmulator) -> None:
    emulator.clock.sleep(3600)  # long after every import: all of them applied
    assert emulator.pending_imports() == 0


async def test_a_later_sync_waits_for_the_import_of_its_contact(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=20.0))
    first = await harness.process_batch(_first_import())
    assert all(r.delivered for r in first)
    [imported_at] = _requests(emulator, BULK)

    [later] = await harness.process_batch([_identify("c1", firstName="New", tags=["later"])])

    assert later.delivered, later.error
    [synced_at] = _requests(emulator, SYNC)
    assert synced_at >= imported_at + 20.0  # sent once the import was applied
    polls = _requests(emulator, INFO)
    assert polls and all(t <= synced_at for t in polls)
    assert harness.destination.imports.polls == len(polls)
    _settle_account(emulator)
    contact = emulator.contact("c1@example.com")
    assert contact is not None and contact.first_name == "New"
    assert contact.tags == {"t1", "later"}


async def test_a_later_import_waits_for_the_earlier_one(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=20.0))
    await harness.process_batch(_first_import("Old"))
    second = await harness.process_batch(_first_import("New"))

    assert all(r.delivered for r in second)
    first_at, second_at = _requests(emulator, BULK)
    assert second_at >= first_at + 20.0
    _settle_account(emulator)
    assert {c.first_name for c in emulator.contacts()} == {"New"}


async def test_an_import_still_processing_after_the_wait_defers_the_identify(
    on_emulator: EmulatorHarness,
) -> None:
    wait = ImportWait(first_pause=1.0, max_pause=2.0, timeout=5.0)
    harness, emulator = await on_emulator(seeded_emulator(import_delay=600.0), import_wait=wait)
    await harness.process_batch(_first_import("Old"))

    results = await harness.process_batch(
        [_identify("c2", firstName="New"), _identify("fresh", firstName="Fresh")]
    )

    deferred, fresh = results
    assert (deferred.status_code, deferred.retryable, deferred.delivered) == (503, True, False)
    assert deferred.error is not None and "still being processed" in deferred.error
    assert fresh.delivered  # a contact in no import is not held back
    assert [r.json["contact"]["email"] for r in emulator.requests if r.path == SYNC] == [
        "fresh@example.com"
    ]
    assert len(_requests(emulator, INFO)) == len(list(wait.pauses()))  # bounded
    # Replayed once the import is done, it is delivered and its values stay.
    emulator.clock.sleep(600)
    [replayed] = await harness.process_batch([_identify("c2", firstName="New")])
    assert replayed.delivered
    _settle_account(emulator)
    contact = emulator.contact("c2@example.com")
    assert contact is not None and contact.first_name == "New"


async def test_process_waits_for_the_import_too(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=20.0))
    await harness.process_batch(_first_import("Old"))
    result = await harness.process(_identify("c3", firstName="New"))
    assert result.delivered
    [imported_at] = _requests(emulator, BULK)
    [synced_at] = _requests(emulator, SYNC)
    assert synced_at >= imported_at + 20.0
    _settle_account(emulator)
    contact = emulator.contact("c3@example.com")
    assert contact is not None and contact.first_name == "New"


async def test_other_contacts_and_other_events_never_poll(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=20.0))
    await harness.process_batch(_first_import())
    results = await harness.process_batch([_track("c1"), _identify("someone", firstName="Else")])
    assert all(r.delivered for r in results)
    assert _requests(emulator, INFO) == []


async def test_a_finished_import_is_asked_about_once(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=0.0))
    await harness.process_batch(_first_import())
    await harness.process_batch([_identify("c1", firstName="A")])
    await harness.process_batch([_identify("c2", firstName="B")])
    assert len(_requests(emulator, INFO)) == 1  # completed: forgotten after the first poll
    assert len(harness.destination.imports) == 0


async def test_a_failed_poll_counts_as_still_processing(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(
        seeded_emulator(import_delay=0.0), client_options={"max_retries": 0}
    )
    await harness.process_batch(_first_import())
    emulator.faults.script(f"GET {INFO}", ["503", "timeout"])
    [result] = await harness.process_batch([_identify("c1", firstName="New")])
    assert result.delivered
    assert [r.status for r in emulator.requests if r.path == INFO] == [503, None, 200]


# -- the bookkeeping, pure --------------------------------------------------------------


def test_pauses_grow_and_stay_within_the_timeout() -> None:
    pauses = list(ImportWait(first_pause=1, factor=2, max_pause=8, timeout=30).pauses())
    assert pauses == [0.0, 1, 2, 4, 8, 8, 7]
    assert list(ImportWait(timeout=0).pauses()) == [0.0]
    with pytest.raises(ValueError):
        ImportWait(first_pause=0)


def test_a_contact_in_two_imports_waits_for_the_later() -> None:
    pending = PendingImports()
    pending.record("b1", ["A@example.com", "b@example.com"])
    pending.record("b2", ["a@example.com"])
    assert pending.waiting_on(["a@EXAMPLE.com"]) == ["b2"]
    assert pending.waiting_on(["b@example.com", "a@example.com"]) == ["b1", "b2"]
    pending.finished("b1")
    assert pending.blocked(["a@example.com", "b@example.com"]) == {"a@example.com"}
    pending.finished("b2")
    assert pending.blocked(["a@example.com"]) == set() and len(pending) == 0


def test_beyond_max_tracked_the_oldest_imports_are_polled() -> None:
    pending = PendingImports(max_tracked=2)
    for n in range(4):
        pending.record(f"b{n}", [f"c{n}@example.com"])
    assert pending.overflow() == ["b0", "b1"]


async def test_imports_beyond_max_tracked_are_forgotten_once_finished(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=0.0))
    harness.destination.imports.max_tracked = 1
    for batch in range(3):
        await harness.process_batch([_identify(f"b{batch}-{n}", firstName="X") for n in range(10)])
    # The third batch asked about the oldest import past the cap (the first), found it
    # finished and forgot it; then its own import was added to the second one.
    assert len(_requests(emulator, INFO)) == 1
    assert len(harness.destination.imports) == 2


async def test_other_users_do_not_wait_for_the_import(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(seeded_emulator(import_delay=20.0, latency=0.1))
    await harness.process_batch(_first_import())
    results = await harness.process_batch([_identify("c1", firstName="New"), _track("someone")])
    assert all(r.delivered for r in results)
    [tracked] = [r.time for r in emulator.requests if r.path == "/event"]
    [synced] = _requests(emulator, SYNC)
    assert tracked < min(_requests(emulator, INFO)) < synced
