"""Concurrent batches: each user's events applied in their original order, results in
input order, whatever else runs at the same time."""

from __future__ import annotations

import random
from typing import Any

from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import ActiveCampaignDestination, AsyncActiveCampaignDestination

from ._support import identify, page, seeded_emulator, track


def _noise(count: int, seed: int) -> list[dict[str, Any]]:
    """Events of many other users, to keep every concurrency slot busy."""
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    for n in range(count):
        user = f"other{rng.randrange(40)}"
        kind = rng.choice(["track", "page", "identify"])
        if kind == "track":
            events.append(track(user, rng.choice(["Signed Up", "Order Placed"])))
        elif kind == "page":
            events.append(page(user, f"https://shop{rng.randrange(5)}.example.com/p/{n}"))
        else:
            events.append(identify(user, name=f"Other {n}", tags=[f"t{rng.randrange(3)}"]))
    return events


def _interleave(ours: list[dict[str, Any]], noise: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``ours`` spread through ``noise``, keeping the order within each."""
    step = max(1, len(noise) // (len(ours) + 1))
    mixed: list[dict[str, Any]] = []
    for index, event in enumerate(ours):
        mixed += noise[index * step : (index + 1) * step]
        mixed.append(event)
    mixed += noise[len(ours) * step :]
    return mixed


def _user_story() -> list[dict[str, Any]]:
    """One user renamed three times, subscribed to list 2 and then unsubscribed.

    The first event is the slowest: it waits for the tag catalog and creates three tags
    before it subscribes. Run out of order, the later events would overtake it: the
    contact would end up named "Alice First" and subscribed.
    """
    return [
        identify(
            "alice",
            name="Alice First",
            tags=["Early Adopter", "Beta Tester", "Referral"],
            lists=[{"id": 2, "status": "subscribe"}],
        ),
        identify("alice", name="Alice Second"),
        identify("alice", name="Alice Last", lists=[{"id": 2, "status": "unsubscribe"}]),
    ]


def _story_in_noise(noise: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The story's first event leads the batch; the rest are spread through the noise."""
    story = _user_story()
    return [story[0], *_interleave(story[1:], noise)]


def _assert_story_applied_in_order(emu: ActiveCampaignEmulator) -> None:
    alice = emu.contact("alice@example.com")
    assert alice is not None
    assert (alice.first_name, alice.last_name) == ("Alice", "Last")
    assert alice.lists == {"2": "2"}  # unsubscribed, as her last event says
    assert alice.tags == {"Early Adopter", "Beta Tester", "Referral"}
    # On the wire too: her syncs went out in the order of her events.
    last_names = [
        r.json["contact"].get("lastName")
        for r in emu.requests
        if r.path == "/api/3/contact/sync" and r.json["contact"]["email"] == "alice@example.com"
    ]
    assert last_names == ["First", "Second", "Last"]


def _assert_story_merged(emu: ActiveCampaignEmulator) -> None:
    """Merged, the story is one sync carrying the last name, and its last list status."""
    alice = emu.contact("alice@example.com")
    assert alice is not None
    assert (alice.first_name, alice.last_name) == ("Alice", "Last")
    assert alice.lists == {"2": "2"}
    assert alice.tags == {"Early Adopter", "Beta Tester", "Referral"}
    syncs = [
        r.json["contact"].get("lastName")
        for r in emu.requests
        if r.path == "/api/3/contact/sync" and r.json["contact"]["email"] == "alice@example.com"
    ]
    assert syncs == ["Last"]
    statuses = [r.json["contactList"]["status"] for r in emu.requests if r.path.endswith("Lists")]
    assert statuses.count(2) == 1 and statuses.count(1) == 0  # only the last status is sent


async def test_one_users_events_apply_in_order_under_concurrency() -> None:
    # Answers take simulated time, so many users' events are in flight at once.
    emu = seeded_emulator(latency=0.3)
    events = _story_in_noise(_noise(300, seed=3))
    async with emu.async_client() as client:
        destination = AsyncActiveCampaignDestination(
            client, max_concurrency=16, coalesce_identifies=False, bulk_threshold=0
        )
        results = await destination.process_batch(events)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    _assert_story_applied_in_order(emu)


def test_sync_destination_keeps_each_users_order_too() -> None:
    # Threads share the simulated clock's one reading, which makes request times (and so
    # the emulator's own rate limit) meaningless here; the order is what is checked.
    emu = seeded_emulator(rate_limit=None)
    events = [*_user_story(), *_noise(120, seed=4)]  # all three in flight at once
    with emu.client() as client:
        destination = ActiveCampaignDestination(
            client, max_concurrency=8, coalesce_identifies=False, bulk_threshold=0
        )
        results = destination.process_batch(events)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    _assert_story_applied_in_order(emu)


async def test_merged_identifies_leave_the_state_of_the_last_under_concurrency() -> None:
    emu = seeded_emulator(latency=0.3)
    events = _story_in_noise(_noise(300, seed=3))
    async with emu.async_client() as client:
        destination = AsyncActiveCampaignDestination(client, max_concurrency=16, bulk_threshold=0)
        results = await destination.process_batch(events)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    _assert_story_merged(emu)


def test_sync_destination_merges_identifies_too() -> None:
    emu = seeded_emulator(rate_limit=None)
    events = [*_user_story(), *_noise(120, seed=4)]
    with emu.client() as client:
        destination = ActiveCampaignDestination(client, max_concurrency=8, bulk_threshold=0)
        results = destination.process_batch(events)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    _assert_story_merged(emu)


async def test_order_holds_when_the_user_is_known_by_email_only() -> None:
    emu = seeded_emulator(latency=0.2)
    first = {"tags": ["Slow Start", "Second Tag"], "lists": [{"id": 3, "status": "subscribe"}]}
    last = {"lists": [{"id": 3, "status": "unsubscribe"}]}
    story: list[dict[str, Any]] = [
        {"type": "identify", "traits": {"email": "bob@example.com", **first}},
        {"type": "identify", "traits": {"email": "bob@example.com", "name": "Bob Middle"}},
        {"type": "identify", "traits": {"email": "bob@example.com", **last}},
    ]
    events = [*story, *_noise(100, seed=5)]  # all three in flight at once
    async with emu.async_client() as client:
        await AsyncActiveCampaignDestination(client).process_batch(events)
    bob = emu.contact("bob@example.com")
    assert bob is not None
    assert bob.lists == {"3": "2"}


async def test_results_come_back_in_input_order() -> None:
    emu = seeded_emulator(latency=0.1)
    rng = random.Random(11)
    events: list[Any] = []
    deliverable: list[bool] = []
    for n in range(200):
        user, message_id = f"u{rng.randrange(30)}", f"m{n}"
        kind = rng.choice(["track", "page", "identify", "no email", "alias"])
        if kind == "track":
            events.append(track(user, message_id=message_id))
        elif kind == "page":
            events.append(page(user, f"https://site{n % 7}.example.com/", message_id=message_id))
        elif kind == "identify":
            events.append(identify(user, message_id=message_id, name=f"U {n}"))
        elif kind == "no email":
            events.append({"type": "identify", "userId": user, "messageId": message_id})
        else:
            events.append({"type": "alias", "userId": user, "messageId": message_id})
        deliverable.append(kind in ("track", "page", "identify"))
    async with emu.async_client() as client:
        results = await AsyncActiveCampaignDestination(client).process_batch(events)
    assert [r.message_id for r in results] == [e["messageId"] for e in events]
    assert [r.event_type for r in results] == [e["type"] for e in events]
    assert [r.delivered for r in results] == deliverable


async def test_an_empty_batch_is_fine() -> None:
    emu = seeded_emulator()
    async with emu.async_client() as client:
        assert await AsyncActiveCampaignDestination(client).process_batch([]) == []
    assert emu.requests == []
