"""The sliding-window rule ActiveCampaign enforces, on simulated time."""

from __future__ import annotations

import math
from collections import deque

__all__ = ["SlidingWindow"]


class SlidingWindow:
    """Admits at most ``burst`` requests in any window of ``window`` seconds.

    ``SlidingWindow.per_second(rate)`` mirrors the client's RateLimiter: ``int(rate)``
    requests per ``int(rate) / rate`` seconds, so a client that keeps to its limiter is
    never refused. Refused requests do not count.
    """

    def __init__(self, burst: int, window: float) -> None:
        if burst < 1 or not window > 0:
            raise ValueError("a window needs burst >= 1 and window > 0")
        self.burst = burst
        self.window = window
        self._times: deque[float] = deque()

    @classmethod
    def per_second(cls, rate: float) -> SlidingWindow:
        """The window for ``rate`` requests per second."""
        if not rate > 0 or math.isinf(rate):
            raise ValueError(f"rate_limit must be a positive number or None, got {rate!r}")
        burst = max(1, int(rate))
        return cls(burst, burst / rate)

    def admit(self, now: float) -> bool:
        """Count a request at ``now`` if the window has room; False when it is full."""
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) >= self.burst:
            return False
        self._times.append(now)
        return True

    def retry_after(self, now: float) -> int:
        """Whole seconds until the window has room again (at least 1)."""
        if len(self._times) < self.burst:
            return 1
        return max(1, math.ceil(self._times[0] + self.window - now))
