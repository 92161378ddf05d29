"""Batch planning: one user's events keep their order, bulk import or not."""

from __future__ import annotations

from typing import Any

from rudder_mapper._prepare import prepare
from rudder_mapper.batching import plan_batch

from .conftest import EmulatorHarness


def _identify(user: str, **traits: Any) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "traits": {"email": f"{user}@example.com", **traits},
    }


def _track(user: str, event: str = "Opened") -> dict[str, Any]:
    return {
        "type": "track",
        "userId": user,
        "event": event,
        "context": {"traits": {"email": f"{user}@example.com"}},
    }


def test_events_sharing_any_identity_are_one_users() -> None:
    messages = [
        {"type": "track", "userId": "u1", "event": "A", "properties": {"email": "x@ex.com"}},
        {"type": "track", "anonymousId": "anon", "event": "B", "properties": {"email": "x@ex.com"}},
        {"type": "page", "anonymousId": "anon", "properties": {"url": "https://ex.com"}},
        {"type": "track", "userId": "u2", "event": "C", "properties": {"email": "y@ex.com"}},
    ]
    plan = plan_batch([prepare(m) for m in messages], bulk_threshold=0)
    assert sorted(plan.groups) == [[(0,), (1,), (2,)], [(3,)]]


def test_a_users_earlier_events_run_before_its_bulk_identify() -> None:
    messages = [_track("u0"), _identify("u0")] + [_identify(f"u{n}") for n in range(1, 10)]
    messages.append(_track("u3"))
    plan = plan_batch([prepare(m) for m in messages], bulk_threshold=10)
    assert plan.bulk == [(n,) for n in range(1, 11)]
    assert plan.before == [[(0,)]]
    assert plan.after == [[(11,)]]


def test_a_users_identifies_merge_into_one_unit_at_the_first() -> None:
    messages = [
        _track("u0", "Before"),
        _identify("u0", name="A"),
        _track("u0", "Between"),
        _identify("u0", name="B"),
        _track("u0", "After"),
    ]
    plan = plan_batch([prepare(m) for m in messages], bulk_threshold=0)
    assert plan.groups == [[(0,), (1, 3), (2,), (4,)]]
    unmerged = plan_batch([prepare(m) for m in messages], bulk_threshold=0, coalesce=False)
    assert unmerged.groups == [[(0,), (1,), (2,), (3,), (4,)]]


def test_a_merged_user_joins_the_bulk_import() -> None:
    messages = [_identify("u0", name="A"), _track("u0"), _identify("u0", name="B")]
    messages += [_identify(f"u{n}") for n in range(1, 10)]
    plan = plan_batch([prepare(m) for m in messages], bulk_threshold=10)
    assert (0, 2) in plan.bulk and len(plan.bulk) == 10
    assert plan.after == [[(1,)]]


def test_without_merging_a_user_with_two_identifies_stays_one_by_one() -> None:
    messages = [_identify("u0", name="A"), _identify("u0", name="B")]
    messages += [_identify(f"u{n}") for n in range(1, 11)]
    plan = plan_batch([prepare(m) for m in messages], bulk_threshold=10, coalesce=False)
    assert [(0,), (1,)] in plan.before
    assert len(plan.bulk) == 10 and (0,) not in plan.bulk


def test_two_addresses_of_one_user_are_two_contacts_one_by_one() -> None:
    messages = [_identify("u0"), {**_identify("u0"), "traits": {"email": "new@example.com"}}]
    messages += [_identify(f"u{n}") for n in range(1, 10)]
    plan = plan_batch([prepare(m) for m in messages], bulk_threshold=10)
    assert [(0,), (1,)] in plan.before
    assert len(plan.bulk) == 9


async def test_order_holds_on_the_wire_around_a_bulk_import(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    messages = [_track("u0", "Before"), _identify("u0")]
    messages += [_identify(f"u{n}") for n in range(1, 10)]
    messages.append(_track("u0", "After"))
    results = await harness.process_batch(messages)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    wire = [
        (r.path, (r.form or {}).get("event"))
        for r in emulator.requests
        if r.path.endswith(("bulk_import", "/event"))
    ]
    assert wire == [("/event", "Before"), ("/api/3/import/bulk_import", None), ("/event", "After")]
