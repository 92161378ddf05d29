"""RetryPolicy and Retry-After parsing, as pure functions: nothing sleeps, nothing is sent."""

from __future__ import annotations

import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activecampaign_client import (
    ActiveCampaignError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    EventTrackingError,
    InternalServerError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    UnprocessableEntityError,
)
from activecampaign_client._retry import parse_retry_after

NOW = 1_700_000_000.0


def status_error(cls: type[APIStatusError], status: int) -> APIStatusError:
    return cls("GET /api/3/tags -> error", status_code=status)


RETRYABLE: list[ActiveCampaignError] = [
    RateLimitError("429", status_code=429),
    status_error(InternalServerError, 500),
    status_error(InternalServerError, 503),
    APIConnectionError("reset", never_sent=False),
    APIConnectionError("refused", never_sent=True),
    APITimeoutError("read timeout"),
]

NEVER_RETRIED: list[ActiveCampaignError] = [
    status_error(BadRequestError, 400),
    status_error(AuthenticationError, 401),
    status_error(AuthenticationError, 200),  # the HTML login page
    status_error(PermissionDeniedError, 403),
    status_error(NotFoundError, 404),
    status_error(ConflictError, 409),
    status_error(UnprocessableEntityError, 422),
    status_error(APIStatusError, 418),
    status_error(EventTrackingError, 200),
    APIResponseValidationError("bad shape"),
    InvalidInputError("contact_id", "must be a numeric id"),
    ConfigurationError("no actid"),
]


def no_jitter() -> float:
    return 0.0


@pytest.mark.parametrize("error", RETRYABLE, ids=repr)
def test_retryable_failures_are_retried_up_to_max_retries(error: ActiveCampaignError) -> None:
    policy = RetryPolicy(max_retries=3, jitter=no_jitter)
    assert error.retryable
    delays = [policy.delay(error, attempt, replay_safe=True) for attempt in range(5)]
    assert [d is not None for d in delays] == [True, True, True, False, False]


@pytest.mark.parametrize("error", NEVER_RETRIED, ids=repr)
def test_other_failures_are_never_retried(error: ActiveCampaignError) -> None:
    policy = RetryPolicy(max_retries=5)
    assert not error.retryable
    assert policy.delay(error, 0, replay_safe=True) is None


def test_max_retries_zero_means_one_attempt() -> None:
    policy = RetryPolicy(max_retries=0)
    assert policy.delay(RateLimitError("429", status_code=429), 0, replay_safe=True) is None


@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (APITimeoutError("read timeout", never_sent=False), False),
        (APIConnectionError("connection reset", never_sent=False), False),
        (status_error(InternalServerError, 502), False),
        (RateLimitError("429", status_code=429), True),
        (APIConnectionError("ConnectError", never_sent=True), True),
        (APITimeoutError("ConnectTimeout", never_sent=True), True),
    ],
    ids=repr,
)
def test_requests_unsafe_to_replay_are_retried_only_when_surely_not_acted_on(
    error: ActiveCampaignError, retried: bool
) -> None:
    policy = RetryPolicy(max_retries=2, jitter=no_jitter)
    assert (policy.delay(error, 0, replay_safe=False) is not None) is retried


def test_retry_after_of_a_rate_limit_is_the_delay() -> None:
    policy = RetryPolicy(max_retries=2, jitter=no_jitter)
    error = RateLimitError("429", status_code=429, retry_after=7.5)
    assert policy.delay(error, 0, replay_safe=True) == 7.5
    assert policy.delay(error, 1, replay_safe=False) == 7.5


def test_backoff_doubles_then_stops_at_the_maximum() -> None:
    policy = RetryPolicy(max_retries=10, initial_delay=0.5, max_delay=8.0, jitter=no_jitter)
    error = status_error(InternalServerError, 500)
    delays = [policy.delay(error, attempt, replay_safe=True) for attempt in range(7)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_full_jitter_takes_off_a_quarter_at_most() -> None:
    policy = RetryPolicy(max_retries=3, jitter=lambda: 1.0)
    error = APIConnectionError("reset")
    assert policy.delay(error, 0, replay_safe=True) == 0.375
    assert policy.delay(error, 2, replay_safe=True) == 1.5


@given(
    jitter=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
    attempt=st.integers(min_value=0, max_value=30),
)
def test_backoff_stays_within_bounds(jitter: float, attempt: int) -> None:
    policy = RetryPolicy(max_retries=31, jitter=lambda: jitter)
    delay = policy.delay(status_error(InternalServerError, 503), attempt, replay_safe=True)
    step = min(0.5 * 2**attempt, 8.0)
    assert delay is not None
    assert 0.75 * step <= delay <= step


def test_rate_limit_without_retry_after_backs_off() -> None:
    policy = RetryPolicy(max_retries=2, jitter=no_jitter)
    assert policy.delay(RateLimitError("429", status_code=429), 1, replay_safe=True) == 1.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        (" 30 ", 30.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("60", 60.0),
        (email.utils.formatdate(NOW + 12, usegmt=True), 12.0),
        (email.utils.formatdate(NOW + 45, usegmt=False), 45.0),
    ],
)
def test_retry_after_is_read_as_seconds_or_http_date(header: str, seconds: float) -> None:
    assert parse_retry_after(header, now=NOW) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "header", ["61", "3600", "1e9", "inf", email.utils.formatdate(NOW + 3600, usegmt=True)]
)
def test_retry_after_beyond_the_cap_is_capped_not_ignored(header: str) -> None:
    # The server asked for a long pause: waiting the cap beats a 0.5 s backoff into a 429.
    assert parse_retry_after(header, now=NOW) == 60.0


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "soon",
        "-5",
        "nan",
        "-inf",
        email.utils.formatdate(NOW - 10, usegmt=True),  # already past
    ],
)
def test_retry_after_negative_or_unreadable_is_ignored(header: str | None) -> None:
    assert parse_retry_after(header, now=NOW) is None
