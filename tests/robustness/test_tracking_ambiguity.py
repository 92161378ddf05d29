"""trackcmp.net has no idempotency key: after a timeout the event may or may not have been
recorded. ``track()`` chooses *at most once* by default and *at least once* with
``retry_ambiguous=True``; both behaviours, on both clients, and what the mapper does."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

import activecampaign_client.resources.event_tracking as event_tracking
from activecampaign_client import (
    ActiveCampaignError,
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
)
from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination

from ._support import seeded_emulator

TRACKCMP = "POST trackcmp.net/event"
EVENT = "Signed Up"
EMAIL = "jane@example.com"
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def emulator() -> ActiveCampaignEmulator:
    emulator = seeded_emulator()
    emulator.add_event_name(EVENT)
    return emulator


async def track(emulator: ActiveCampaignEmulator, flavour: str, **options: Any) -> Any:
    if flavour == "sync":
        with emulator.client() as client:
            return client.event_tracking.track(EVENT, email=EMAIL, **options)
    async with emulator.async_client() as aclient:
        return await aclient.event_tracking.track(EVENT, email=EMAIL, **options)


def trackcmp_faults(emulator: ActiveCampaignEmulator) -> list[str | None]:
    return [r.fault for r in emulator.requests if r.host == "trackcmp.net"]


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("timeout_after_apply", APITimeoutError),
        ("reset_after_apply", APIConnectionError),
    ],
)
async def test_at_most_once_by_default_an_applied_event_is_not_sent_again(
    emulator: ActiveCampaignEmulator, flavour: str, fault: str, error: type[ActiveCampaignError]
) -> None:
    emulator.faults.script(TRACKCMP, [fault, "ok"])
    with pytest.raises(error) as raised:
        await track(emulator, flavour)
    assert raised.value.retryable  # the caller may retry: its choice, knowing the risk
    assert trackcmp_faults(emulator) == [fault]
    assert [e.event for e in emulator.tracked_events] == [EVENT]


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("timeout", APITimeoutError),
        ("reset", APIConnectionError),
        ("503", InternalServerError),
        ("malformed_json", InternalServerError),
    ],
)
async def test_at_most_once_by_default_an_ambiguous_failure_is_not_retried(
    emulator: ActiveCampaignEmulator, flavour: str, fault: str, error: type[ActiveCampaignError]
) -> None:
    emulator.faults.script(TRACKCMP, [fault, "ok"])
    with pytest.raises(error):
        await track(emulator, flavour)
    assert trackcmp_faults(emulator) == [fault]
    assert emulator.tracked_events == []  # this time the server had not recorded it


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("fault", ["429", "connect_error"])
async def test_failures_where_trackcmp_certainly_did_not_act_are_retried(
    emulator: ActiveCampaignEmulator, flavour: str, fault: str
) -> None:
    emulator.faults.script(TRACKCMP, [fault, "ok"])
    tracked = await track(emulator, flavour)
    assert tracked.success == 1
    assert trackcmp_faults(emulator) == [fault, None]
    assert len(emulator.tracked_events) == 1


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_retry_ambiguous_is_at_least_once_and_may_count_twice(
    emulator: ActiveCampaignEmulator, flavour: str
) -> None:
    emulator.faults.script(TRACKCMP, ["timeout_after_apply", "ok"])
    tracked = await track(emulator, flavour, retry_ambiguous=True)
    assert tracked.success == 1
    assert trackcmp_faults(emulator) == ["timeout_after_apply", None]
    assert [e.event for e in emulator.tracked_events] == [EVENT, EVENT]  # the documented cost


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_retry_ambiguous_counts_once_when_the_timeout_was_before_recording(
    emulator: ActiveCampaignEmulator, flavour: str
) -> None:
    emulator.faults.script(TRACKCMP, ["timeout", "503", "ok"])
    tracked = await track(emulator, flavour, retry_ambiguous=True)
    assert tracked.success == 1
    assert trackcmp_faults(emulator) == ["timeout", "503", None]
    assert len(emulator.tracked_events) == 1


async def test_the_mapper_is_at_most_once_and_its_replay_is_at_least_once(
    emulator: ActiveCampaignEmulator,
) -> None:
    message = {
        "type": "track",
        "event": EVENT,
        "userId": "u-1",
        "context": {"traits": {"email": EMAIL}},
    }
    emulator.faults.script(TRACKCMP, ["timeout_after_apply"])
    destination = AsyncActiveCampaignDestination(emulator.async_client())
    first = await destination.process(message)
    assert (first.status_code, first.retryable) == (504, True)
    assert len(emulator.tracked_events) == 1  # recorded, though reported as failed
    again = await destination.process(message)  # what replaying the dead letter does
    await destination.aclose()
    assert again.delivered
    assert len(emulator.tracked_events) == 2


def test_the_choice_is_documented_where_users_look() -> None:
    module = inspect.getdoc(event_tracking) or ""
    method = inspect.getdoc(event_tracking.EventTracking.track) or ""
    readme = README.read_text(encoding="utf-8")
    assert "at most once" in module and "retry_ambiguous=True" in module
    assert "retries" in method.lower()
    assert "*at most once*" in readme and "retry_ambiguous=True" in readme
    assert "counted twice" in readme
