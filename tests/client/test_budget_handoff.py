"""A budget handed between processes: the starts one limiter counted, seeded into another."""

from __future__ import annotations

import pytest

from activecampaign_client import RateLimiter
from activecampaign_client._budgets import account_limiters
from activecampaign_client._clock import SystemClock


def test_recent_starts_are_the_ones_that_still_count() -> None:
    limiter = RateLimiter(5)
    for now in (10.0, 10.1, 10.2):
        limiter.reserve(now)
    assert limiter.recent_starts(10.5) == {"api": [10.0, 10.1, 10.2]}
    assert limiter.recent_starts(11.5) == {"api": []}  # a window and its margin later


def test_seeded_starts_count_against_the_next_request() -> None:
    first = RateLimiter(5)
    for i in range(5):
        first.reserve(100.0 + i * 0.01)
    second = RateLimiter(5)
    second.seed(first.recent_starts(100.2))
    wait = second.reserve(100.2)
    assert wait == pytest.approx(100.0 + second.window + second.margin - 100.2)


def test_bulk_import_budgets_are_handed_over_with_the_account() -> None:
    limiters = account_limiters("https://acct", SystemClock(), None, RateLimiter(5))
    for i in range(100):
        limiters["bulk_import"].reserve(50.0 + i * 0.3)
    handed = limiters["api"].recent_starts(80.0)
    assert len(handed["bulk_import"]) == 100
    other = account_limiters("https://acct", SystemClock(), None, RateLimiter(5))
    other["api"].seed(handed)
    # The 101st import of the minute waits for the first to leave it.
    assert other["bulk_import"].reserve(80.0) > 29.0
