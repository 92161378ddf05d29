"""Bulk import: validated as a whole, applied at once, within its per-minute budgets."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from activecampaign_client import BadRequestError
from activecampaign_client.testing import ActiveCampaignEmulator

from ._support import Api


async def test_import_applies_contacts_at_once(emu: ActiveCampaignEmulator, api: Api) -> None:
    city, plan = emu.add_field("City"), emu.add_field("Plan")
    news, promo = emu.add_list("News"), emu.add_list("Promo")
    emu.add_tag("VIP")
    emu.add_contact("old@example.com", first_name="Old", lists={promo: "1"})
    contacts: list[dict[str, Any]] = [
        {
            "email": "jane@example.com",
            "first_name": "Jane",
            "last_name": "Doe",
            "phone": "555",
            "tags": ["vip", "New Tag"],
            "fields": [{"id": int(city), "value": "Paris"}, {"id": int(plan), "value": "||a||b||"}],
            "subscribe": [{"listid": int(news)}],
        },
        {"email": "old@example.com", "last_name": "Timer", "unsubscribe": [{"listid": int(promo)}]},
    ]
    result = await api(api.bulk_import.import_contacts, contacts)
    assert (result.success, result.queued_contacts, result.message) == (
        1,
        2,
        "Contact import queued",
    )
    jane, old = emu.contact("jane@example.com"), emu.contact("old@example.com")
    assert jane is not None and old is not None
    assert (jane.first_name, jane.last_name, jane.phone) == ("Jane", "Doe", "555")
    assert jane.tags == {"VIP", "New Tag"}
    assert jane.field_values == {city: "Paris", plan: "||a||b||"}
    assert jane.lists == {news: "1"}
    assert (old.first_name, old.last_name, old.lists) == ("Old", "Timer", {promo: "2"})
    assert sorted(emu.tags().values()) == ["New Tag", "VIP"]  # matched case-insensitively

    info = await api(api.bulk_import.status, result.batch_id)
    assert (info.status, info.success, info.failure) == ("completed", [jane.id, old.id], [])
    overview = await api(api.bulk_import.overview)
    [day] = overview.recently_completed
    assert (day.for_date, day.batches, day.contacts) == ("2024-01-01", 1, 2)


async def test_batch_ids_are_reproducible_per_seed() -> None:
    ids = []
    for _ in range(2):
        emu = ActiveCampaignEmulator(seed=7)
        with emu.client() as client:
            ids.append(client.bulk_import.import_contacts([{"email": "a@example.com"}]).batch_id)
    assert ids[0] == ids[1]


def _post(emu: ActiveCampaignEmulator, body: Any) -> httpx.Response:
    with httpx.Client(transport=emu.transport()) as http:
        return http.post(
            emu.api_url + "/api/3/import/bulk_import",
            json=body,
            headers={"Api-Token": emu.api_key},
        )


def test_invalid_contacts_reject_the_whole_import() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    body = {"contacts": [{"email": "ok@example.com"}, {"email": "bad@"}, "x", {"email": "b@c.d"}]}
    answer = _post(emu, body)
    assert answer.status_code == 400
    data = answer.json()
    assert data["success"] == 0
    assert [r["contact"] for r in data["failureReasons"]] == [1, 2]
    assert emu.contacts() == []


@pytest.mark.parametrize("contacts", [[], [{"email": f"c{n}@example.com"} for n in range(251)]])
def test_between_1_and_250_contacts(contacts: list[dict[str, str]]) -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    assert _post(emu, {"contacts": contacts}).status_code == 400
    assert _post(emu, {"nothing": 1}).status_code == 400


def test_250_contacts_are_accepted() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    body = {"contacts": [{"email": f"c{n}@example.com"} for n in range(250)]}
    assert _post(emu, body).json()["queued_contacts"] == 250
    assert len(emu.contacts()) == 250


@pytest.mark.parametrize(("size", "budget"), [(2, 100), (1, 20)])
def test_per_minute_budgets(size: int, budget: int) -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    body = {"contacts": [{"email": f"c{n}@example.com"} for n in range(size)]}
    assert all(_post(emu, body).status_code == 200 for _ in range(budget))
    refused = _post(emu, body)
    assert refused.status_code == 400  # documented as a 400, not a 429
    assert refused.json()["message"] == "Rate limit exceeded."
    assert refused.json()["failureReasons"][0].startswith(f"Up to {budget} imports")
    emu.clock.sleep(60)
    assert _post(emu, body).status_code == 200


def test_the_client_keeps_to_the_import_budget(emu: ActiveCampaignEmulator) -> None:
    with emu.client() as client:
        for n in range(120):
            client.bulk_import.import_contacts(
                [{"email": f"a{n}@example.com"}, {"email": "b@x.io"}]
            )
    assert {r.status for r in emu.requests} == {200}
    assert emu.clock.now() >= 60


def test_unknown_batch_and_missing_batch_id() -> None:
    emu = ActiveCampaignEmulator()
    with httpx.Client(transport=emu.transport(), base_url=emu.api_url) as http:
        headers = {"Api-Token": emu.api_key}
        missing = http.get("/api/3/import/info", headers=headers)
        assert missing.status_code == 400
        assert missing.json()["message"] == "'batchId' is a required field."
        unknown = http.get("/api/3/import/info", params={"batchId": "x"}, headers=headers)
        assert unknown.status_code == 404


async def test_client_reports_rejected_contacts(emu: ActiveCampaignEmulator, api: Api) -> None:
    with pytest.raises(BadRequestError) as caught:
        await api(api.bulk_import.import_contacts, [{"email": "a@example.com"}, {"email": "b@x"}])
    assert [e.pointer for e in caught.value.errors] == ["/contacts/1"]
