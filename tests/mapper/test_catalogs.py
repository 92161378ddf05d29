"""Catalog behaviour on the emulator: steady-state costs, case-insensitive names, refreshes."""

from __future__ import annotations

import asyncio
from typing import Any

from .conftest import EmulatorHarness, seeded_emulator


def _identify(email: str, **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": email, "traits": {"email": email, **traits}}


def _track(email: str, event: str) -> dict[str, Any]:
    return {"type": "track", "event": event, "context": {"traits": {"email": email}}}


def _page(url: str) -> dict[str, Any]:
    return {"type": "page", "properties": {"url": url}}


async def test_steady_state_identify_makes_no_get(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    traits = {
        "tags": ["Returning User", "VIP"],
        "fieldInfo": {"Interest": "Books"},
        "lists": [{"id": 2, "status": "subscribe"}],
    }
    assert (await harness.process(_identify("a@example.com", **traits))).delivered
    harness.sent.clear()
    result = await harness.process(_identify("b@example.com", **traits))
    assert result.delivered, result.error
    assert harness.calls() == [
        "POST /api/3/contact/sync",
        "POST /api/3/contactTags",
        "POST /api/3/contactTags",
        "POST /api/3/contactLists",
    ]
    contact = emulator.contact("b@example.com")
    assert contact is not None
    assert contact.tags == {"Returning User", "VIP"}
    assert contact.field_values == {"1": "Books"}
    assert contact.lists == {"2": "1"}


async def test_known_event_costs_exactly_one_request(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_track("a@example.com", "Signed Up"))).delivered
    harness.sent.clear()
    assert (await harness.process(_track("b@example.com", "Signed Up"))).delivered
    assert harness.calls() == ["POST /event"]
    assert [e.email for e in emulator.tracked_events] == ["a@example.com", "b@example.com"]


async def test_known_domain_costs_nothing(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_page("https://www.shop.example.com/a"))).delivered
    harness.sent.clear()
    assert (await harness.process(_page("https://shop.example.com/b"))).delivered
    assert harness.sent == []
    assert list(emulator.domains().values()) == ["shop.example.com"]


async def test_tags_match_case_insensitively_across_pages(on_emulator: EmulatorHarness) -> None:
    emulator = seeded_emulator()
    for number in range(130):
        emulator.add_tag(f"tag {number}")
    emulator.add_tag("Premium")  # lands on the second page of 100
    harness, _ = await on_emulator(emulator)
    result = await harness.process(_identify("a@example.com", tags=["premium", "PREMIUM"]))
    assert result.delivered, result.error
    assert "POST /api/3/tags" not in harness.calls()
    assert harness.calls().count("GET /api/3/tags") == 2
    contact = emulator.contact("a@example.com")
    assert contact is not None and contact.tags == {"Premium"}


async def test_fields_match_by_personalization_tag(on_emulator: EmulatorHarness) -> None:
    emulator = seeded_emulator()
    shirt = emulator.add_field("T-shirt size", perstag="SHIRT_SIZE", type="dropdown")
    harness, _ = await on_emulator(emulator)
    for key in ("%SHIRT_SIZE%", "shirt_size", "t-shirt SIZE"):
        result = await harness.process(_identify("a@example.com", fieldInfo={key: "M"}))
        assert result.delivered and result.warnings == (), (key, result)
    contact = emulator.contact("a@example.com")
    assert contact is not None and contact.field_values == {shirt: "M"}


async def test_unknown_field_is_a_warning_and_refreshes_once(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    first = await harness.process(_identify("a@example.com", fieldInfo={"Shoe": 42}))
    second = await harness.process(_identify("b@example.com", fieldInfo={"Shoe": 43}))
    assert first.delivered and second.delivered
    assert "traits.fieldInfo.Shoe" in first.warnings[0]
    # Loaded once, not refreshed again within the refresh interval.
    assert harness.calls().count("GET /api/3/fields") == 1
    emulator.clock.sleep(61)
    shoe = emulator.add_field("Shoe")
    third = await harness.process(_identify("c@example.com", fieldInfo={"Shoe": 44}))
    assert third.delivered and third.warnings == ()
    contact = emulator.contact("c@example.com")
    assert contact is not None and contact.field_values == {shoe: "44"}


async def test_tag_created_elsewhere_is_found_after_duplicate_answer(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_identify("a@example.com", tags=["Returning User"]))).delivered
    emulator.add_tag("Late Tag")  # created by someone else after our catalog loaded
    result = await harness.process(_identify("b@example.com", tags=["late tag"]))
    assert result.delivered, result.error
    assert sorted(emulator.tags().values()) == ["Late Tag", "Returning User"]
    contact = emulator.contact("b@example.com")
    assert contact is not None and contact.tags == {"Late Tag"}


