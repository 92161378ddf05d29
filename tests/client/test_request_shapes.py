"""What goes over the wire for each write: method, path and JSON body, as the API documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from ._support import Both, FakeServer, MockApi, reply

Call = Callable[[Both], Any]

# One answer every write above can read its result from; only the request matters here.
ANY_ANSWER = {
    "contact": {"id": "1", "email": "jane@example.com"},
    "tag": {"id": "9", "tag": "vip"},
    "contactTag": {"id": "4", "contact": "3", "tag": "9"},
    "fieldValue": {"id": "8", "contact": 2, "field": 6, "value": "2008-01-20"},
    "contactList": {"contact": "1", "list": "2", "status": 1},
    "eventTracking": {"enabled": False},
    "siteTracking": {"enabled": True},
    "data": {"type": "urlWhitelistings", "id": "5", "attributes": {"whitelisted_domain": "a.com"}},
    "batchId": "b-1",
    "queued_contacts": 1,
}

# (id, the call, method, path under /api/3, expected JSON body or None)
WRITES: list[tuple[str, Call, str, str, Any]] = [
    (
        "contact-sync",
        lambda api: api.contacts.sync(
            "jane@example.com", first_name="Jane", phone="+1 555", field_values={7: "||a||b||"}
        ),
        "POST",
        "contact/sync",
        {
            "contact": {
                "email": "jane@example.com",
                "firstName": "Jane",
                "phone": "+1 555",
                "fieldValues": [{"field": "7", "value": "||a||b||"}],
            }
        },
    ),
    (
        "contact-update",
        lambda api: api.contacts.update(5, last_name="Doe"),
        "PUT",
        "contacts/5",
        {"contact": {"lastName": "Doe"}},
    ),
    (
        "tag-create",
        lambda api: api.tags.create("vip", tag_type="template", description="d"),
        "POST",
        "tags",
        {"tag": {"tag": "vip", "tagType": "template", "description": "d"}},
    ),
    (
        "contact-tag-add",
        lambda api: api.contact_tags.add("3", 9),
        "POST",
        "contactTags",
        {"contactTag": {"contact": "3", "tag": "9"}},
    ),
    (
        "field-value-create",
        lambda api: api.field_values.create(2, 6, "2008-01-20"),
        "POST",
        "fieldValues",
        {"fieldValue": {"contact": "2", "field": "6", "value": "2008-01-20"}},
    ),
    (
        "subscribe",
        lambda api: api.contact_lists.subscribe(1, 2),
        "POST",
        "contactLists",
        {"contactList": {"list": "2", "contact": "1", "status": 1}},
    ),
    (
        "unsubscribe",
        lambda api: api.contact_lists.unsubscribe(1, 2),
        "POST",
        "contactLists",
        {"contactList": {"list": "2", "contact": "1", "status": 2}},
    ),
    (
        "event-tracking-off",
        lambda api: api.event_tracking.disable(),
        "PUT",
        "eventTracking",
        {"eventTracking": {"enabled": False}},
    ),
    (
        "site-tracking-on",
        lambda api: api.site_tracking.enable(),
        "PUT",
        "siteTracking",
        {"siteTracking": {"enabled": True}},
    ),
    (
        "site-domain-add",
        lambda api: api.site_tracking.add_domain("Shop.Example.com"),
        "POST",
        "prism/urlWhitelistings",
        {
            "data": {
                "type": "urlWhitelistings",
                "attributes": {
                    "whitelisted_domain": "shop.example.com",
                    "whitelisted_page": "*",
                    "tracking_enabled": True,
                    "conversations_enabled": False,
                    "wp_enabled": False,
                },
            }
        },
    ),
    (
        "delete-event",
        lambda api: api.event_tracking.delete_event("signed up/paid"),
        "DELETE",
        "eventTrackingEvents/signed%20up%2Fpaid",
        None,
    ),
    (
        "bulk-import",
        lambda api: api.bulk_import.import_contacts(
            [
                {
                    "email": "jane@example.com",
                    "first_name": "Jane",
                    "tags": ["vip"],
                    "fields": [{"id": 3, "value": "x"}],
                    "subscribe": [{"listid": 1}],
                    "unsubscribe": [{"listid": 2}],
                }
            ],
            exclude_automations=True,
        ),
        "POST",
        "import/bulk_import",
        {
            "contacts": [
                {
                    "email": "jane@example.com",
                    "first_name": "Jane",
                    "tags": ["vip"],
                    "fields": [{"id": 3, "value": "x"}],
                    "subscribe": [{"listid": 1}],
                    "unsubscribe": [{"listid": 2}],
                    "exclude_automations": True,
                }
            ]
        },
    ),
]


@pytest.mark.parametrize(
    ("call", "method", "path", "body"), [w[1:] for w in WRITES], ids=[w[0] for w in WRITES]
)
async def test_writes_send_the_documented_shape(
    mock_api: MockApi, call: Call, method: str, path: str, body: Any
) -> None:
    server = FakeServer(reply(json=ANY_ANSWER))
    api = mock_api(server)
    await api(call, api)
    [request] = server.requests
    assert request.method == method
    assert request.url.raw_path.decode() == f"/api/3/{path}"
    if body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        assert json.loads(request.content) == body


async def test_listing_filters_go_in_the_query(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"contacts": [], "meta": {"total": "0"}}))
    api = mock_api(server)
    await api.all(api.contacts.list(email="a+b@example.com", search="x&y"))
    params = server.requests[0].url.params
    assert (params["email"], params["search"]) == ("a+b@example.com", "x&y")
    assert (params["limit"], params["offset"]) == ("100", "0")
