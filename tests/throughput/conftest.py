"""Fixtures for the throughput tests: a seeded emulator on its simulated clock, no real sleeping."""

from __future__ import annotations

import pytest

from activecampaign_client import SystemClock
from activecampaign_client.testing import ActiveCampaignEmulator

from ._support import seeded_emulator


@pytest.fixture(autouse=True)
def _no_real_sleeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Everything here runs on the emulator's simulated clock; a real wait is a bug."""

    def refuse(*args: object) -> None:
        raise AssertionError("slept on the real clock; use the emulator's SimulatedClock")

    async def refuse_async(*args: object) -> None:
        refuse()

    monkeypatch.setattr(SystemClock, "sleep", refuse)
    monkeypatch.setattr(SystemClock, "asleep", refuse_async)


@pytest.fixture
def emu() -> ActiveCampaignEmulator:
    """A rate-limited (5/s) account with the demo's custom fields and lists."""
    return seeded_emulator()
