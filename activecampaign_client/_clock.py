"""Time as a dependency, so limiter and retry waits can run on a simulated clock."""

from __future__ import annotations

import asyncio
import time
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

__all__ = ["CLOCK_EXTENSION", "Clock", "Semaphore", "SystemClock", "ThreadAwareClock", "same_time"]

CLOCK_EXTENSION = "activecampaign_client.clock"
"""The httpx request extension under which the client names the clock pacing the request,
so that a transport keeping time of its own (the emulator) can tell when the two differ."""


@runtime_checkable
class Clock(Protocol):
    """What the client needs from time: a monotonic reading and two ways to wait."""

    def now(self) -> float:
        """Monotonic seconds."""
        ...

    def sleep(self, seconds: float) -> None:
        """Block the calling thread for ``seconds``."""
        ...

    async def asleep(self, seconds: float) -> None:
        """Suspend the calling task for ``seconds``."""
        ...


class SystemClock:
    """The real clock: ``time.monotonic``, ``time.sleep`` and ``asyncio.sleep``."""

    def now(self) -> float:
        """Monotonic seconds."""
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Block the calling thread."""
        time.sleep(seconds)

    async def asleep(self, seconds: float) -> None:
        """Suspend the calling task."""
        await asyncio.sleep(seconds)


def same_time(one: object, other: object) -> bool:
    """Whether two clocks keep the same time: the same object, or both the real clock."""
    return one is other or (type(one) is SystemClock and type(other) is SystemClock)


class Semaphore(Protocol):
    """What the sync client needs of a semaphore (``threading.BoundedSemaphore`` has it)."""

    def acquire(self, blocking: bool = True) -> bool:
        """Take a slot, waiting for one unless ``blocking`` is False; whether taken."""
        ...

    def release(self) -> None:
        """Give a slot back."""
        ...


@runtime_checkable
class ThreadAwareClock(Clock, Protocol):
    """A clock whose ``sleep`` needs to know which threads are at work (a simulated clock
    moving time only once every such thread sleeps). The sync client marks each call it
    runs ``active()``, and waits for a slot in flight on the clock's ``semaphore``."""

    def active(self) -> AbstractContextManager[None]:
        """While inside, time waits for the calling thread to sleep before it moves."""
        ...

    def semaphore(self, value: int) -> Semaphore:
        """A semaphore of ``value`` slots whose waiters hold no time back."""
        ...
