"""Simulated time: a clock whose sleeps cost nothing, correct under concurrency.

Concurrent sleepers share one timeline: time jumps to the earliest wake-up only once every
participant is waiting, so 100 sleeps of 1.0 side by side advance the clock by 1.0, not 100,
and a participant that is busy (or whose I/O is being answered) is never overtaken by time.

*Tasks*: ``asleep(s)`` parks the task on a heap of wake-up times; an *advancer* callback,
scheduled with ``loop.call_soon``, moves time to the earliest wake-up only once the event
loop has no other ready work. On asyncio's own loops "no other ready work" is read from the
loop's ready queue; on other loops (uvloop, ...) the advancer waits a few idle rounds
instead. Nothing ever waits for real time, and there is no deadlock: as long as someone
sleeps, the advancer is scheduled.

*Threads*: a thread cannot tell that another is busy, so threads say so: inside
``with clock.active():`` a thread is a participant — time waits for it to sleep.
``sleep(s)`` blocks the calling thread until time reaches its wake-up; time moves to the
earliest wake-up once every participant sleeps (or waits on ``clock.semaphore(n)``, whose
release hands the slot to a waiter that counts as awake at once). A participant that waits
for another thread some other way (a lock, a queue) says so with ``clock.blocked()``, or
time would wait for it while the thread it waits for sleeps. A thread sleeping outside
``active()`` takes part for that sleep only: alone, its sleep returns at once, time having
moved forward by ``s``. Before moving time, a sleeper lets other threads run a couple of
times, so threads just started or woken can say they take part.

The sync client marks each call it runs ``active()`` and caps calls in flight with the
clock's semaphore, so threads sharing a client (the sync destination's pool) share the
timeline by themselves. Between two calls a thread is not a participant: if time moves on
while it works out its next call, that call starts a little later than it would have,
never earlier, so no budget is ever overrun — but a threaded run's simulated duration can
differ slightly from run to run. Let threads and tasks share one clock only one at a time:
each side moves time when *it* is idle.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import threading
import time
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["SimulatedClock", "SimulatedSemaphore"]

# Loops without an inspectable ready queue: let this many rounds pass before advancing.
_IDLE_ROUNDS = 8
# Threads: when all participants sleep, let other threads run this many times first.
_YIELDS = 2

_Waiter = tuple[float, int, "asyncio.Future[None]"]


class _LoopWaiters:
    """The sleeping tasks of one event loop, and whether its advancer is scheduled."""

    def __init__(self) -> None:
        self.heap: list[_Waiter] = []
        self.scheduled = False
        self.idle_rounds = 0


class _Thread:
    """How a thread takes part in simulated time: nesting depths of active() and blocked()."""

    __slots__ = ("active", "blocked")

    def __init__(self) -> None:
        self.active = 0
        self.blocked = 0

    @property
    def participates(self) -> bool:
        return self.active > 0 and self.blocked == 0


class SimulatedClock:
    """A clock for the client and the emulator that never waits for real time.

    Implements the client's ``Clock`` protocol: ``now()``, ``sleep(s)``, ``await asleep(s)``
    — and ``active()`` / ``blocked()``, with which threads share one timeline (see the
    module's docstring). ``start`` is the reading at creation, in seconds.
    """

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopWaiters] = (
            weakref.WeakKeyDictionary()
        )
        # Threads: who takes part, and the wake-up time of each sleeping one (by ticket).
        self._woken = threading.Condition(self._lock)
        self._threads: dict[int, _Thread] = {}
        self._participants = 0
        self._sleepers: dict[int, float] = {}

    def now(self) -> float:
        """The simulated time, in seconds."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (negative values are ignored)."""
        if seconds > 0:
            with self._lock:
                self._now += seconds
                self._wake_due()

    def sleep(self, seconds: float) -> None:
        """Block the calling thread until time reaches ``now() + seconds``.

        Time moves to the earliest wake-up once every participating thread sleeps; a
        thread sleeping alone (or outside ``active()``, with no participant around)
        returns at once, time having moved forward by ``seconds``.
        """
        if not seconds > 0:
            return
        with self._lock:
            thread = self._threads.get(threading.get_ident())
            guest = thread is None or not thread.participates
            if guest:
                self._participants += 1
            ticket = next(self._seq)
            self._sleepers[ticket] = self._now + seconds
            yields = 0
            try:
                while ticket in self._sleepers:
                    if len(self._sleepers) < self._participants:
                        self._woken.wait()
                        yields = 0
                    elif yields < _YIELDS and threading.active_count() > 1:
                        # Everyone sleeps — as far as we know: threads that are ready to
                        # run (just started, just woken) may not have said so yet. Let
                        # them run first, as the asyncio advancer lets ready tasks run.
                        yields += 1
                        self._lock.release()
                        try:
                            time.sleep(0)
                        finally:
                            self._lock.acquire()
                    else:  # (never inf: this sleeper's own wake-up is among them)
                        self._now = max(self._now, min(self._sleepers.values()))
                        self._wake_due()
            finally:
                self._sleepers.pop(ticket, None)
                if guest:
                    self._participants -= 1
                    self._woken.notify_all()

    @contextmanager
    def active(self) -> Iterator[None]:
        """The calling thread takes part in time while inside: time waits for it to sleep
        (or to leave, or to be ``blocked()``) before it moves. Nests."""
        me = threading.get_ident()
        with self._lock:
            thread = self._threads.setdefault(me, _Thread())
            before = thread.participates
            thread.active += 1
            self._participants += thread.participates - before
        try:
            yield
        finally:
            with self._lock:
                before = thread.participates
                thread.active -= 1
                self._participants += thread.participates - before
                if not thread.active:
                    del self._threads[me]
                self._woken.notify_all()  # the sleepers may be all that is left

    @contextmanager
    def blocked(self) -> Iterator[None]:
        """The calling thread holds no time back while inside: wrap a wait for another
        thread (a lock, a semaphore, a queue) in it, or time would wait for the waiter
        while the thread it waits for sleeps. Outside ``active()`` it changes nothing."""
        thread = self._threads.get(threading.get_ident())
        if thread is None:
            yield
            return
        with self._lock:
            before = thread.participates
            thread.blocked += 1
            self._participants += thread.participates - before
            self._woken.notify_all()  # the sleepers may be all that is left
        try:
            yield
        finally:
            with self._lock:
                before = thread.participates
                thread.blocked -= 1
                self._participants += thread.participates - before

    def semaphore(self, value: int) -> SimulatedSemaphore:
        """A semaphore for threads taking part in this clock's time (see
        ``SimulatedSemaphore``): the sync client caps requests in flight with it."""
        return SimulatedSemaphore(self, value)

    def _wake_due(self) -> None:
        # Caller holds the lock. Sleepers whose time has come are woken (and no longer
        # count as asleep from this moment, so time cannot run on before they act).
        due = [ticket for ticket, wake in self._sleepers.items() if wake <= self._now]
        for ticket in due:
            del self._sleepers[ticket]
        if due:
            self._woken.notify_all()

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
        """How many tasks and threads are asleep on this clock."""
        tasks = sum(1 for w in self._loops.values() for _, _, fut in w.heap if not fut.done())
        return tasks + len(self._sleepers)

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
            self._wake_due()
        while heap and heap[0][0] <= self._now:
            _, _, future = heapq.heappop(heap)
            if not future.done():
                future.set_result(None)
        if heap:
            self._schedule(loop, waiters)


class SimulatedSemaphore:
    """A semaphore whose waiting threads hold no simulated time back, and whose release
    hands the slot straight to the longest waiter — who counts as awake from that moment,
    so time cannot move on before it runs (as it could between a plain semaphore's
    release and its waiter's waking up). Waiters are served first come, first served."""

    def __init__(self, clock: SimulatedClock, value: int) -> None:
        if value < 0:
            raise ValueError("semaphore value must be >= 0")
        self._clock = clock
        self._value = value
        self._waiters: deque[int] = deque()

    def acquire(self, blocking: bool = True) -> bool:
        """Take a slot, waiting (in simulated time) for one unless ``blocking`` is False."""
        clock = self._clock
        with clock._lock:
            if self._value > 0:
                self._value -= 1
                return True
            if not blocking:
                return False
            thread = clock._threads.get(threading.get_ident())
            guest = thread is None or not thread.participates
            if guest:
                clock._participants += 1
            ticket = next(clock._seq)
            self._waiters.append(ticket)
            clock._sleepers[ticket] = math.inf  # asleep until a release wakes it
            clock._woken.notify_all()  # the sleepers may be all that is left
            try:
                while ticket in clock._sleepers:
                    clock._woken.wait()
            except BaseException:
                if ticket in self._waiters:  # not handed a slot: just leave
                    self._waiters.remove(ticket)
                    clock._sleepers.pop(ticket, None)
                else:  # handed one: pass it on
                    self._release_locked()
                raise
            finally:
                if guest:
                    clock._participants -= 1
                    clock._woken.notify_all()
            return True

    def release(self) -> None:
        """Give a slot back: to the longest waiter if any, who is awake from now on."""
        with self._clock._lock:
            self._release_locked()

    def _release_locked(self) -> None:
        if self._waiters:
            del self._clock._sleepers[self._waiters.popleft()]
            self._clock._woken.notify_all()
        else:
            self._value += 1

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


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
