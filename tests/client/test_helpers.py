"""The helpers and listings' edge cases, against a scripted server: what is sent, what is
made of odd answers, and what is refused before anything is sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from activecampaign_client import (
    APIResponseValidationError,
    AuthenticationError,
    InvalidInputError,
    ListStatus,
)

from ._support import FakeServer, MockApi, reply


def contacts(*ids: int, total: str | None = None, email: str = "c{}@example.com") -> Any:
    body: dict[str, Any] = {"contacts": [{"id": str(i), "email": email.format(i)} for i in ids]}
    if total is not None:
        body["meta"] = {"total": total}
    return body


def query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params.multi_items())


async def test_find_by_email_ignores_a_stranger(mock_api: MockApi) -> None:
    # A server that ignored the email filter must not make another contact "found".
    server = FakeServer(reply(json=contacts(1, 2, total="2")))
    api = mock_api(server)
    assert await api(api.contacts.find_by_email, "jane@example.com") is None
    assert query(server.requests[0])["email"] == "jane@example.com"


async def test_find_by_email_compares_case_insensitively(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=contacts(7, email="Jane@Example.COM")))
    api = mock_api(server)
    found = await api(api.contacts.find_by_email, " jane@example.com ")
    assert found is not None and found.id == "7"
    assert query(server.requests[0])["email"] == "jane@example.com"  # stripped


async def test_tags_find_skips_names_that_only_look_alike(mock_api: MockApi) -> None:
    page = {"tags": [{"id": "1", "tag": "vip "}, {"id": "2", "tag": "VIP"}], "meta": {"total": "2"}}
    server = FakeServer(reply(json=page))
    api = mock_api(server)
    tag = await api(api.tags.find, "vip")
    assert tag is not None and tag.id == "1"  # the first whose trimmed name matches
    assert query(server.requests[0]) == {
        "filters[search][eq]": "vip",
        "limit": "100",
        "offset": "0",
    }


async def test_remove_tag_when_the_link_vanished_meanwhile(mock_api: MockApi) -> None:
    links = {"contactTags": [{"id": "9", "contact": "1", "tag": "16"}]}
    server = FakeServer(reply(json=links), reply(404, json={"message": "No Result found"}))
    api = mock_api(server)
    assert await api(api.contact_tags.remove_tag, 1, 16) is None
    assert [r.method for r in server.requests] == ["GET", "DELETE"]
    assert server.requests[1].url.path == "/api/3/contactTags/9"


async def test_contact_tags_tags_leaves_out_deleted_tags(mock_api: MockApi) -> None:
    links = {
        "contactTags": [
            {"id": "1", "contact": "1", "tag": "3"},
            {"id": "2", "contact": "1", "tag": "4"},
            {"id": "3", "contact": "1", "tag": "3"},  # the same tag twice: fetched once
        ]
    }
    server = FakeServer(
        reply(json=links),
        reply(404, json={"message": "No Result found for Tag with id 3"}),
        reply(json={"tag": {"id": "4", "tag": "beta"}}),
    )
    api = mock_api(server)
    tags = await api(api.contact_tags.tags, 1)
    assert [(t.id, t.name) for t in tags] == [("4", "beta")]
    assert [r.url.path for r in server.requests[1:]] == ["/api/3/tags/3", "/api/3/tags/4"]


async def test_contact_list_query_parameters(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=contacts()))
    api = mock_api(server)
    when = dt.datetime(2024, 5, 1, 8, 30, tzinfo=dt.timezone.utc)
    await api.all(
        api.contacts.list(
            search="doe",
            list_id="3",
            tag_id=4,
            status=ListStatus.UNSUBSCRIBED,
            created_after=dt.date(2024, 1, 2),
            updated_before=when,
            order_by="last_name",
            page_size=25,
        )
    )
    assert query(server.requests[0]) == {
        "search": "doe",
        "listid": "3",
        "tagid": "4",
        "status": "2",
        "filters[created_after]": "2024-01-02",
        "filters[updated_before]": "2024-05-01T08:30:00+00:00",
        "orders[last_name]": "asc",
        "limit": "25",
        "offset": "0",
    }


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"status": "subscribed"}, "status"),
        ({"status": 9}, "status"),
        ({"list_id": "three"}, "list_id"),
        ({"order_by": "id desc"}, "order_by"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"created_after": ""}, "created_after"),
    ],
)
async def test_contact_list_refuses_bad_filters(
    mock_api: MockApi, arguments: dict[str, Any], field: str
) -> None:
    server = FakeServer()
    api = mock_api(server)
    with pytest.raises(InvalidInputError) as caught:
        await api.all(api.contacts.list(**arguments))
    assert caught.value.field == field
    assert server.requests == []


async def test_keyset_walk_stops_when_the_server_ignores_id_greater(mock_api: MockApi) -> None:
    # Always the first page: the second one does not start after the last id seen.
    server = FakeServer(reply(json=contacts(1, 2, 3)))
    api = mock_api(server)
    found = await api.all(api.contacts.list(order_by="id", page_size=3))
    assert [c.id for c in found] == ["1", "2", "3"]
    assert len(server.requests) == 2
    assert query(server.requests[1])["id_greater"] == "3"


async def test_keyset_descending_uses_id_less(mock_api: MockApi) -> None:
    server = FakeServer(
        reply(json=contacts(9, 8, total="4")), reply(json=contacts(7, 6, total="2"))
    )
    api = mock_api(server)
    found = await api.all(api.contacts.list(order_by="-id", page_size=2))
    assert [c.id for c in found] == ["9", "8", "7", "6"]
    assert [query(r).get("id_less") for r in server.requests] == [None, "8"]
    assert {query(r)["orders[id]"] for r in server.requests} == {"desc"}


async def test_keyset_page_says_where_the_next_starts(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"contacts": [{"id": "1"}, {"id": "2"}]}))
    api = mock_api(server)
    pages = await api.all(api.contacts.list(order_by="id", page_size=2).pages())
    assert pages[0].next_after_id == "2"


async def test_a_listing_is_an_iterator_and_pages_start_over(mock_api: MockApi) -> None:
    server = FakeServer(reply(json=contacts(1, 2, total="2")))
    api = mock_api(server)
    listing = api.contacts.list()
    first = await api(anext_of, listing)
    assert first.id == "1"
    rest = await api.all(listing)
    assert [c.id for c in rest] == ["2"]  # items already taken are not seen again
    pages = await api.all(listing.pages())  # a walk of its own, from the first page
    assert [[c.id for c in p.items] for p in pages] == [["1", "2"]]


def anext_of(listing: Any) -> Any:
    return anext(listing) if hasattr(listing, "__anext__") else next(listing)


async def test_site_tracking_code_is_text_not_a_login_page(mock_api: MockApi) -> None:
    script = '<script type="text/javascript">pgo("setAccount", 1);</script>'
    login = "<!DOCTYPE html><html><body><form>Login</form></body></html>"
    server = FakeServer(
        reply(text=script, headers={"Content-Type": "text/plain"}),
        reply(json={"code": script}),
        reply(text=login, headers={"Content-Type": "text/html"}),
    )
    api = mock_api(server)
    assert await api(api.site_tracking.code) == script
    assert await api(api.site_tracking.code) == script  # a JSON {"code": ...} reads the same
    with pytest.raises(AuthenticationError, match="wrong or expired API key"):
        await api(api.site_tracking.code)


async def test_site_tracking_code_refuses_anything_else(mock_api: MockApi) -> None:
    server = FakeServer(reply(text="maintenance", headers={"Content-Type": "text/plain"}))
    api = mock_api(server)
    with pytest.raises(APIResponseValidationError, match="not a script element"):
        await api(api.site_tracking.code)


async def test_created_field_is_found_in_a_listing_answer(mock_api: MockApi) -> None:
    listing = {
        "fields": [
            {"id": "4", "title": "Other"},
            {"id": "7", "title": "Size"},
            {"id": "12", "title": "Colour"},
        ],
        "meta": {"total": "3"},
    }
    server = FakeServer(
        reply(201, json=listing), reply(201, json={"field": {"id": "5", "title": "X"}})
    )
    api = mock_api(server)
    assert (await api(api.fields.create, "size")).id == "7"  # the requested title
    assert (await api(api.fields.create, "X")).id == "5"  # a single "field" answer
    assert server.requests[0].read() == b'{"field":{"title":"size","type":"text"}}'


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda api: api.fields.create("Size", type="select"), "type"),
        (lambda api: api.fields.create(""), "title"),
        (lambda api: api.fields.update(1), "title"),
        (lambda api: api.fields.add_options(1, []), "options"),
        (lambda api: api.fields.add_options(1, [{"value": ""}]), "options[0].value"),
        (lambda api: api.fields.add_options(1, "S,M"), "options"),
        (lambda api: api.fields.add_to_list(1, "all"), "list_id"),
        (lambda api: api.tags.create("vip", tag_type="account"), "tag_type"),
        (lambda api: api.tags.list(search="v", match="like"), "match"),
        (
            lambda api: api.bulk_import.import_contacts([{"email": "a@b.co"}], callback=[]),
            "callback",
        ),
        (
            lambda api: api.bulk_import.import_contacts(
                [{"email": "a@b.co"}], callback={"url": "https://x.example/a b"}
            ),
            "callback.url",
        ),
    ],
)
async def test_inputs_refused_before_sending(mock_api: MockApi, call: Any, field: str) -> None:
    server = FakeServer()
    api = mock_api(server)
    with pytest.raises(InvalidInputError) as caught:
        result = call(api)
        if hasattr(result, "__aiter__") or hasattr(result, "__next__"):
            await api.all(result)
        else:
            await api(lambda: result)
    assert caught.value.field == field
    assert server.requests == []


async def test_callback_headers_stay_out_of_its_repr() -> None:
    from activecampaign_client import BulkImportCallback

    callback = BulkImportCallback(url="https://example.com/done", headers={"X-Token": "s3cret"})
    assert "s3cret" not in repr(callback)
    assert callback.body()["headers"] == [{"key": "X-Token", "value": "s3cret"}]
