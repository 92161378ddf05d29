"""Clients the emulator wires up own the httpx client it made for them."""

from __future__ import annotations

import httpx

from activecampaign_client.testing import ActiveCampaignEmulator


def test_closing_an_emulator_client_closes_its_http_client() -> None:
    emulator = ActiveCampaignEmulator()
    with emulator.client() as client:
        client.contacts.sync("a@example.com")
        http = client._driver.http
    assert http.is_closed


async def test_closing_an_async_emulator_client_closes_its_http_client() -> None:
    emulator = ActiveCampaignEmulator()
    async with emulator.async_client() as client:
        await client.contacts.sync("a@example.com")
        http = client._driver.http
    assert http.is_closed


def test_an_http_client_you_pass_stays_yours() -> None:
    emulator = ActiveCampaignEmulator()
    http = httpx.Client(transport=emulator.transport())
    with emulator.client(http_client=http) as client:
        client.contacts.sync("a@example.com")
    assert not http.is_closed
    http.close()
