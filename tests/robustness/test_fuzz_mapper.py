"""Hostile messages through the mapper, sync and async: 10,000+ generated messages in all.

Against a healthy emulated account every message must end one of two ways:

* rejected before anything is sent: a 400, not retryable, whose ``field`` is named in its
  error — and the emulator received no request for it;
* delivered.

Never an exception out of ``process``/``process_batch``, never an "internal error", never a
request sent for a message that then fails. Each test asserts how many messages it fed;
their guaranteed minimums add up to 10,000 (3,000 + 2,000 + 1,800 + 2,500 + 700).
``FUZZ_SCALE`` multiplies the example counts (``FUZZ_SCALE=10`` for a long local run).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import ActiveCampaignDestination, AsyncActiveCampaignDestination
from rudder_mapper._prepare import prepare
from rudder_mapper.events import preview
from rudder_mapper.results import DeliveryResult

from ._strategies import HOSTILE_TEXT, corrupted_messages, hostile_values, json_values, messages
from ._support import seeded_emulator

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
TYPES = st.sampled_from(["identify", "track", "screen", "page", "IDENTIFY", " Track "])
TOP_KEYS = st.sampled_from(
    ["type", "event", "name", "userId", "anonymousId", "traits", "context", "properties"]
)

loose_messages = st.builds(
    lambda kind, rest: {**rest, "type": kind},
    TYPES | hostile_values,
    st.dictionaries(TOP_KEYS | HOSTILE_TEXT, hostile_values, max_size=6),
)
"""Objects with a (usually supported) type and anything at all in the other fields."""

any_message = st.one_of(corrupted_messages(), loose_messages, messages, json_values)


def fuzz(examples: int) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Hypothesis settings for these tests: ``examples`` scaled by FUZZ_SCALE, no deadline."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class Fed:
    """Counts the messages a test fed the mapper (the suite's 10,000+ claim is asserted)."""

    def __init__(self) -> None:
        self.messages = 0

    def check(self, minimum: int) -> None:
        assert self.messages >= int(minimum * SCALE), (self.messages, minimum)


@pytest.fixture(scope="module")
def emulator() -> ActiveCampaignEmulator:
    return seeded_emulator(rate_limit=None)


@pytest.fixture(scope="module")
def sync_destination(emulator: ActiveCampaignEmulator) -> Iterator[ActiveCampaignDestination]:
    destination = ActiveCampaignDestination(emulator.client(requests_per_second=None))
    yield destination
    destination.close()


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def async_destination(
    emulator: ActiveCampaignEmulator, loop: asyncio.AbstractEventLoop
) -> Iterator[AsyncActiveCampaignDestination]:
    destination = AsyncActiveCampaignDestination(emulator.async_client(requests_per_second=None))
    yield destination
    loop.run_until_complete(destination.aclose())


def assert_rejected_or_delivered(message: Any, result: Any, sent: int) -> None:
    """The one contract: a 400 naming its field with nothing sent, or delivered."""
    assert isinstance(result, DeliveryResult)
    if result.delivered:
        return
    assert result.status_code == 400, f"{result} for {preview(message, 300)}"
    assert result.retryable is False
    assert result.field, result
    assert result.field in (result.error or ""), result
    assert sent == 0, f"{sent} requests sent for a message rejected with {result}"


def assert_batch(messages: list[Any], results: list[DeliveryResult]) -> None:
    """Batch results in order: planning's 400s as they are, the rest delivered."""
    assert len(results) == len(messages)
    for message, result in zip(messages, results, strict=True):
        verdict = prepare(message)
        if isinstance(verdict, DeliveryResult):
            assert (result.status_code, result.field, result.error) == (
                verdict.status_code,
                verdict.field,
                verdict.error,
            )
            assert_rejected_or_delivered(message, result, sent=0)
        else:
            assert result.delivered, f"{result} for {preview(message, 300)}"


def test_process_sync(emulator: ActiveCampaignEmulator, sync_destination: Any) -> None:
    fed = Fed()

    @fuzz(3_000)
    @given(any_message)
    def run(message: Any) -> None:
        fed.messages += 1
        emulator.reset_requests()
        result = sync_destination.process(message)
        assert_rejected_or_delivered(message, result, len(emulator.requests))

    run()
    fed.check(3_000)


def test_process_async(
    emulator: ActiveCampaignEmulator, async_destination: Any, loop: asyncio.AbstractEventLoop
) -> None:
    fed = Fed()

    @fuzz(2_000)
    @given(any_message)
    def run(message: Any) -> None:
        fed.messages += 1
        emulator.reset_requests()
        result = loop.run_until_complete(async_destination.process(message))
        assert_rejected_or_delivered(message, result, len(emulator.requests))

    run()
    fed.check(2_000)


def test_process_batch_sync(sync_destination: Any) -> None:
    fed = Fed()

    @fuzz(450)
    @given(st.lists(any_message, min_size=4, max_size=12))
    def run(batch: list[Any]) -> None:
        fed.messages += len(batch)
        assert_batch(batch, sync_destination.process_batch(batch))

    run()
    fed.check(450 * 4)


def test_process_batch_async(async_destination: Any, loop: asyncio.AbstractEventLoop) -> None:
    fed = Fed()

    @fuzz(500)
    @given(st.lists(any_message, min_size=5, max_size=14))
    def run(batch: list[Any]) -> None:
        fed.messages += len(batch)
        assert_batch(batch, loop.run_until_complete(async_destination.process_batch(batch)))

    run()
    fed.check(500 * 5)


def test_a_batch_of_undeliverable_messages_sends_nothing(
    emulator: ActiveCampaignEmulator,
    sync_destination: Any,
    async_destination: Any,
    loop: asyncio.AbstractEventLoop,
) -> None:
    fed = Fed()

    @fuzz(350)
    @given(st.lists(corrupted_messages() | loose_messages, min_size=1, max_size=10))
    def run(batch: list[Any]) -> None:
        bad = [m for m in batch if isinstance(prepare(m), DeliveryResult)]
        assume(bad)
        fed.messages += 2 * len(bad)
        emulator.reset_requests()
        assert_batch(bad, sync_destination.process_batch(bad))
        assert_batch(bad, loop.run_until_complete(async_destination.process_batch(bad)))
        assert emulator.requests == []

    run()
    fed.check(350 * 2)
