"""Simulated time: a clock whose sleeps cost nothing, correct under asyncio concurrency.

``sleep(s)`` simply moves time forward by ``s`` (meant for one thread). ``asleep(s)`` parks
the task on a heap of wake-up times; an *advancer* callback, scheduled with
``loop.call_soon``, moves time to the earliest wake-up only once the event loop has no other
ready work. So 100 tasks each sleeping 1.0 concurrently advance the clock by 1.0, not 100,
and a task that is busy (or whose I/O is being answered) is never overtaken by time.

On asyncio's own loops "no other ready work" is read from the loop's ready queue; on other
loops (uvloop, ...) the advancer waits a few idle rounds instead. Nothing ever waits for
real time, and there is no deadlock: as long as someone sleeps, the advancer is scheduled.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import threading
import weakref
from collections.abc import Iterable
from typing import Any

__all__ = ["SimulatedClock"]

# Loops without an inspectable ready queue: let this many rounds pass before advancing.
_IDLE_ROUNDS = 8

_Waiter = tuple[float, int, "asyncio.Future[None]"]


class _LoopWaiters:
    """The sleeping tasks of one event loop, and whether its advancer is scheduled."""

    def __init__(self) -> None:
        self.heap: list[_Waiter] = []
        self.scheduled = False
        self.idle_rounds = 0


class SimulatedClock:
    """A clock for the client and the emulator that never waits for real time.

    Implements the client's ``Clock`` protocol: ``now()``, ``sleep(s)``, ``await asleep(s)``.
    ``start`` is the reading at creation, in seconds.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopWaiters] = (
            weakref.WeakKeyDictionary()
        )

    def now(self) -> float:
        """The simulated time, in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (negative values are ignored)."""
        if seconds > 0:
            with self._lock:
                self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Return at once, time having moved forward by ``seconds``."""
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        """Suspend the task until simulated time reaches ``now() + seconds``.

        Concurrent sleepers share the timeline: time jumps to the earliest wake-up once
        every task is waiting, so total simulated time is the longest chain, not the sum.
        """
        loop = asyncio.get_running_loop()
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = loop.create_future()
        waiters = self._loops.get(loop)
        if waiters is None:
            waiters = self._loops[loop] = _LoopWaiters()
        heapq.heappush(waiters.heap, (self._now + seconds, next(self._seq), future))
        self._schedule(loop, waiters)
        await future

    def pending(self) -> int:
        """How many tasks are asleep on this clock (on any loop)."""
        return sum(1 for w in self._loops.values() for _, _, fut in w.heap if not fut.done())

    def __repr__(self) -> str:
        return f"SimulatedClock(now={self._now:g})"

    # -- the advancer --------------------------------------------------------------

    def _schedule(self, loop: asyncio.AbstractEventLoop, waiters: _LoopWaiters) -> None:
        if not waiters.scheduled:
            waiters.scheduled = True
            loop.call_soon(self._advance, loop, waiters)

    def _advance(self, loop: asyncio.AbstractEventLoop, waiters: _LoopWaiters) -> None:
        waiters.scheduled = False
        heap = waiters.heap
        while heap and heap[0][2].done():  # cancelled sleepers do not move time
            heapq.heappop(heap)
        if not heap:
            waiters.idle_rounds = 0
            return
        if _loop_busy(loop, waiters):
            self._schedule(loop, waiters)
            return
        waiters.idle_rounds = 0
        deadline = heap[0][0]
        with self._lock:
            self._now = max(self._now, deadline)
        while heap and heap[0][0] <= self._now:
            _, _, future = heapq.heappop(heap)
            if not future.done():
                future.set_result(None)
        if heap:
            self._schedule(loop, waiters)


def _is_advancer(handle: Any) -> bool:
    callback = getattr(handle, "_callback", None)
    return isinstance(getattr(callback, "__self__", None), SimulatedClock)


def _loop_busy(loop: asyncio.AbstractEventLoop, waiters: _LoopWaiters) -> bool:
    """True when the loop has ready callbacks other than clock advancers."""
    ready: Iterable[Any] | None = getattr(loop, "_ready", None)
    if ready is not None:
        return any(
            not getattr(handle, "_cancelled", False) and not _is_advancer(handle)
            for handle in ready
        )
    waiters.idle_rounds += 1
    if waiters.idle_rounds <= _IDLE_ROUNDS:
        return True
    waiters.idle_rounds = 0
    return False
