"""Which calls the request loop sends again after a failure where the server may have acted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from activecampaign_client import (
    APIConnectionError,
    InternalServerError,
)

from ._support import Answer, Both, FakeServer, MockApi, reply

TAG = {"tag": {"id": "16", "tag": "vip", "tagType": "contact"}}
TRACKED = {"success": 1, "message": "Event spawned"}


# One answer every call below can read its result from.
ANY_ANSWER = {
    "contact": {"id": "1", "email": "jane@example.com"},
    "tag": {"id": "9", "tag": "vip"},
    "contactTag": {"id": "4", "contact": "3", "tag": "9"},
    "fieldValue": {"id": "8", "contact": "2", "field": "6", "value": "x"},
    "contactList": {"contact": "1", "list": "2", "status": 1},
    "eventTrackingEvent": {"name": "purchase"},
    "data": {"type": "urlWhitelistings", "id": "5", "attributes": {"whitelisted_domain": "a.com"}},
    "batchId": "b-1",
    "queued_contacts": 1,
}

# Creates and deletes: the server may have acted on an attempt that timed out or got a 5xx,
# and a second one would answer 422 "duplicate" (or 404) to a call that succeeded.
NOT_REPLAYED: dict[str, Callable[[Both], Any]] = {
    "tags.create": lambda api: api.tags.create("vip"),
    "contacts.create": lambda api: api.contacts.create("jane@example.com"),
    "event_tracking.create_event": lambda api: api.event_tracking.create_event("purchase"),
    "site_tracking.add_domain": lambda api: api.site_tracking.add_domain("a.com"),
    "field_values.create": lambda api: api.field_values.create(2, 6, "x"),
    "tags.delete": lambda api: api.tags.delete(9),
    "contacts.delete": lambda api: api.contacts.delete(1),
    "contact_tags.remove": lambda api: api.contact_tags.remove(4),
    "site_tracking.remove_domain": lambda api: api.site_tracking.remove_domain(5),
}

# Reads, PUTs and the writes that are upserts or set a state: harmless to send twice.
REPLAYED: dict[str, Callable[[Both], Any]] = {
    "tags.get": lambda api: api.tags.get(9),
    "contacts.update (PUT)": lambda api: api.contacts.update(1, first_name="Jane"),
    "contacts.sync": lambda api: api.contacts.sync("jane@example.com"),
    "contact_lists.subscribe": lambda api: api.contact_lists.subscribe(1, 2),
    "contact_tags.add": lambda api: api.contact_tags.add(3, 9),
    "bulk_import": lambda api: api.bulk_import.import_contacts([{"email": "a@example.com"}]),
}

AMBIGUOUS = [httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("reset"), reply(503)]
# A pool timeout, like a refused connection, never left the client: the server saw nothing.
SURELY_NOT_ACTED_ON = [
    httpx.ConnectError("refused"),
    httpx.PoolTimeout("no free connection in the pool"),
    reply(429, headers={"Retry-After": "1"}),
]


@pytest.mark.parametrize("failure", AMBIGUOUS, ids=["timeout", "reset", "503"])
@pytest.mark.parametrize("name", sorted(NOT_REPLAYED))
async def test_creates_and_deletes_are_not_replayed_after_an_ambiguous_failure(
    mock_api: MockApi, name: str, failure: Answer
) -> None:
    server = FakeServer(failure, reply(json=ANY_ANSWER))
    api = mock_api(server, max_retries=3)
    with pytest.raises((APIConnectionError, InternalServerError)) as caught:
        await api(NOT_REPLAYED[name], api)
    assert caught.value.retryable  # the caller may still decide to check and try again
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "failure", SURELY_NOT_ACTED_ON, ids=["connect-error", "pool-timeout", "429"]
)
@pytest.mark.parametrize("name", sorted(NOT_REPLAYED))
async def test_creates_and_deletes_are_retried_when_surely_not_acted_on(
    mock_api: MockApi, name: str, failure: Answer
) -> None:
    server = FakeServer(failure, reply(json=ANY_ANSWER))
    api = mock_api(server, max_retries=3)
    await api(NOT_REPLAYED[name], api)
    assert len(server.requests) == 2


@pytest.mark.parametrize("failure", AMBIGUOUS, ids=["timeout", "reset", "503"])
@pytest.mark.parametrize("name", sorted(REPLAYED))
async def test_reads_updates_and_upserts_are_replayed_after_an_ambiguous_failure(
    mock_api: MockApi, name: str, failure: Answer
) -> None:
    server = FakeServer(failure, reply(json=ANY_ANSWER))
    api = mock_api(server, max_retries=3)
    await api(REPLAYED[name], api)
    assert len(server.requests) == 2
