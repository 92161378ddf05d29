"""Limits ActiveCampaign documents, checked before anything is sent: the domain rule of
site tracking and bulk import's 400,000 bytes per request (docs/activecampaign-api-notes.md)."""

from __future__ import annotations

import itertools
import json

import pytest

from activecampaign_client import InvalidInputError
from activecampaign_client._requests import encode_json
from activecampaign_client.resources.bulk_import import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_CONTACTS,
    import_chunks,
)
from activecampaign_client.resources.site_tracking import validate_domain

from ._support import FakeServer, MockApi, reply

IMPORTED = {"success": 1, "queued_contacts": 1, "batchId": "b-1", "message": "queued"}


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ("Example.com", "example.com"),
        ("shop.example.co.uk.", "shop.example.co.uk"),
        ("*.example.com", "*.example.com"),
        ("*example.com", "*example.com"),  # the documented rule allows it
        ("a-b.example", "a-b.example"),
        ("bücher.de", "xn--bcher-kva.de"),  # sent in its ASCII form
        ("localhost", "localhost"),
    ],
)
def test_domains_that_follow_the_documented_rule(given: str, sent: str) -> None:
    assert validate_domain(given) == sent


@pytest.mark.parametrize(
    "domain",
    [
        "example.com:8080",  # a port
        "https://example.com",  # a scheme
        "example.com/shop",  # a path
        "exa mple.com",
        "example_shop.com",
        "example.com-",  # must end in a letter or digit
        "a..b.com",  # an empty label
        "*",
        "",
        "x" * 64 + ".com",  # a label longer than DNS allows
        ("a" * 60 + ".") * 5 + "com",  # longer than 253
        "**.example.com",
    ],
)
def test_domains_the_rule_refuses_name_the_field(domain: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        validate_domain(domain)
    assert caught.value.field == "domain"
    assert "no scheme, port or path" in str(caught.value)


async def test_add_domain_refuses_a_port_before_sending(mock_api: MockApi) -> None:
    server = FakeServer()
    api = mock_api(server)
    with pytest.raises(InvalidInputError) as caught:
        await api(api.site_tracking.add_domain, "example.com:8080")
    assert caught.value.field == "domain"
    assert server.requests == []


def _contact(n: int, padding: int = 0) -> dict[str, str]:
    return {"email": f"user{n}@example.com", "first_name": "x" * padding}


def test_chunks_keep_to_250_contacts() -> None:
    chunks = import_chunks([_contact(n) for n in range(600)])
    assert [len(chunk) for chunk in chunks] == [250, 250, 100]
    assert [i for chunk in chunks for i in chunk] == list(range(600))


def test_chunks_keep_under_400000_bytes_as_sent() -> None:
    contacts = [_contact(n, padding=5_000) for n in range(250)]
    chunks = import_chunks(contacts, exclude_automations=True)
    assert len(chunks) > 1
    assert [i for chunk in chunks for i in chunk] == list(range(250))
    for chunk in chunks:
        body = {"contacts": [{**contacts[i], "exclude_automations": True} for i in chunk]}
        assert len(encode_json(body)) < MAX_IMPORT_BYTES
    # Each chunk but the last is full: one more contact would reach the limit.
    for chunk, after in itertools.pairwise(chunks):
        body = {"contacts": [{**contacts[i], "exclude_automations": True} for i in chunk]}
        body["contacts"].append({**contacts[after[0]], "exclude_automations": True})
        assert len(encode_json(body)) >= MAX_IMPORT_BYTES


def test_a_contact_too_large_for_any_request_is_alone_in_its_chunk() -> None:
    contacts = [_contact(0), _contact(1, padding=MAX_IMPORT_BYTES), _contact(2)]
    assert import_chunks(contacts) == [[0], [1], [2]]


async def test_import_contacts_refuses_an_oversize_payload_before_sending(
    mock_api: MockApi,
) -> None:
    server = FakeServer(reply(json=IMPORTED))
    api = mock_api(server)
    contacts = [_contact(n, padding=2_000) for n in range(MAX_IMPORT_CONTACTS)]
    with pytest.raises(InvalidInputError) as caught:
        await api(api.bulk_import.import_contacts, contacts)
    assert caught.value.field == "contacts"
    assert "400000" in str(caught.value)
    assert server.requests == []
    # Split, every request goes through, each within the limit.
    for chunk in import_chunks(contacts):
        await api(api.bulk_import.import_contacts, [contacts[i] for i in chunk])
    assert len(server.requests) > 1
    assert all(len(request.content) < MAX_IMPORT_BYTES for request in server.requests)
    sent = [c["email"] for r in server.requests for c in json.loads(r.content)["contacts"]]
    assert sent == [c["email"] for c in contacts]


@pytest.mark.parametrize(
    ("size", "accepted"), [(MAX_IMPORT_BYTES - 1, True), (MAX_IMPORT_BYTES, False)]
)
async def test_the_byte_cap_is_kept_strictly(mock_api: MockApi, size: int, accepted: bool) -> None:
    server = FakeServer(reply(json=IMPORTED))
    api = mock_api(server)
    contact = _contact(0)
    contact["first_name"] = "x" * (size - len(encode_json({"contacts": [contact]})))
    assert len(encode_json({"contacts": [contact]})) == size
    if accepted:
        await api(api.bulk_import.import_contacts, [contact])
        assert len(server.requests[0].content) == size
    else:
        with pytest.raises(InvalidInputError):
            await api(api.bulk_import.import_contacts, [contact])
        assert server.requests == []
