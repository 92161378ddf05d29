"""Bulk import for identify batches: the threshold, 250-contact chunks, what lands in the
account, and each event's own result."""

from __future__ import annotations

from collections import Counter

import pytest

from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination

from ._support import identifies, identify, track

BULK = "/api/3/import/bulk_import"


@pytest.mark.parametrize(
    ("contacts", "chunks"),
    [(1, []), (9, []), (10, [10]), (250, [250]), (251, [250, 1]), (5000, [250] * 20)],
)
async def test_identify_batches_are_chunked_by_250(
    emu: ActiveCampaignEmulator, contacts: int, chunks: list[int]
) -> None:
    events = identifies(contacts)
    async with emu.async_client() as client:
        results = await AsyncActiveCampaignDestination(client).process_batch(events)

    assert all(r.delivered for r in results)
    assert [r.message_id for r in results] == [e["messageId"] for e in events]
    imports = [r for r in emu.requests if r.path == BULK]
    assert [len(r.json["contacts"]) for r in imports] == chunks
    assert all(r.status == 200 for r in imports)
    calls = Counter(f"{r.method} {r.path}" for r in emu.requests)
    if chunks:  # in bulk: no per-contact call at all (the lists: to leave out unknown ones)
        assert calls == {"GET /api/3/fields": 1, "GET /api/3/lists": 1, f"POST {BULK}": len(chunks)}
    else:  # below the threshold: one by one (sync, 2 tags, 1 list each)
        assert calls == {
            "GET /api/3/fields": 1,
            "GET /api/3/tags": 1,
            "POST /api/3/tags": 2,  # "Imported" and "Customer", created once
            "POST /api/3/contact/sync": contacts,
            "POST /api/3/contactTags": 2 * contacts,
            "POST /api/3/contactLists": contacts,
        }
    assert len(emu.contacts()) == contacts


async def test_imported_contacts_carry_names_tags_fields_and_lists(
    emu: ActiveCampaignEmulator,
) -> None:
    events = identifies(12)
    events[3]["traits"]["lists"] = [{"id": 2, "status": "unsubscribe"}]
    events[4]["traits"]["phone"] = "+15550100"
    async with emu.async_client() as client:
        await AsyncActiveCampaignDestination(client).process_batch(events)

    [request] = [r for r in emu.requests if r.path == BULK]
    entry = request.json["contacts"][0]
    assert entry == {
        "email": "c0@example.com",
        "first_name": "First0",
        "last_name": "Last0",
        "tags": ["Imported", "Customer"],
        "fields": [
            {"id": 1, "value": "Books"},
            {"id": 2, "value": "India"},
            {"id": 3, "value": "||Chess||Tennis||"},
        ],
        "subscribe": [{"listid": 1}],
    }
    contact = emu.contact("c0@example.com")
    assert contact is not None
    assert (contact.first_name, contact.last_name) == ("First0", "Last0")
    assert contact.tags == {"Imported", "Customer"}
    assert contact.field_values == {"1": "Books", "2": "India", "3": "||Chess||Tennis||"}
    assert contact.lists == {"1": "1"}
    unsubscribed = emu.contact("c3@example.com")
    assert unsubscribed is not None and unsubscribed.lists == {"2": "2"}
    with_phone = emu.contact("c4@example.com")
    assert with_phone is not None and with_phone.phone == "+15550100"


async def test_threshold_is_an_option(emu: ActiveCampaignEmulator) -> None:
    async with emu.async_client() as client:
        never = AsyncActiveCampaignDestination(client, bulk_threshold=0)
        await never.process_batch(identifies(12, prefix="a"))
        assert not [r for r in emu.requests if r.path == BULK]
        early = AsyncActiveCampaignDestination(client, bulk_threshold=3)
        await early.process_batch(identifies(3, prefix="b"))
    assert [len(r.json["contacts"]) for r in emu.requests if r.path == BULK] == [3]


async def test_a_users_several_identifies_are_one_entry_of_the_import(
    emu: ActiveCampaignEmulator,
) -> None:
    events = [
        *identifies(10),
        identify(
            "repeat", name="Old Name", tags=["First"], lists=[{"id": 2, "status": "subscribe"}]
        ),
        track("repeat"),
        identify("repeat", name="New Name", tags=["Second"], fieldInfo={"Interest": "Chess"}),
        identify("repeat", lists=[{"id": 2, "status": "unsubscribe"}], fieldInfo={"Country": "NZ"}),
    ]
    async with emu.async_client() as client:
        results = await AsyncActiveCampaignDestination(client).process_batch(events)
    assert all(r.delivered for r in results)
    [request] = [r for r in emu.requests if r.path == BULK]
    [entry] = [c for c in request.json["contacts"] if c["email"] == "repeat@example.com"]
    assert entry == {
        "email": "repeat@example.com",
        "first_name": "New",
        "last_name": "Name",
        "tags": ["First", "Second"],
        "fields": [{"id": 1, "value": "Chess"}, {"id": 2, "value": "NZ"}],
        "unsubscribe": [{"listid": 2}],
    }
    assert "/api/3/contact/sync" not in {r.path for r in emu.requests}
    repeat = emu.contact("repeat@example.com")
    assert repeat is not None
    assert (repeat.first_name, repeat.last_name, repeat.lists) == ("New", "Name", {"2": "2"})


async def test_without_merging_several_identifies_go_one_by_one(
    emu: ActiveCampaignEmulator,
) -> None:
    events = [
        *identifies(10),
        identify("repeat", name="Old Name"),
        track("repeat"),
        identify("repeat", name="New Name"),
    ]
    async with emu.async_client() as client:
        destination = AsyncActiveCampaignDestination(client, coalesce_identifies=False)
        results = await destination.process_batch(events)
    assert all(r.delivered for r in results)
    [request] = [r for r in emu.requests if r.path == BULK]
    assert "repeat@example.com" not in {c["email"] for c in request.json["contacts"]}
    assert len([r for r in emu.requests if r.path == "/api/3/contact/sync"]) == 2
    repeat = emu.contact("repeat@example.com")
    assert repeat is not None and repeat.last_name == "Name" and repeat.first_name == "New"


async def test_bulk_import_keeps_to_its_own_budget_across_batches(
    emu: ActiveCampaignEmulator,
) -> None:
    # 120 multi-contact imports in a row: more than the 100 a minute bulk import allows.
    async with emu.async_client() as client:
        destination = AsyncActiveCampaignDestination(client)
        for batch in range(120):
            await destination.process_batch(identifies(10, prefix=f"b{batch}-"))
    imports = [r for r in emu.requests if r.path == BULK]
    assert len(imports) == 120
    assert all(r.status == 200 for r in imports)  # never the API's "Rate limit exceeded"
    times = sorted(r.time for r in imports)
    assert all(later - earlier >= 60.0 for earlier, later in zip(times, times[100:], strict=False))
