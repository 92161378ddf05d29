"""Arguments are checked before sending: InvalidInputError names the field, nothing goes out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from activecampaign_client import InvalidInputError

from ._support import Both, FakeServer, MockApi, reply

Call = Callable[[Both], Any]

# (field named in the error, the call making the mistake)
BAD_CALLS: list[tuple[str, str, Call]] = [
    ("contact-id-word", "contact_id", lambda api: api.contacts.get("abc")),
    ("contact-id-negative", "contact_id", lambda api: api.contacts.get(-1)),
    ("contact-id-bool", "contact_id", lambda api: api.contacts.get(True)),
    ("contact-id-path", "contact_id", lambda api: api.contacts.delete("1/../2")),
    ("contact-id-float", "contact_id", lambda api: api.contacts.update(1.5, first_name="x")),
    ("tag-id", "tag_id", lambda api: api.tags.get("../contacts")),
    ("contact-tag-id", "tag_id", lambda api: api.contact_tags.add(1, "vip")),
    ("contact-tag-link", "contact_tag_id", lambda api: api.contact_tags.remove("")),
    ("field-id", "field_id", lambda api: api.fields.get("1 OR 1=1")),
    ("list-id", "list_id", lambda api: api.lists.get(None)),
    ("subscribe-list", "list_id", lambda api: api.contact_lists.subscribe(1, "x")),
    ("field-value-value", "value", lambda api: api.field_values.create(1, 2, 3)),
    (
        "field-value-id",
        "field_value_id",
        lambda api: api.field_values.update("x", contact_id=1, field_id=2, value="v"),
    ),
    ("domain-id", "domain_id", lambda api: api.site_tracking.remove_domain("example.com")),
    ("sync-email", "email", lambda api: api.contacts.sync("not-an-email")),
    ("create-email", "email", lambda api: api.contacts.create("jane doe@example.com")),
    (
        "sync-field",
        "field_values.0.field",
        lambda api: api.contacts.sync("jane@example.com", field_values={"colour": "blue"}),
    ),
    ("tag-name", "name", lambda api: api.tags.create("   ")),
    ("tag-type", "tag_type", lambda api: api.tags.create("vip", tag_type="deal")),
    ("event-too-long", "name", lambda api: api.event_tracking.create_event("x" * 33)),
    ("event-empty", "name", lambda api: api.event_tracking.delete_event("")),
    (
        "track-too-long",
        "event",
        lambda api: api.event_tracking.track("e" * 33, email="jane@example.com"),
    ),
    (
        "track-line-break",
        "event",
        lambda api: api.event_tracking.track("sign\nup", email="jane@example.com"),
    ),
    ("track-email", "email", lambda api: api.event_tracking.track("purchase", email="jane")),
    ("domain", "domain", lambda api: api.site_tracking.add_domain("https://example.com/x")),
    ("import-none", "contacts", lambda api: api.bulk_import.import_contacts([])),
    (
        "import-too-many",
        "contacts",
        lambda api: api.bulk_import.import_contacts(
            [{"email": f"user{i}@example.com"} for i in range(251)]
        ),
    ),
    (
        "import-not-a-list",
        "contacts",
        lambda api: api.bulk_import.import_contacts({"email": "jane@example.com"}),
    ),
    (
        "import-bad-email",
        "contacts[1].email",
        lambda api: api.bulk_import.import_contacts(
            [{"email": "jane@example.com"}, {"email": "john"}]
        ),
    ),
    (
        "import-unknown-key",
        "contacts[0].colour",
        lambda api: api.bulk_import.import_contacts(
            [{"email": "jane@example.com", "colour": "blue"}]
        ),
    ),
    ("batch-id", "batch_id", lambda api: api.bulk_import.status("")),
]


@pytest.mark.parametrize(
    ("field", "call"), [case[1:] for case in BAD_CALLS], ids=[case[0] for case in BAD_CALLS]
)
async def test_bad_arguments_are_refused_before_sending(
    mock_api: MockApi, field: str, call: Call
) -> None:
    server = FakeServer()
    api = mock_api(server)
    with pytest.raises(InvalidInputError) as caught:
        await api(call, api)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")
    assert not caught.value.retryable
    assert server.requests == []
    assert api.requests_sent == 0


@pytest.mark.parametrize(
    "listing",
    [
        lambda api: api.field_values.list("abc"),
        lambda api: api.contact_tags.list(-3),
        lambda api: api.contact_lists.list("1; DROP"),
    ],
    ids=["field-values", "contact-tags", "contact-lists"],
)
async def test_bad_listing_arguments_are_refused_before_sending(
    mock_api: MockApi, listing: Call
) -> None:
    server = FakeServer()
    api = mock_api(server)
    with pytest.raises(InvalidInputError, match="contact_id"):
        await api.all(listing(api))
    assert server.requests == []


async def test_largest_import_is_sent(mock_api: MockApi) -> None:
    answer = {"success": 1, "queued_contacts": 250, "batchId": "b", "message": "queued"}
    server = FakeServer(reply(json=answer))
    api = mock_api(server)
    contacts = [{"email": f"user{i}@example.com"} for i in range(250)]
    result = await api(api.bulk_import.import_contacts, contacts)
    assert result.queued_contacts == 250
    assert len(server.requests) == 1


async def test_longest_event_name_is_sent(mock_api: MockApi) -> None:
    name = "x" * 32
    server = FakeServer(reply(201, json={"eventTrackingEvent": {"name": name}}))
    api = mock_api(server)
    assert (await api(api.event_tracking.create_event, name)).name == name
    assert len(server.requests) == 1
