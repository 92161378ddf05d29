"""Undeliverable events: a 400 naming the field, no exception, nothing sent."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from activecampaign_client import ActiveCampaign
from rudder_mapper import ActiveCampaignDestination

BAD_MESSAGES: list[tuple[Any, str]] = [
    (None, "message"),
    ("identify", "message"),
    ([{"type": "identify"}], "message"),
    ({}, "type"),
    ({"type": 5}, "type"),
    ({"type": "alias"}, "type"),
    ({"type": "group", "traits": {"email": "a@b.co"}}, "type"),
    ({"type": "identify"}, "traits.email"),
    ({"type": "identify", "traits": "a@b.co"}, "traits.email"),
    ({"type": "identify", "traits": {"email": ["a@b.co"]}}, "traits.email"),
    ({"type": "identify", "traits": {"email": "not-an-email"}}, "traits.email"),
    ({"type": "identify", "traits": {"email": "a b@c.co"}}, "traits.email"),
    ({"type": "identify", "traits": {"email": {"x": 1}}}, "traits.email"),
    ({"type": "identify", "traits": {"email": "a@b.co", "tags": {"a": 1}}}, "traits.tags"),
    ({"type": "identify", "traits": {"email": "a@b.co", "tags": [["x"]]}}, "traits.tags[0]"),
    ({"type": "identify", "traits": {"email": "a@b.co", "tags": [None]}}, "traits.tags[0]"),
    ({"type": "identify", "traits": {"email": "a@b.co", "fieldInfo": [1]}}, "traits.fieldInfo"),
    ({"type": "identify", "traits": {"email": "a@b.co", "lists": "2"}}, "traits.lists"),
    ({"type": "identify", "traits": {"email": "a@b.co", "lists": [7]}}, "traits.lists[0]"),
    (
        {"type": "identify", "traits": {"email": "a@b.co", "lists": [{"id": "x/../1"}]}},
        "traits.lists[0].id",
    ),
    ({"type": "identify", "traits": {"email": "a@b.co", "phone": {"n": 1}}}, "traits.phone"),
    ({"type": "identify", "traits": {"email": "a@b.co", "name": "x" * 300}}, "traits.name"),
    ({"type": "track"}, "event"),
    ({"type": "track", "event": ""}, "event"),
    ({"type": "track", "event": {"n": 1}}, "event"),
    ({"type": "track", "event": "Signed Up"}, "context.traits.email"),
    ({"type": "track", "event": "Signed Up", "context": "x"}, "context.traits.email"),
    ({"type": "track", "event": "Line\nbreak", "properties": {"email": "a@b.co"}}, "event"),
    ({"type": "track", "event": "E", "properties": {"email": 12}}, "properties.email"),
    ({"type": "screen", "properties": {"email": "a@b.co"}}, "event"),
    ({"type": "page"}, "properties.url"),
    ({"type": "page", "properties": {"url": "not a url"}}, "properties.url"),
    ({"type": "page", "properties": {"url": 42}}, "properties.url"),
    ({"type": "page", "properties": {"domain": "evil.com/../../admin"}}, "properties.domain"),
    ({"type": "page", "context": {"page": {"url": "javascript:alert(1)"}}}, "context.page.url"),
    ({"type": "page", "properties": {"url": "https://bad host.com/"}}, "properties.url"),
]


def _never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing should be sent for a bad event, got {request.url}")


@pytest.fixture
def destination() -> ActiveCampaignDestination:
    http = httpx.Client(transport=httpx.MockTransport(_never_called))
    client = ActiveCampaign(
        "https://acct.api-us1.com", "k", actid="1", event_key="e", http_client=http
    )
    return ActiveCampaignDestination(client)


@pytest.mark.parametrize(("message", "field"), BAD_MESSAGES)
def test_bad_message_gets_400_naming_the_field(
    destination: ActiveCampaignDestination, message: Any, field: str
) -> None:
    result = destination.process(message)
    assert result.status_code == 400
    assert result.retryable is False
    assert result.field == field
    assert result.error is not None and field in result.error


def test_batch_keeps_order_and_isolates_bad_events(
    destination: ActiveCampaignDestination,
) -> None:
    bad = [m for m, _ in BAD_MESSAGES]
    results = destination.process_batch(bad)
    assert len(results) == len(bad)
    assert all(r.status_code == 400 for r in results)
    assert destination.client.requests_sent == 0
