"""What a delivery result means for a stored event, and which events go next: pure."""

from __future__ import annotations

import pytest

from rudder_mapper import DeliveryResult
from rudder_mapper.service.outcomes import RetryPolicy, judge, next_batch
from rudder_mapper.service.store import PendingEvent

POLICY = RetryPolicy(jitter=lambda: 0.0)


def event(
    id: int, *who: str, due: bool = True, attempts: int = 0, age: float = 1.0
) -> PendingEvent:
    return PendingEvent(
        id=id, source="s", identities=frozenset(who), due=due, attempts=attempts, age=age, body="{}"
    )


def test_delivered_settles_with_its_latency() -> None:
    verdict = judge(event(1, age=2.5), DeliveryResult.ok(["w"]), POLICY)
    assert verdict.outcome is not None
    assert (verdict.outcome.kind, verdict.outcome.latency) == ("delivered", 2.5)
    assert verdict.outcome.warnings == ("w",)


def test_a_bad_event_is_a_dead_letter_at_once() -> None:
    result = DeliveryResult(400, False, "traits.email: required", field="traits.email")
    verdict = judge(event(1), result, POLICY)
    assert verdict.outcome is not None and verdict.outcome.kind == "dead"
    assert verdict.outcome.field == "traits.email"


def test_retries_back_off_from_ten_seconds_to_five_minutes() -> None:
    result = DeliveryResult(503, True, "unavailable")
    delays = []
    for attempts in range(8):
        verdict = judge(event(1, attempts=attempts), result, POLICY)
        assert verdict.outcome is not None and verdict.outcome.kind == "retry"
        delays.append(verdict.outcome.retry_in)
    assert delays == [10, 20, 40, 80, 160, 300, 300, 300]


def test_retry_after_is_honoured_when_longer() -> None:
    result = DeliveryResult(429, True, "slow down", retry_after=45.0)
    verdict = judge(event(1), result, POLICY)
    assert verdict.outcome is not None and verdict.outcome.retry_in == 45.0


def test_an_event_older_than_max_age_becomes_a_dead_letter_with_its_history() -> None:
    result = DeliveryResult(502, True, "bad gateway")
    verdict = judge(event(1, attempts=9, age=3 * 3600 - 5), result, POLICY)
    assert verdict.outcome is not None and verdict.outcome.kind == "dead"
    assert verdict.outcome.error is not None
    assert verdict.outcome.error.startswith("gave up after 10 attempts over 180 min")


def test_a_configuration_fault_leaves_the_event_and_pauses_the_account() -> None:
    result = DeliveryResult(401, False, "check the API key", field="config", config_scope="account")
    verdict = judge(event(1), result, POLICY)
    assert verdict.outcome is None
    assert verdict.pause == "check the API key"


def test_a_waiting_event_holds_back_its_users_later_events() -> None:
    events = [
        event(1, "userId:a", due=False),  # waits for its retry
        event(2, "userId:b"),
        event(3, "userId:a"),
        event(4, "userId:c", "anonymousId:x"),
    ]
    assert [e.id for e in next_batch(events, 10)] == [2, 4]


def test_holding_back_is_transitive_through_shared_identities() -> None:
    events = [
        event(1, "userId:a", due=False),
        event(2, "userId:a", "email:a@x.com"),  # held: same user
        event(3, "email:a@x.com"),  # held: same email as a held event
        event(4, "email:b@x.com"),
    ]
    assert [e.id for e in next_batch(events, 10)] == [4]


def test_events_without_identities_hold_nothing_back() -> None:
    events = [event(1, due=False), event(2), event(3)]
    assert [e.id for e in next_batch(events, 10)] == [2, 3]


def test_a_batch_stops_at_its_size_and_blocking_carries_across_pages() -> None:
    blocked: set[str] = set()
    first = next_batch([event(1, "userId:a", due=False), event(2, "userId:b")], 10, blocked)
    second = next_batch([event(3, "userId:a"), event(4, "userId:b")], 1, blocked)
    assert [e.id for e in first] == [2]
    assert [e.id for e in second] == [4]


@pytest.mark.parametrize(("attempts", "retry_after"), [(1, None), (3, 1.0)])
def test_delay_is_jittered_down_never_below_retry_after(
    attempts: int, retry_after: float | None
) -> None:
    policy = RetryPolicy(jitter=lambda: 1.0)
    base = RetryPolicy(jitter=lambda: 0.0).delay(attempts)
    delay = policy.delay(attempts, retry_after)
    assert 0.8 * base == pytest.approx(delay)


@pytest.mark.parametrize("result", [DeliveryResult.held(), DeliveryResult.halted()])
def test_an_event_nothing_was_sent_for_stays_as_it_was(result: DeliveryResult) -> None:
    verdict = judge(event(1), result, POLICY)
    assert (verdict.outcome, verdict.pause) == (None, None)
