"""Every example of the RudderStack destination guide, replayed from cassettes.

Each test runs with the sync and the async destination against the same cassette and
checks the exact calls made and what they carried.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from rudder_mapper.samples import SEED_EXAMPLES

from .conftest import Harness

pytestmark = pytest.mark.vcr


def _json(harness: Harness, index: int) -> object:
    return json.loads(harness.sent[index].content)


async def test_identify(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["identify"])
    assert result.delivered, result.error
    assert cassette_harness.calls() == ["POST /api/3/contact/sync"]
    assert _json(cassette_harness, 0) == {
        "contact": {
            "email": "name@surname.com",
            "firstName": "John",
            "lastName": "Doe",
            "phone": "2364556",
        }
    }


async def test_identify_with_tags(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["identify_tags"])
    assert result.delivered, result.error
    # The tag list is read once; "Returning User" exists, "Coupon Used" is created.
    assert cassette_harness.calls() == [
        "GET /api/3/tags",
        "POST /api/3/contact/sync",
        "POST /api/3/contactTags",
        "POST /api/3/tags",
        "POST /api/3/contactTags",
    ]
    assert _json(cassette_harness, 3) == {
        "tag": {"tag": "Coupon Used", "tagType": "contact", "description": ""}
    }


async def test_identify_with_custom_fields(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["identify_fields"])
    assert result.delivered, result.error
    assert result.warnings == ()
    assert cassette_harness.calls()[:3] == [
        "GET /api/3/fields",
        "GET /api/3/tags",
        "POST /api/3/contact/sync",
    ]
    body = _json(cassette_harness, 2)
    assert isinstance(body, dict)
    # Field values ride inline in the single sync: Interest=1, Country=2, Hobbies=3.
    assert body["contact"]["fieldValues"] == [
        {"field": "1", "value": "Electronics"},
        {"field": "2", "value": "USA"},
        {"field": "3", "value": "||Cricket||Tennis||"},
    ]
    assert cassette_harness.calls().count("POST /api/3/contact/sync") == 1


async def test_identify_with_lists(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["identify_lists"])
    assert result.delivered, result.error
    calls = cassette_harness.calls()
    assert calls[-2:] == ["POST /api/3/contactLists", "POST /api/3/contactLists"]
    lists = [_json(cassette_harness, i) for i in (len(calls) - 2, len(calls) - 1)]
    assert lists == [
        {"contactList": {"list": "2", "contact": "1", "status": 1}},
        {"contactList": {"list": "3", "contact": "1", "status": 2}},
    ]


async def test_track(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["track"])
    assert result.delivered, result.error
    assert cassette_harness.calls() == [
        "GET /api/3/eventTrackingEvents",
        "POST /api/3/eventTrackingEvents",
        "POST /event",
    ]
    event = cassette_harness.sent[2]
    assert event.url.host == "trackcmp.net"
    assert "api-token" not in event.headers
    form = parse_qs(event.content.decode())
    assert form["event"] == ["Product Purchased"]
    assert form["eventdata"] == ["Rubik's Cube"]
    assert json.loads(form["visit"][0]) == {"email": "name@surname.com"}


async def test_screen(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["screen"])
    assert result.delivered, result.error
    form = parse_qs(cassette_harness.sent[-1].content.decode())
    assert form["event"] == ["Screen Viewed"]


async def test_page(cassette_harness: Harness) -> None:
    result = await cassette_harness.process(SEED_EXAMPLES["page"])
    assert result.delivered, result.error
    # Site tracking is checked to be on once, with the domains' first load.
    assert cassette_harness.calls() == [
        "GET /api/3/siteTracking",
        "GET /api/3/prism/urlWhitelistings",
        "POST /api/3/prism/urlWhitelistings",
    ]
    assert _json(cassette_harness, 2) == {
        "data": {
            "type": "urlWhitelistings",
            "attributes": {
                "whitelisted_domain": "rudderlabs.com",
                "whitelisted_page": "*",
                "tracking_enabled": True,
                "conversations_enabled": False,
                "wp_enabled": False,
            },
        }
    }


async def test_all_examples_in_one_batch_reuse_the_catalogs(cassette_harness: Harness) -> None:
    messages = list(SEED_EXAMPLES.values())
    results = await cassette_harness.process_batch(messages)
    assert [r.delivered for r in results] == [True] * len(messages)
    assert [r.message_id for r in results] == [m["messageId"] for m in messages]
    calls = cassette_harness.calls()
    # Each catalog is read once for the whole batch, and "Coupon Used" is created once.
    for listing in ("GET /api/3/tags", "GET /api/3/fields", "GET /api/3/eventTrackingEvents"):
        assert calls.count(listing) == 1, listing
    assert calls.count("POST /api/3/tags") == 1
    # The five identifies of one contact are one sync, each tag linked and list set once.
    assert calls.count("POST /api/3/contact/sync") == 1
    assert calls.count("POST /api/3/contactTags") == 2
    assert calls.count("POST /api/3/contactLists") == 2
    assert calls.count("GET /api/3/siteTracking") == 1
