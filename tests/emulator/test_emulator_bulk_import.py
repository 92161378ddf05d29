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


# -- imports applied after a delay ------------------------------------------------------


def _info(emu: ActiveCampaignEmulator, batch_id: str) -> Any:
    with httpx.Client(transport=emu.transport(), base_url=emu.api_url) as http:
        answer = http.get(
            "/api/3/import/info", params={"batchId": batch_id}, headers={"Api-Token": emu.api_key}
        )
        assert answer.status_code == 200
        return answer.json()


def test_a_delayed_import_is_applied_when_due_and_its_status_follows() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None, import_delay=10.0)
    answer = _post(emu, {"contacts": [{"email": "a@example.com", "first_name": "Ann"}]})
    batch_id = answer.json()["batchId"]
    assert answer.json()["message"] == "Contact import queued"
    # Within the first second ActiveCampaign has set no status yet: it answers false.
    assert _info(emu, batch_id) == {"status": False, "success": [], "failure": []}
    assert emu.contact("a@example.com") is None and emu.pending_imports() == 1
    emu.clock.sleep(5)
    assert _info(emu, batch_id)["status"] == "active"
    assert emu.contact("a@example.com") is None
    emu.clock.sleep(5)
    done = _info(emu, batch_id)
    ann = emu.contact("a@example.com")
    assert ann is not None and ann.first_name == "Ann"
    assert done == {"status": "completed", "success": [ann.id], "failure": []}
    assert emu.pending_imports() == 0


def test_the_overview_tells_outstanding_from_completed_imports() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None, import_delay=10.0)
    _post(emu, {"contacts": [{"email": "a@example.com"}, {"email": "b@example.com"}]})
    emu.clock.sleep(20)
    _post(emu, {"contacts": [{"email": "c@example.com"}]})
    with emu.client() as client:
        overview = client.bulk_import.overview()
    assert [(d.batches, d.contacts) for d in overview.outstanding] == [(1, 1)]
    assert [(d.batches, d.contacts) for d in overview.recently_completed] == [(1, 2)]


def test_a_sync_sent_before_an_import_is_applied_is_overwritten_by_it() -> None:
    # The hazard the mapper guards against: the import is older, yet lands last.
    emu = ActiveCampaignEmulator(rate_limit=None, import_delay=10.0)
    with emu.client() as client:
        client.bulk_import.import_contacts([{"email": "a@example.com", "first_name": "Old"}])
        client.contacts.sync("a@example.com", first_name="New")
        assert emu.contact("a@example.com").first_name == "New"  # type: ignore[union-attr]
        emu.clock.sleep(10)
        assert emu.contact("a@example.com").first_name == "Old"  # type: ignore[union-attr]


def test_imports_are_applied_in_the_order_received_before_the_next_request() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None, import_delay=3.0)
    with emu.client() as client:
        client.bulk_import.import_contacts([{"email": "a@example.com", "first_name": "One"}])
        emu.clock.sleep(1)
        client.bulk_import.import_contacts([{"email": "a@example.com", "first_name": "Two"}])
        emu.clock.sleep(10)
        # Both were due before this sync arrived: they are applied first, in order.
        client.contacts.sync("a@example.com", last_name="Three")
    contact = emu.contact("a@example.com")
    assert contact is not None and (contact.first_name, contact.last_name) == ("Two", "Three")


def test_the_client_reads_the_status_not_set_yet() -> None:
    emu = ActiveCampaignEmulator(import_delay=30.0)
    with emu.client() as client:
        batch = client.bulk_import.import_contacts([{"email": "a@example.com"}])
        info = client.bulk_import.status(batch.batch_id)
        assert (info.status, info.finished) == ("", False)
        emu.clock.sleep(2)
        assert client.bulk_import.status(batch.batch_id).status == "active"
        emu.clock.sleep(30)
        assert client.bulk_import.status(batch.batch_id).finished


def test_import_delay_is_validated() -> None:
    with pytest.raises(ValueError, match="import_delay"):
        ActiveCampaignEmulator(import_delay=-1)
