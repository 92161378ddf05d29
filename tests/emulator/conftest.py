"""Fixtures for the emulator tests: a fresh emulator, and one client of either flavour."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from activecampaign_client.testing import ActiveCampaignEmulator

from ._support import Api


@pytest.fixture
def emu() -> ActiveCampaignEmulator:
    """A fresh emulator on its own simulated clock."""
    return ActiveCampaignEmulator()


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, emu: ActiveCampaignEmulator) -> AsyncIterator[Api]:
    """The real client, sync or async, wired to ``emu``; one test body serves both."""
    client = emu.client() if request.param == "sync" else emu.async_client()
    wrapped = Api(client)
    yield wrapped
    await wrapped.aclose()