async def test_domain_whitelisted_elsewhere_counts_as_success(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_page("https://one.example.com"))).delivered
    emulator.add_domain("two.example.com")
    result = await harness.process(_page("https://two.example.com"))
    assert result.delivered, result.error
    assert sorted(emulator.domains().values()) == ["one.example.com", "two.example.com"]


async def test_event_registered_elsewhere_is_still_tracked(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_track("a@example.com", "First"))).delivered
    emulator.add_event_name("Second")
    assert (await harness.process(_track("a@example.com", "Second"))).delivered
    assert [e.event for e in emulator.tracked_events] == ["First", "Second"]


async def test_concurrent_batch_shares_one_catalog_load(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(bulk_threshold=0)
    messages = [_identify(f"u{n}@example.com", tags=["Shared New Tag"]) for n in range(12)]
    results = await harness.process_batch(messages)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    assert harness.calls().count("GET /api/3/tags") <= 2  # one load, at most one refresh
    assert list(emulator.tags().values()).count("Shared New Tag") == 1
    assert all(c.tags == {"Shared New Tag"} for c in emulator.contacts())


async def test_concurrent_misses_refresh_the_field_list_once(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(bulk_threshold=0)
    assert await harness.process(_identify("first@example.com", fieldInfo={"Interest": "x"}))
    emulator.clock.sleep(61)  # the field list is now due for a refresh on a miss
    harness.sent.clear()
    messages = [_identify(f"u{n}@example.com", fieldInfo={"Unknown": n}) for n in range(8)]
    results = await harness.process_batch(messages)
    assert all(r.delivered and r.warnings for r in results)
    assert harness.calls().count("GET /api/3/fields") == 1


async def test_a_refused_name_is_not_taken_for_an_existing_one(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script("POST /api/3/prism/urlWhitelistings", ["500"])
    failed = await harness.process(_page("https://new.example.com"))
    assert (failed.status_code, failed.retryable) == (500, True)
    assert emulator.domains() == {}
    retried = await harness.process(_page("https://new.example.com"))
    assert retried.delivered
    assert list(emulator.domains().values()) == ["new.example.com"]


async def test_an_event_name_deleted_in_the_account_is_registered_again(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_track("a@example.com", "Signed Up"))).delivered
    with emulator.client() as admin:
        admin.event_tracking.delete_event("Signed Up")
    result = await harness.process(_track("b@example.com", "Signed Up"))
    assert result.delivered, result.error
    assert [e.email for e in emulator.tracked_events] == ["a@example.com", "b@example.com"]


async def test_a_tag_deleted_in_the_account_is_created_again(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    assert (await harness.process(_identify("a@example.com", tags=["VIP"]))).delivered
    [vip_id] = [tag_id for tag_id, name in emulator.tags().items() if name == "VIP"]
    with emulator.client() as admin:
        admin.tags.delete(vip_id)
    result = await harness.process(_identify("b@example.com", tags=["VIP"]))
    assert result.delivered, result.error
    contact = emulator.contact("b@example.com")
    assert contact is not None and contact.tags == {"VIP"}


async def test_concurrent_events_all_find_a_tag_created_elsewhere(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    assert await harness.process(_identify("first@example.com", tags=["Returning User"]))
    emulator.add_tag("Late Tag")  # after our catalog loaded
    messages = [_identify(f"u{n}@example.com", tags=["late tag"]) for n in range(8)]
    results = await asyncio.gather(*(harness.process(m) for m in messages))
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    assert list(emulator.tags().values()).count("Late Tag") == 1
