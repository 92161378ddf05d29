"""Pure retry policy: which failures to try again, and after how long.

Nothing here sleeps or reads a clock; the transport flow asks and acts.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY
from ._exceptions import (
    ActiveCampaignError,
    APIConnectionError,
    APIStatusError,
    InternalServerError,
    RateLimitError,
    ServiceUnavailableError,
)

__all__ = ["RetryPolicy", "parse_retry_after", "server_pause"]


def server_pause(error: ActiveCampaignError) -> float | None:
    """Seconds the server asked every caller to wait, or None when it did not ask.

    A 429 asks it (with or without Retry-After: the budget is spent either way); so does a
    503 *with* Retry-After, which some accounts send instead of a 429 — both mean the
    server did not take the request, so it is retried whatever its method.
    """
    if isinstance(error, RateLimitError):
        return error.retry_after if error.retry_after is not None else 0.0
    if isinstance(error, ServiceUnavailableError) and error.retry_after is not None:
        return error.retry_after
    return None


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    ``now`` is a Unix timestamp, used only for the HTTP-date form. Values beyond
    ``MAX_RETRY_AFTER`` are capped to it: the server asked for a long pause, and a short
    backoff would only earn another 429. Returns None when the header is absent,
    unparseable, NaN or negative (a date already past).
    """
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            parsed = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        seconds = parsed.timestamp() - now
    if seconds != seconds or seconds < 0:  # NaN fails every comparison, so test it first
        return None
    return min(seconds, MAX_RETRY_AFTER)


@dataclass(frozen=True)
class RetryPolicy:
    """Decides, for one failed attempt, whether and when to try again.

    ``replay_safe`` is False for requests whose repetition could act twice — creates,
    deletes, trackcmp events (``ApiRequest.safe_to_replay``): those are retried only when
    the server certainly did not act on them — a 429, a 503 with Retry-After, or a
    connection that was never established — never after a timeout, a reset or another 5xx.
    """

    max_retries: int = 2
    initial_delay: float = INITIAL_RETRY_DELAY
    max_delay: float = MAX_RETRY_DELAY
    jitter: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, error: ActiveCampaignError, attempt: int, *, replay_safe: bool) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up and raise."""
        if attempt >= self.max_retries or not self._should_retry(error, replay_safe):
            return None
        if (
            isinstance(error, APIStatusError)
            and error.retry_after is not None
            and server_pause(error) is not None
        ):
            return error.retry_after
        backoff = min(self.initial_delay * 2.0**attempt, self.max_delay)
        # Jitter within [0.75, 1.0] of the step keeps clients that failed together apart.
        return backoff * (1 - 0.25 * self.jitter())

    @staticmethod
    def _should_retry(error: ActiveCampaignError, replay_safe: bool) -> bool:
        if server_pause(error) is not None:
            return True
        if isinstance(error, APIConnectionError):
            return replay_safe or error.never_sent
        if isinstance(error, InternalServerError):
            return replay_safe
        return False
