"""Caps on one event (tags, eventdata), lists the account lacks, domains given as URLs."""

from __future__ import annotations

from typing import Any

import pytest

from rudder_mapper import ActiveCampaignDestination, MappingLimits, PagePlan, plan_message
from rudder_mapper.limits import DEFAULT_LIMITS

from .conftest import EmulatorHarness


def _identify(email: str = "a@example.com", **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": email, "traits": {"email": email, **traits}}


def _track(data: Any) -> dict[str, Any]:
    return {
        "type": "track",
        "event": "Ordered",
        "properties": {"email": "a@example.com", "eventData": data},
    }


# -- caps -------------------------------------------------------------------------------


def test_the_default_caps() -> None:
    assert (DEFAULT_LIMITS.max_tags, DEFAULT_LIMITS.max_eventdata_bytes) == (100, 65_536)
    with pytest.raises(ValueError, match="max_tags"):
        MappingLimits(max_tags=0)


async def test_more_than_100_tags_is_a_400_naming_the_tags(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    tags = [f"tag {n}" for n in range(101)]
    result = await harness.process(_identify(tags=tags))
    assert (result.status_code, result.retryable, result.field) == (400, False, "traits.tags")
    assert result.error is not None and "at most 100" in result.error
    assert harness.sent == [] and emulator.contacts() == []
    # 100 distinct tags (duplicates by case do not count) are fine.
    fine = await harness.process(_identify(tags=[*tags[:100], "TAG 1"]))
    assert fine.delivered


async def test_tags_of_both_scopes_count_together(on_emulator: EmulatorHarness) -> None:
    harness, _ = await on_emulator(limits=MappingLimits(max_tags=3))
    message = _identify(tags=["a", "b"])
    message["context"] = {"traits": {"tags": ["c", "d"]}}
    result = await harness.process(message)
    assert (result.status_code, result.field) == (400, "traits.tags")
    assert "traits.tags and context.traits.tags" in (result.error or "")


async def test_eventdata_over_64_kib_is_a_400(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    too_big = await harness.process(_track("é" * 32_769))  # 65,538 bytes in UTF-8
    assert (too_big.status_code, too_big.field) == (400, "properties.eventData")
    assert "65,536" in (too_big.error or "")
    as_object = await harness.process(_track({"blob": "x" * 70_000}))
    assert (as_object.status_code, as_object.field) == (400, "properties.eventData")
    assert emulator.tracked_events == []
    fits = await harness.process(_track("x" * 65_536))
    assert fits.delivered


async def test_caps_are_settings(on_emulator: EmulatorHarness) -> None:
    harness, _ = await on_emulator(limits=MappingLimits(max_tags=2, max_eventdata_bytes=10))
    assert (await harness.process(_identify(tags=["a", "b", "c"]))).status_code == 400
    assert (await harness.process(_track("x" * 11))).status_code == 400
    assert (await harness.process(_track("x" * 10))).delivered


def test_from_config_takes_the_caps() -> None:
    config = {"apiUrl": "https://acct.api-us1.com", "apiKey": "k"}
    limits = MappingLimits(max_tags=5)
    with ActiveCampaignDestination.from_config(config, limits=limits) as destination:
        assert destination.limits is limits
        result = destination.process(_identify(tags=[str(n) for n in range(6)]))
    assert (result.status_code, result.field) == (400, "traits.tags")


# -- lists the account lacks ------------------------------------------------------------


@pytest.mark.parametrize("list_id", [0, 77])
async def test_a_missing_list_is_a_warning_and_the_rest_is_applied(
    on_emulator: EmulatorHarness, list_id: int
) -> None:
    harness, emulator = await on_emulator()
    result = await harness.process(
        _identify(
            tags=["VIP"],
            lists=[{"id": list_id, "status": "subscribe"}, {"id": 2, "status": "subscribe"}],
        )
    )
    assert result.delivered, result
    assert result.warnings == (
        f"traits.lists[0].id: list {list_id} does not exist in this account "
        "(status not applied; the contact and its tags were)",
    )
    contact = emulator.contact("a@example.com")
    assert contact is not None and contact.tags == {"VIP"} and contact.lists == {"2": "1"}


async def test_a_missing_list_is_left_out_of_a_bulk_import(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    messages = [
        _identify(f"c{n}@example.com", lists=[{"id": 0 if n == 3 else 2, "status": "subscribe"}])
        for n in range(10)
    ]
    results = await harness.process_batch(messages)
    assert all(r.delivered for r in results)
    assert [bool(r.warnings) for r in results] == [n == 3 for n in range(10)]
    assert "list 0 does not exist" in results[3].warnings[0]
    [request] = [r for r in emulator.requests if r.path.endswith("bulk_import")]
    assert "subscribe" not in request.json["contacts"][3]
    assert request.json["contacts"][4]["subscribe"] == [{"listid": 2}]
    contact = emulator.contact("c3@example.com")
    assert contact is not None and contact.lists == {}


# -- domains written as URLs ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "domain"),
    [
        ("context.page.referring_domain", "https://www.example.org", "example.org"),
        ("context.page.referring_domain", "http://ref.example.net/a?b", "ref.example.net"),
        ("properties.domain", "https://shop.example.com:8443/", "shop.example.com"),
        ("properties.referring_domain", "www.example.org", "example.org"),
    ],
)
def test_a_domain_property_written_as_a_url_is_read_as_one(
    path: str, value: str, domain: str
) -> None:
    message: dict[str, Any] = {"type": "page"}
    node = message
    *parents, leaf = path.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value
    assert plan_message(message) == PagePlan(domain=domain)
