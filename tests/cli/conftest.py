"""Fixtures: an emulated account wired into ``rudder-activecampaign send``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rudder_mapper.cli import send

from ._support import Account, new_emulator


@pytest.fixture
def account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Account:
    """An emulated account with a ``dest.json`` for it; ``send`` delivers to it."""
    emulator = new_emulator()
    config_path = tmp_path / "dest.json"
    result = Account(emulator, config_path)
    config_path.write_text(json.dumps(result.config()), encoding="utf-8")
    monkeypatch.setattr(send, "build_destination", result.build)
    return result
