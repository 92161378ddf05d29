"""The only code that performs I/O: carry out the commands of a flow, sync or async.

Bodies are streamed raw and decoded by ``BodyReader`` only up to ``MAX_RESPONSE_BYTES``,
compressed or not, so a hostile or broken server cannot make the client hold an
arbitrarily large answer. A body that cannot be decoded (its ``Content-Encoding`` lies) is
passed on marked as garbled; any httpx failure is thrown into the flow, which maps it to
our error tree.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol, TypeVar

import httpx

from ._clock import Clock, Semaphore, ThreadAwareClock
from ._flow import Acquire, FlowContext, Operation, Send, Sleep, execute
from ._responses import BodyReader

__all__ = ["AsyncDriver", "SyncDriver"]

T = TypeVar("T")


class _Slot(Protocol):
    def release(self) -> None: ...


def _release(held: list[_Slot]) -> None:
    while held:
        held.pop().release()


class _Slots:
    """Caps on the requests of a pool in flight at once (``FlowContext.concurrency``):
    a BoundedSemaphore shared by threads, or an asyncio.Semaphore per event loop (made
    lazily in the running loop, as asyncio primitives belong to one loop).

    A run takes a slot on ``Acquire`` and gives it back once the exchange of its next
    ``Send`` ends, or when the run ends (an error, a cancelled task), whichever is first.
    """

    def __init__(self, limits: Mapping[str, int], clock: Clock) -> None:
        self._limits = dict(limits)
        # A simulated clock shared by threads must see who waits for a slot (see below).
        make: Callable[[int], Semaphore] = (
            clock.semaphore if isinstance(clock, ThreadAwareClock) else threading.BoundedSemaphore
        )
        self._threads = {name: make(n) for name, n in limits.items()}
        self._loops: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]
        ] = weakref.WeakKeyDictionary()

    def for_thread(self, pool: str) -> Semaphore | None:
        return self._threads.get(pool)

    def for_task(self, pool: str) -> asyncio.Semaphore | None:
        if pool not in self._limits:
            return None
        semaphores = self._loops.setdefault(asyncio.get_running_loop(), {})
        if pool not in semaphores:
            semaphores[pool] = asyncio.Semaphore(self._limits[pool])
        return semaphores[pool]


class SyncDriver:
    """Runs operations on an ``httpx.Client``; safe to share between threads."""

    def __init__(self, http: httpx.Client, ctx: FlowContext) -> None:
        self.http = http
        self.ctx = ctx
        self._slots = _Slots(ctx.concurrency, ctx.clock)
        # A simulated clock shared by threads moves time once all of them sleep: it needs
        # to know which threads are running a call (and which wait for a slot: _Slots).
        self._active: Callable[[], AbstractContextManager[None]] = nullcontext
        if isinstance(ctx.clock, ThreadAwareClock):
            self._active = ctx.clock.active

    def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to completion and return its result."""
        with self._active():
            return self._drive(operation)

    def _drive(self, operation: Operation[T]) -> T:
        flow = execute(operation, self.ctx)
        reply: Any = None
        error: Exception | None = None
        held: list[_Slot] = []
        try:
            while True:
                try:
                    command = flow.throw(error) if error is not None else flow.send(reply)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
                reply, error = None, None
                if isinstance(command, Sleep):
                    self.ctx.clock.sleep(command.seconds)
                elif isinstance(command, Acquire):
                    slot = self._slots.for_thread(command.pool)
                    if slot is not None:
                        slot.acquire()
                        held.append(slot)
                else:
                    try:
                        reply = self._exchange(command)
                    except httpx.HTTPError as exc:  # the flow maps it to our error, unchained
                        error = exc
                    finally:
                        _release(held)
        finally:
            _release(held)

    def _exchange(self, command: Send) -> httpx.Response:
        response = self.http.send(command.request, follow_redirects=False, stream=True)
        body = BodyReader(response)
        try:
            if body.read_whole:
                response.read()
                return response
            for chunk in response.iter_raw():  # raw: BodyReader inflates under its cap
                if not body.feed(chunk):
                    break
        finally:
            response.close()
        return body.response(response)


class AsyncDriver:
    """Runs operations on an ``httpx.AsyncClient``; safe to share between tasks."""

    def __init__(self, http: httpx.AsyncClient, ctx: FlowContext) -> None:
        self.http = http
        self.ctx = ctx
        self._slots = _Slots(ctx.concurrency, ctx.clock)

    async def run(self, operation: Operation[T]) -> T:
        """Drive ``operation`` to completion and return its result."""
        flow = execute(operation, self.ctx)
        reply: Any = None
        error: Exception | None = None
        held: list[_Slot] = []
        try:
            while True:
                try:
                    command = flow.throw(error) if error is not None else flow.send(reply)
                except StopIteration as stop:
                    result: T = stop.value
                    return result
                reply, error = None, None
                if isinstance(command, Sleep):
                    await self.ctx.clock.asleep(command.seconds)
                elif isinstance(command, Acquire):
                    slot = self._slots.for_task(command.pool)
                    if slot is not None:
                        await slot.acquire()
                        held.append(slot)
                else:
                    try:
                        reply = await self._exchange(command)
                    except httpx.HTTPError as exc:  # the flow maps it to our error, unchained
                        error = exc
                    finally:
                        _release(held)
        finally:
            _release(held)

    async def _exchange(self, command: Send) -> httpx.Response:
        response = await self.http.send(command.request, follow_redirects=False, stream=True)
        body = BodyReader(response)
        try:
            if body.read_whole:
                await response.aread()
                return response
            async for chunk in response.aiter_raw():  # raw: BodyReader inflates under its cap
                if not body.feed(chunk):
                    break
        finally:
            await response.aclose()
        return body.response(response)
