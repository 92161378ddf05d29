"""Configuration faults: their own result (``field == "config"``, not ``rejected``), and the
destination's circuit breaker, which stops calling the API after the first one."""

from __future__ import annotations

import pytest

from activecampaign_client import (
    AuthenticationError,
    ConfigurationError,
    EventTrackingError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    UnprocessableEntityError,
)
from activecampaign_client.testing import SimulatedClock
from rudder_mapper import DeliveryResult
from rudder_mapper.breaker import ConfigBreaker, config_fault_advice

from .conftest import EmulatorHarness

IDENTIFY = {"type": "identify", "userId": "u1", "traits": {"email": "a@example.com"}}
PAGE = {"type": "page", "properties": {"url": "https://shop.example.com/x"}}


def track(n: int) -> dict[str, object]:
    return {
        "type": "track",
        "userId": f"t{n}",
        "event": "Signed Up",
        "context": {"traits": {"email": f"t{n}@example.com"}},
    }


@pytest.mark.parametrize(
    ("error", "status", "scope"),
    [
        (AuthenticationError("401", status_code=401), 401, "account"),
        (AuthenticationError("login page", status_code=200), 401, "account"),
        (PermissionDeniedError("403", status_code=403), 403, "account"),
        (PaymentRequiredError("402", status_code=402), 402, "account"),
        (EventTrackingError("refused", status_code=200), 400, "tracking"),
        (ConfigurationError("no actid"), 400, "tracking"),
    ],
    ids=["401", "login-page", "403-permission", "402", "trackcmp-refusal", "no-tracking-keys"],
)
def test_configuration_faults_are_config_results_not_rejections(
    error: Exception, status: int, scope: str
) -> None:
    result = DeliveryResult.from_exception(error)
    assert (result.status_code, result.field, result.config_scope) == (status, "config", scope)
    assert result.config_fault
    assert not result.rejected and not result.retryable and not result.delivered
    assert "Settings >" in config_fault_advice(result) or "billing" in config_fault_advice(result)


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError("No Result found for list with id 9", status_code=403),
        UnprocessableEntityError("invalid email", status_code=422),
    ],
    ids=["403-no-result-found", "422"],
)
def test_errors_about_the_event_stay_event_results(error: Exception) -> None:
    result = DeliveryResult.from_exception(error)
    assert not result.config_fault and result.rejected
    assert result.field != "config"


async def test_a_refused_key_costs_one_request_for_the_whole_batch(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator(client_options={"api_key": "not-the-key"})
    batch = [IDENTIFY, PAGE, *(track(n) for n in range(30))]

    results = await harness.process_batch(batch)

    assert len(emulator.requests) == 1  # the login page; every later event answered at once
    assert all(r.config_fault and r.config_scope == "account" for r in results)
    assert all(r.status_code == 401 and not r.rejected for r in results)
    assert not any(r.attempted for r in results)
    assert [r.event_type for r in results[:2]] == ["identify", "page"]  # each its own context
    assert harness.destination.breaker.fault is not None
    assert await harness.process_batch(batch) == results  # still open: no request at all
    assert len(emulator.requests) == 1


async def test_a_refused_event_key_stops_tracks_only(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(client_options={"event_key": "wrong-event-key"})

    results = await harness.process_batch([track(1), IDENTIFY, track(2), PAGE, track(3)])

    assert [r.delivered for r in results] == [False, True, False, True, False]
    assert {r.config_scope for r in results if not r.delivered} == {"tracking"}
    assert harness.destination.breaker.is_open("tracking")
    assert not harness.destination.breaker.is_open("account")
    assert emulator.contact("a@example.com") is not None


async def test_after_the_cooldown_one_probe_closes_the_breaker(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script("GET /api/3/eventTrackingEvents", ["login_page"])  # once
    destination = harness.destination

    first = await harness.process_batch([track(n) for n in range(5)])
    assert all(r.config_fault for r in first)
    requests = len(emulator.requests)
    still = await harness.process_batch([track(n) for n in range(5)])  # within the cooldown
    assert all(r.config_fault and not r.attempted for r in still)
    assert len(emulator.requests) == requests

    assert isinstance(emulator.clock, SimulatedClock)
    emulator.clock.advance(destination.breaker.cooldown)
    after = await harness.process_batch([track(n) for n in range(5)])

    assert all(r.delivered for r in after)  # the probe went through and closed it
    assert destination.breaker.fault is None


def test_the_breaker_lets_one_probe_through_per_cooldown() -> None:
    clock = SimulatedClock()
    breaker = ConfigBreaker(clock.now, cooldown=60)
    fault = DeliveryResult(401, error="refused", field="config", config_scope="account")
    breaker.record(fault)
    assert breaker.admit(["account"]) == (fault, False)
    assert breaker.admit(["tracking"]) == (None, False)  # another scope is not stopped
    clock.advance(60)
    assert breaker.admit(["account"]) == (None, True)  # the probe
    assert breaker.admit(["account"]) == (fault, False)  # the others still wait
    breaker.record(fault, ["account"])  # the probe failed the same way: open again
    clock.advance(59)
    assert breaker.admit(["account"]) == (fault, False)
    clock.advance(1)
    assert breaker.admit(["account"]) == (None, True)
    breaker.record(DeliveryResult.ok(), ["account"])
    assert breaker.fault is None
    breaker.record(fault)
    breaker.reset()
    assert breaker.admit(["account"]) == (None, False)


async def test_a_halted_destination_starts_nothing(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    harness.destination.halt()

    results = await harness.process_batch([IDENTIFY, track(1)])

    assert all(not r.attempted and r.retryable and r.status_code == 503 for r in results)
    assert emulator.requests == []


async def test_callbacks_report_each_event_as_it_starts_and_ends(
    on_emulator: EmulatorHarness,
) -> None:
    harness, _ = await on_emulator()
    events: list[tuple[str, int]] = []
    identifies = [
        {"type": "identify", "userId": f"b{n}", "traits": {"email": f"b{n}@example.com"}}
        for n in range(10)
    ]
    batch = [track(1), "not an object", *identifies, track(2)]
    destination = harness.destination

    def started(index: int) -> None:
        events.append(("start", index))

    def ended(index: int, result: DeliveryResult) -> None:
        assert result.delivered == (index != 1)
        events.append(("end", index))

    if harness.flavour == "async":
        results = await destination.process_batch(batch, on_start=started, on_result=ended)
    else:
        results = destination.process_batch(batch, on_start=started, on_result=ended)

    assert sorted(i for kind, i in events if kind == "end") == list(range(13))
    assert sorted(i for kind, i in events if kind == "start") == [0, *range(2, 13)]
    for index in (0, *range(2, 13)):
        assert events.index(("start", index)) < events.index(("end", index))
    assert [r.delivered for r in results] == [True, False, *[True] * 11]
