"""The emulator on the wire, without the client: shapes, pagination and the API's quirks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from activecampaign_client.testing import ActiveCampaignEmulator


class Wire:
    """Raw HTTP to an emulator, with the right Api-Token unless told otherwise."""

    def __init__(self, emu: ActiveCampaignEmulator) -> None:
        self.emu = emu
        self.http = httpx.Client(transport=emu.transport(), base_url=emu.api_url + "/api/3/")

    def __call__(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", {"Api-Token": self.emu.api_key})
        return self.http.request(method, path, headers=headers, **kwargs)

    def track(self, **form: str) -> Any:
        return self.http.post("https://trackcmp.net/event", data=form).json()


@pytest.fixture
def wire() -> Iterator[Wire]:
    emu = ActiveCampaignEmulator(rate_limit=None)
    client = Wire(emu)
    yield client
    client.http.close()


def test_listings_page_by_20_by_default_and_100_at_most(wire: Wire) -> None:
    for n in range(130):
        wire.emu.add_tag(f"tag {n:03}")
    default = wire("GET", "tags").json()
    assert len(default["tags"]) == 20
    assert default["meta"] == {"total": "130"}
    assert len(wire("GET", "tags", params={"limit": 500}).json()["tags"]) == 100
    last = wire("GET", "tags", params={"limit": 100, "offset": 120}).json()
    assert [t["tag"] for t in last["tags"]] == [f"tag {n:03}" for n in range(120, 130)]
    assert all(isinstance(t["id"], str) for t in last["tags"])


def test_every_listing_pages(wire: Wire) -> None:
    emu = wire.emu
    contact = emu.add_contact("a@example.com", tags=[f"t{n}" for n in range(25)])
    for n in range(25):
        emu.add_field(f"f{n}")
        emu.add_list(f"l{n}")
        emu.add_event_name(f"e{n}")
        emu.add_domain(f"d{n}.example.com")
        emu.add_contact(f"c{n}@example.com")
    for path, key in [
        ("contacts", "contacts"),
        ("fields", "fields"),
        ("lists", "lists"),
        ("eventTrackingEvents", "eventTrackingEvents"),
        ("prism/urlWhitelistings", "data"),
        (f"contacts/{contact}/contactTags", "contactTags"),
    ]:
        assert len(wire("GET", path).json()[key]) == 20, path
        assert len(wire("GET", path, params={"offset": 20}).json()[key]) >= 5, path


def test_event_names_total_is_a_number_as_documented(wire: Wire) -> None:
    wire.emu.add_event_name("signup")
    assert wire("GET", "eventTrackingEvents").json()["meta"] == {"total": 1}


def test_missing_or_wrong_token_gets_the_login_page_with_200(wire: Wire) -> None:
    for headers in ({}, {"Api-Token": "wrong"}):
        response = wire("GET", "contacts", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "<form" in response.text
    assert [r.status for r in wire.emu.requests] == [200, 200]


def test_unknown_paths_and_objects_are_404(wire: Wire) -> None:
    assert wire("GET", "deals").status_code == 404
    assert wire("POST", "automations").status_code == 404  # not emulated
    missing = wire("GET", "contacts/42")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No Result found for Subscriber with id 42"}
    assert wire("GET", "tags/42").json() == {"message": "No Result found for Tag with id 42"}
    outside = wire.http.get("/admin/", headers={"Api-Token": wire.emu.api_key})
    assert outside.status_code == 404


def test_422_bodies_have_title_detail_code_and_pointer(wire: Wire) -> None:
    response = wire("POST", "contact/sync", json={"contact": {"email": "nope"}})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert set(error) == {"title", "detail", "code", "source"}
    assert error["source"] == {"pointer": "/data/attributes/email"}


def test_bodies_that_are_not_json_objects_are_400(wire: Wire) -> None:
    response = wire(
        "POST",
        "contact/sync",
        content=b"{",
        headers={"Api-Token": wire.emu.api_key, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert wire("POST", "tags", json=["x"]).status_code == 400


def test_duplicate_tag_names_compare_case_insensitively(wire: Wire) -> None:
    first = wire("POST", "tags", json={"tag": {"tag": "VIP"}})
    assert first.status_code == 201
    assert first.json()["tag"]["id"] == "1"
    second = wire("POST", "tags", json={"tag": {"tag": "vip"}})
    assert second.status_code == 422
    assert second.json()["errors"][0]["code"] == "duplicate"
    assert wire.emu.tags() == {"1": "VIP"}


def test_duplicate_event_name_is_422(wire: Wire) -> None:
    body = {"eventTrackingEvent": {"name": "signup"}}
    assert wire("POST", "eventTrackingEvents", json=body).status_code == 201
    assert wire("POST", "eventTrackingEvents", json=body).status_code == 422
    assert wire.emu.event_names() == ["signup"]


def test_event_names_are_deleted_by_their_url_encoded_name(wire: Wire) -> None:
    wire.emu.add_event_name("a/b c?")
    assert wire("DELETE", "eventTrackingEvents/a%2Fb%20c%3F").status_code == 200
    assert wire.emu.event_names() == []
    assert wire("DELETE", "eventTrackingEvents/a%2Fb%20c%3F").status_code == 404


def test_domains_answer_json_api_and_conflict_on_a_repeat(wire: Wire) -> None:
    created = wire("POST", "prism/urlWhitelistings", json={"siteTrackingDomain": {"name": "a.com"}})
    assert created.status_code == 201
    item = created.json()["data"]
    assert (item["type"], item["id"], item["attributes"]["whitelisted_domain"]) == (
        "urlWhitelistings",
        "1",
        "a.com",
    )
    jsonapi = {"data": {"type": "urlWhitelistings", "attributes": {"whitelisted_domain": "A.com"}}}
    assert wire("POST", "prism/urlWhitelistings", json=jsonapi).status_code == 409
    assert [d["id"] for d in wire("GET", "prism/urlWhitelistings").json()["data"]] == ["1"]
    removed = wire("DELETE", "prism/urlWhitelistings/1")
    assert (removed.status_code, removed.content) == (204, b"")
    assert wire.emu.domains() == {}
    bad = wire("POST", "prism/urlWhitelistings", json={"siteTrackingDomain": {"name": "a b"}})
    assert bad.status_code == 400


def test_tracking_switches(wire: Wire) -> None:
    for key in ("eventTracking", "siteTracking"):
        assert wire("GET", key).json() == {key: {"enabled": True}}
        off = wire("PUT", key, json={key: {"enabled": False}})
        assert off.json() == {key: {"enabled": False}}
        assert wire("GET", key).json() == {key: {"enabled": False}}
        assert wire("PUT", key, json={key: {"enabled": "yes"}}).status_code == 422


def test_trackcmp_spawns_registered_events_only(wire: Wire) -> None:
    emu = wire.emu
    emu.add_event_name("signup")
    good = {"actid": emu.actid, "key": emu.event_key, "visit": '{"email": "a@example.com"}'}
    assert wire.track(**good, event="signup", eventdata="x") == {
        "success": 1,
        "message": "Event spawned",
    }
    for form in (
        {**good, "event": "unknown"},
        {**good, "event": "signup", "key": "wrong"},
        {**good, "event": "signup", "actid": "1"},
        {**good, "event": ""},
        {**good, "event": "signup", "visit": "not json"},
    ):
        answer = wire.track(**form)
        assert answer["success"] == 0 and answer["message"], form
    [event] = emu.tracked_events
    assert (event.event, event.email, event.eventdata, event.time) == (
        "signup",
        "a@example.com",
        "x",
        0.0,
    )


def test_trackcmp_credentials_are_masked_in_the_record(wire: Wire) -> None:
    emu = wire.emu
    wire.track(actid=emu.actid, key=emu.event_key, event="e", visit="{}")
    wire("GET", "tags")
    tracked, listed = emu.requests
    assert tracked.host == "trackcmp.net"
    assert tracked.form["key"] == tracked.form["actid"] == "***"
    assert tracked.form["event"] == "e"
    assert "api-token" not in tracked.headers
    assert listed.headers["api-token"] == "***"
    assert emu.event_key not in repr(emu.requests) and emu.api_key not in repr(emu.requests)


def test_contact_sync_answers_201_with_contact_and_field_values(wire: Wire) -> None:
    field = wire.emu.add_field("City")
    body = {"contact": {"email": "a@example.com", "fieldValues": [{"field": field, "value": "X"}]}}
    answer = wire("POST", "contact/sync", json=body)
    assert answer.status_code == 201
    data = answer.json()
    assert data["contact"]["id"] == "1" and data["contact"]["fieldValues"] == ["1"]
    assert [(v["id"], v["field"], v["value"]) for v in data["fieldValues"]] == [("1", "1", "X")]


def test_field_value_writes_answer_integer_ids_as_documented(wire: Wire) -> None:
    contact, field = wire.emu.add_contact("a@example.com"), wire.emu.add_field("City")
    body = {"fieldValue": {"contact": contact, "field": field, "value": "Paris"}}
    value = wire("POST", "fieldValues", json=body).json()["fieldValue"]
    assert (value["id"], value["contact"], value["field"]) == ("1", 1, 1)
    assert wire("PUT", "fieldValues/1", json=body).json()["fieldValue"]["value"] == "Paris"
    assert wire("PUT", "fieldValues/9", json=body).status_code == 404


def test_contact_list_status_must_be_1_or_2(wire: Wire) -> None:
    contact, news = wire.emu.add_contact("a@example.com"), wire.emu.add_list("News")
    body = {"contactList": {"contact": contact, "list": news, "status": 3}}
    assert wire("POST", "contactLists", json=body).status_code == 422
    body["contactList"]["status"] = 1
    answer = wire("POST", "contactLists", json=body).json()["contactList"]
    assert (answer["status"], answer["list"]) == (1, news)


def test_client_factories_wire_the_emulator_and_take_overrides() -> None:
    emu = ActiveCampaignEmulator(api_url="https://acct.api-us1.com/api/3/", api_key="k")
    assert emu.api_url == "https://acct.api-us1.com"
    with emu.client(max_retries=0) as client:
        assert str(client.config.origin) == "https://acct.api-us1.com/"
        client.tags.create("vip")
    with (
        emu.client(api_key="wrong", max_retries=0) as client,
        pytest.raises(Exception, match="HTML"),
    ):
        client.tags.create("gold")
    assert emu.tags() == {"1": "vip"}
    assert repr(emu) == "ActiveCampaignEmulator(api_url='https://acct.api-us1.com')"


async def test_async_transport_with_a_plain_httpx_client() -> None:
    emu = ActiveCampaignEmulator()
    async with httpx.AsyncClient(transport=emu.async_transport()) as http:
        answer = await http.get(emu.api_url + "/api/3/tags", headers={"Api-Token": emu.api_key})
    assert answer.json() == {"tags": [], "meta": {"total": "0"}}


def test_latency_is_spent_on_the_clock() -> None:
    emu = ActiveCampaignEmulator(latency=0.25, rate_limit=None)
    with emu.client(requests_per_second=None) as client:
        for _ in range(4):
            list(client.tags.list())
    assert emu.clock.now() == 1.0
    assert [r.time for r in emu.requests] == [0.0, 0.25, 0.5, 0.75]


def test_seeding_refuses_what_the_api_would() -> None:
    emu = ActiveCampaignEmulator()
    emu.add_tag("VIP")
    emu.add_event_name("e")
    emu.add_domain("example.com")
    emu.add_contact("a@example.com")
    calls: list[Callable[[], object]] = [
        lambda: emu.add_tag("vip"),
        lambda: emu.add_event_name("e"),
        lambda: emu.add_domain("EXAMPLE.com"),
        lambda: emu.add_domain("not a domain"),
        lambda: emu.add_contact("A@example.com"),
        lambda: emu.add_contact("no-at-sign"),
        lambda: emu.add_contact("b@example.com", field_values={"9": "x"}),
        lambda: emu.add_contact("c@example.com", lists={"9": "1"}),
    ]
    for call in calls:
        with pytest.raises(ValueError):
            call()
    emu.reset_requests()
    assert emu.requests == []
