"""Contacts a bulk import refuses are reported on their own events; the rest still land.

The mapper already refuses what ActiveCampaign certainly refuses (no ``@``, an empty
domain label, ...), so the refusal here is injected at the transport: a wrapper answers
a bulk import holding a listed address with the API's documented 400 (``failureReasons``
naming each refused contact by index), and passes every other request to the emulator.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination

from ._support import identifies

BULK = "/api/3/import/bulk_import"
REASON = "Field 'email' incorrect format"


class RefusingImports(httpx.AsyncBaseTransport):
    """The emulator, except that bulk imports holding a ``refused`` address get a 400."""

    def __init__(self, emu: ActiveCampaignEmulator, refused: set[str]) -> None:
        self._inner = emu.async_transport()
        self._refused = refused
        self.imports: list[tuple[list[str], int]] = []  # (emails sent, status answered)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == BULK:
            emails = [c["email"] for c in json.loads(await request.aread())["contacts"]]
            reasons = [
                {"contact": index, "failureReason": REASON}
                for index, email in enumerate(emails)
                if email in self._refused
            ]
            if reasons:
                self.imports.append((emails, 400))
                body: dict[str, Any] = {
                    "success": 0,
                    "message": "JSON payload did not pass validation. Please fix failure "
                    "Reasons and retry. The import was not queued for processing.",
                    "failureReasons": reasons,
                }
                return httpx.Response(400, json=body, request=request)
            self.imports.append((emails, 200))
        return await self._inner.handle_async_request(request)


async def _deliver(
    emu: ActiveCampaignEmulator, transport: httpx.AsyncBaseTransport, events: list[Any]
) -> list[Any]:
    http = httpx.AsyncClient(transport=transport)
    async with emu.async_client(http_client=http) as client:
        return await AsyncActiveCampaignDestination(client).process_batch(events)


async def test_refused_contacts_get_their_own_400_and_the_rest_are_imported(
    emu: ActiveCampaignEmulator,
) -> None:
    events = identifies(12)
    refused = {"c3@example.com", "c7@example.com"}
    transport = RefusingImports(emu, refused)
    results = await _deliver(emu, transport, events)

    for event, result in zip(events, results, strict=True):
        assert result.message_id == event["messageId"]
        if event["traits"]["email"] in refused:
            assert (result.status_code, result.retryable) == (400, False)
            assert result.error is not None and REASON in result.error
        else:
            assert result.delivered, result
    # Refused as a whole (nothing queued), then sent again without the two.
    assert [(len(emails), status) for emails, status in transport.imports] == [(12, 400), (10, 200)]
    assert not refused & set(transport.imports[1][0])
    assert {c.email for c in emu.contacts()} == {e["traits"]["email"] for e in events} - refused


async def test_refusals_in_each_chunk_stay_in_that_chunk(emu: ActiveCampaignEmulator) -> None:
    events = identifies(251)  # chunks of 250 and 1
    refused = {"c5@example.com", "c250@example.com"}
    transport = RefusingImports(emu, refused)
    results = await _deliver(emu, transport, events)

    assert [(len(emails), status) for emails, status in transport.imports] == [
        (250, 400),
        (249, 200),
        (1, 400),  # the lone contact of the second chunk: nothing left to send
    ]
    rejected = [r.message_id for r in results if not r.delivered]
    assert rejected == ["c5", "c250"]
    assert all(r.status_code == 400 and not r.retryable for r in results if not r.delivered)
    assert len(emu.contacts()) == 249


async def test_a_failed_import_fails_its_events_as_retryable(emu: ActiveCampaignEmulator) -> None:
    emu.faults.script(f"POST {BULK}", ["503", "503", "503"])  # the first try and 2 retries
    async with emu.async_client() as client:
        results = await AsyncActiveCampaignDestination(client).process_batch(identifies(10))
    assert [(r.status_code, r.retryable) for r in results] == [(503, True)] * 10
    assert emu.contacts() == []


async def test_an_import_that_fails_once_is_retried_by_the_client(
    emu: ActiveCampaignEmulator,
) -> None:
    emu.faults.script(f"POST {BULK}", ["503", "ok"])
    async with emu.async_client() as client:
        results = await AsyncActiveCampaignDestination(client).process_batch(identifies(10))
    assert all(r.delivered for r in results)
    assert [r.status for r in emu.requests if r.path == BULK] == [503, 200]
    assert len(emu.contacts()) == 10
