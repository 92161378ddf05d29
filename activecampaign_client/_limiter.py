"""Account-wide request limiter: at most N requests in any window of N / rate seconds.

A sliding window rather than a token bucket, because that is how ActiveCampaign counts:
a refilling bucket would let 5 + 4 requests through within one second and earn 429s.
The limiter only *reserves* a start time under a short lock and returns how long to wait,
so one instance serves threads (sync client) and tasks (async client) alike. When the
server refuses anyway (a 429), ``hold_until`` pauses every start until its Retry-After.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Sequence

from ._constants import LIMITER_MARGIN_FRACTION, LIMITER_MARGIN_SECONDS

__all__ = ["RateLimiter", "reserve_all", "reserve_when_free"]


class RateLimiter:
    """Spaces request start times so no window of ``window`` seconds holds more than ``burst``.

    ``rate`` requests per ``per`` seconds: ``RateLimiter(5)`` is 5 a second,
    ``RateLimiter(100, per=60.0)`` 100 a minute.
    """

    def __init__(self, rate: float, *, per: float = 1.0) -> None:
        if not rate > 0 or math.isinf(rate):
            raise ValueError(f"requests_per_second must be a positive number, got {rate!r}")
        if not per > 0:
            raise ValueError(f"per must be a positive number of seconds, got {per!r}")
        self.burst: int = max(1, int(rate))
        self.window: float = per * self.burst / rate
        # The (burst + 1)-th start waits a window plus this after the first (see _constants).
        self.margin: float = self.window * LIMITER_MARGIN_FRACTION + LIMITER_MARGIN_SECONDS
        self.held_until: float = -math.inf
        self._starts: deque[float] = deque(maxlen=self.burst)
        self._lock = threading.Lock()

    def reserve(self, now: float) -> float:
        """Claim the next free slot; return seconds to wait (0.0 when it is free now)."""
        return reserve_all((self,), now)

    def hold_until(self, t: float) -> None:
        """Book no start before ``t`` (a clock reading): the server said to wait until then.

        Shared by every thread or task using this limiter, so one 429 pauses them all
        instead of each spending the budget on a refusal of its own. Holds only extend.
        """
        with self._lock:
            self.held_until = max(self.held_until, t)

    def _earliest(self, now: float) -> float:
        # Caller holds the lock. Never before a start already booked: bookings stay in
        # time order, which is what makes "oldest of the last `burst`" the window's edge.
        start = max(now, self.held_until)
        if not self._starts:
            return start
        start = max(start, self._starts[-1])
        if len(self._starts) == self.burst:
            start = max(start, self._starts[0] + self.window + self.margin)
        return start

    def __repr__(self) -> str:
        return f"RateLimiter(burst={self.burst}, window={self.window:g}s)"


def reserve_all(limiters: Sequence[RateLimiter], now: float) -> float:
    """Book one start in every limiter, at the earliest time all of them allow; return
    seconds to wait."""
    wait, _ = reserve_when_free(limiters, now)
    return wait


# A slot free this close to now is free now (clock readings after a sleep may round short).
_FREE_TOLERANCE = 1e-9


def reserve_when_free(
    limiters: Sequence[RateLimiter], now: float, *, first: Sequence[RateLimiter] = ()
) -> tuple[float, bool]:
    """Book one start in every limiter at the earliest time all of them allow — unless a
    limiter of ``first`` has no slot free at ``now``: then book nothing.

    Returns ``(seconds to wait, booked)``; when not booked, the wait is until ``first``
    has a slot free, and the caller asks again then. A request that spends several
    budgets (bulk import: its per-minute one and the account's) is booked at the same
    moment in each — the moment it really starts — so no budget counts it earlier than it
    happens. And since each budget keeps its bookings in time order, booking the account
    budget while the import still waits for its minute would hold every later account
    call behind the import: ``first`` (the slow budget) is waited for before anything is
    booked. Locks are taken in a fixed order.
    """
    ordered = sorted(set(limiters) | set(first), key=id)
    if not ordered:
        return 0.0, True
    for limiter in ordered:
        limiter._lock.acquire()
    try:
        gate = max((limiter._earliest(now) for limiter in first), default=now)
        if gate > now + _FREE_TOLERANCE:
            return gate - now, False
        start = max(limiter._earliest(now) for limiter in ordered)
        for limiter in ordered:
            limiter._starts.append(start)
        return start - now, True
    finally:
        for limiter in reversed(ordered):
            limiter._lock.release()
