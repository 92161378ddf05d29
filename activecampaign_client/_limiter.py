"""Account-wide request limiter: at most N requests in any window of N / rate seconds.

A sliding window rather than a token bucket, because that is how ActiveCampaign counts:
a refilling bucket would let 5 + 4 requests through within one second and earn 429s.
The limiter only *reserves* a start time under a short lock and returns how long to wait,
so one instance serves threads (sync client) and tasks (async client) alike.
"""

from __future__ import annotations

import math
import threading
from collections import deque

__all__ = ["RateLimiter"]

# Start a hair after the window closes, so float rounding can never put the request inside it.
_MARGIN = 0.001


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
        self.burst = max(1, int(rate))
        self.window = per * self.burst / rate
        self._starts: deque[float] = deque(maxlen=self.burst)
        self._lock = threading.Lock()

    def reserve(self, now: float) -> float:
        """Claim the next free slot; return seconds to wait (0.0 when it is free now)."""
        with self._lock:
            start = now
            if len(self._starts) == self.burst:
                start = max(now, self._starts[0] + self.window + _MARGIN)
            self._starts.append(start)
            return start - now

    def __repr__(self) -> str:
        return f"RateLimiter(burst={self.burst}, window={self.window:g}s)"
