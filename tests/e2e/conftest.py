"""Fixtures: a loopback server for the demo account, closed after the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from activecampaign_client.testing import EmulatorServer

from ._support import new_server


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[EmulatorServer, Path]]:
    """A started server and the ``dest.json`` pointing at it."""
    server, config = new_server(tmp_path)
    try:
        yield server, config
    finally:
        server.close()
