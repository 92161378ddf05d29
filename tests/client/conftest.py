"""Fixtures for the client tests: both client flavours on one cassette per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from ._support import Both, FakeClock, make_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, clock: FakeClock) -> AsyncIterator[Both]:
    """The sync and the async client in turn; every test using it runs once per flavour."""
    both = make_client(request.param, clock)
    try:
        yield both
    finally:
        await both.aclose()


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """One cassette per test function, shared by its sync and async runs."""
    name = request.node.originalname
    return f"{request.cls.__name__}.{name}" if request.cls else name


@pytest.fixture(autouse=True)
def _cassette_fully_played(vcr: Any) -> Iterator[None]:
    """In replay, a cassette with interactions the test did not use is a stale cassette."""
    yield
    if vcr is not None and vcr.record_mode == "none":
        assert vcr.all_played, f"{vcr._path}: only {vcr.play_count} of {len(vcr)} replayed"
