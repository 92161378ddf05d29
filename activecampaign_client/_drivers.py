"""The only code that performs I/O: carry out the commands of a flow, sync or async.

Bodies are streamed raw and decoded by ``BodyReader`` only up to ``MAX_RESPONSE_BYTES``,
compressed or not, so a hostile or broken server cannot make the client hold an
arbitrarily large answer. A body that cannot be decoded (its ``Content-Encoding`` lies) is
passed on marked as garbled; any httpx failure is thrown into the flow, which maps it to
our error tree.

Each exchange is bounded as a whole by its ``Send.timeout`` (httpx bounds each read, not
their sum): the async driver cancels it at the deadline; the sync driver, which has no
one to cancel it, bounds every read by the time left and checks the clock between reads.

Drivers close the flow on their way out, however they leave (an error, a cancelled task,
KeyboardInterrupt): the flow's own ``finally`` blocks then give back what it booked.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
import weakref
from collections.abc import Callable, Generator, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol, TypeVar

import anyio
import httpx

from ._clock import Clock, Semaphore, ThreadAwareClock
from ._flow import Acquire, Command, FlowContext, Operation, Seen, Send, Sleep, execute
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


class _Exchange:
    """One ``Send`` as httpcore reports it through the request's ``trace`` extension:
    whether the request was written, for the limiter and for what a timeout means."""

    def __init__(self, command: Send) -> None:
        self.command = command
        self.traced = False  # the transport reports its steps (httpcore does; mocks do not)
        self.written = False
        self.started = time.monotonic()

    def request(self, trace: Callable[..., Any]) -> httpx.Request:
        """The command's request, traced, each of its timeouts at most the time allowed."""
        request = self.command.request
        request.extensions["trace"] = trace
        if self.command.timeout is not None:
            limit = max(self.command.timeout, 0.0)
            timeouts = dict(request.extensions.get("timeout") or {})
            for name in ("connect", "read", "write", "pool"):
                value = timeouts.get(name)
                timeouts[name] = limit if value is None else min(value, limit)
            request.extensions["timeout"] = timeouts
        return request

    def on_trace(self, name: str) -> None:
        self.traced = True
        if not self.written and name.endswith("send_request_headers.started"):
            self.written = True
            if self.command.written is not None:
                self.command.written()

    def check(self) -> None:
        """Raise once the exchange has taken longer than allowed (sync driver)."""
        timeout = self.command.timeout
        if timeout is not None and time.monotonic() - self.started > timeout:
            raise self.timed_out()

    def timed_out(self) -> httpx.TimeoutException:
        """The error for an exchange cut at its deadline. Not yet written to a connection
        that the transport reported: it never left (a connect timeout); otherwise the
        server may have it."""
        message = f"the attempt took longer than its {self.command.timeout:g}s limit"
        request = self.command.request
        if self.traced and not self.written:
            return httpx.ConnectTimeout(message, request=request)
        return httpx.ReadTimeout(message, request=request)


def _step(
    flow: Generator[Command, Any, T], reply: Any, error: Exception | None
) -> tuple[Command | None, T | None]:
    """Resume the flow with a reply or an error: its next command, or its result."""
    try:
        command = flow.throw(error) if error is not None else flow.send(reply)
    except StopIteration as stop:
        return None, stop.value
    return command, None


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

    def run(
        self, operation: Operation[T], *, deadline: float | None = None, seen: Seen | None = None
    ) -> T:
        """Drive ``operation`` to completion and return its result."""
        with self._active():
            return self._drive(execute(operation, self.ctx, deadline=deadline, seen=seen))

    def with_context(self, ctx: FlowContext) -> SyncDriver:
        """A driver sharing this one's connection pool and slots in flight, on ``ctx``."""
        derived = copy.copy(self)
        derived.ctx = ctx
        return derived

    def _drive(self, flow: Generator[Command, Any, T]) -> T:
        reply: Any = None
        error: Exception | None = None
        held: list[_Slot] = []
        try:
            while True:
                command, result = _step(flow, reply, error)
                if command is None:
                    return result  # type: ignore[return-value]
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
                    except httpx.HTTPError as exc:  # the flow maps it to our error
                        error = exc
                    finally:
                        _release(held)
        finally:
            _release(held)
            flow.close()

    def _exchange(self, command: Send) -> httpx.Response:
        exchange = _Exchange(command)
        request = exchange.request(lambda name, info: exchange.on_trace(name))
        response = self.http.send(request, follow_redirects=False, stream=True)
        body = BodyReader(response)
        try:
            exchange.check()
            if response.is_stream_consumed:  # a transport that read it already (mocks)
                response.read()
                return response
            # Raw, chunk by chunk: BodyReader inflates under its cap, and between chunks
            # the clock is read (each read is bounded by the time that was left).
            for chunk in response.iter_raw():
                exchange.check()
                if not body.feed(chunk):
                    break
        finally:
            response.close()
        return body.response(response)


class _LoopClients:
    """The httpx.AsyncClient of each event loop, made there on first use.

    httpx's connections belong to the loop that opened them: reused from another loop
    (one ``asyncio.run`` per batch) they fail, after the server may have acted. A client
    that made its own httpx client makes one per loop instead, and forgets those of
    loops that are gone. One given by the user is used as it is, on every loop.
    """

    def __init__(
        self, given: httpx.AsyncClient | None, make: Callable[[], httpx.AsyncClient]
    ) -> None:
        self._given = given
        self._make = make
        self._by_loop: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient]
        self._by_loop = weakref.WeakKeyDictionary()
        self._spare: httpx.AsyncClient | None = None  # made outside any loop, not used yet
        self._lock = threading.Lock()
        self.closed = False

    def current(self) -> httpx.AsyncClient:
        """The client for the running loop (any client, outside one)."""
        if self._given is not None:
            return self._given
        try:
            loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        with self._lock:
            if loop is not None and loop in self._by_loop:
                return self._by_loop[loop]
            if self._spare is None:
                if self.closed:
                    raise RuntimeError("the client is closed; make a new one")
                self._spare = self._make()
            if loop is None:
                return self._spare
            made, self._spare = self._spare, None
            self._by_loop[loop] = made
            return made

    async def aclose(self, *, given_too: bool = False) -> None:
        """Close the clients this loop can close: the running loop's and the spare one
        (and the given one, with ``given_too``). Those of other loops hold connections no
        other loop may touch: dropped."""
        with self._lock:
            self.closed = True
            mine = [self._by_loop.pop(asyncio.get_running_loop(), None), self._spare]
            if given_too:
                mine.append(self._given)
            self._by_loop.clear()
        for client in mine:
            if client is not None:
                await client.aclose()


class AsyncDriver:
    """Runs operations on an ``httpx.AsyncClient``; safe to share between tasks, and
    between successive event loops when it makes its own httpx clients."""

    def __init__(
        self,
        http: httpx.AsyncClient | None,
        ctx: FlowContext,
        make_http: Callable[[], httpx.AsyncClient] = httpx.AsyncClient,
    ) -> None:
        self.ctx = ctx
        self._clients = _LoopClients(http, make_http)
        self._slots = _Slots(ctx.concurrency, ctx.clock)
        self._last: httpx.AsyncClient | None = http

    @property
    def http(self) -> httpx.AsyncClient:
        """The httpx client for the running event loop (the one given, if one was)."""
        if self._clients.closed and self._last is not None:
            return self._last
        self._last = self._clients.current()
        return self._last

    async def aclose(self, *, given_too: bool = False) -> None:
        """Close the httpx clients this driver made (see ``_LoopClients.aclose``)."""
        await self._clients.aclose(given_too=given_too)

    def with_context(self, ctx: FlowContext) -> AsyncDriver:
        """A driver sharing this one's connection pools and slots in flight, on ``ctx``."""
        derived = copy.copy(self)
        derived.ctx = ctx
        return derived

    async def run(
        self, operation: Operation[T], *, deadline: float | None = None, seen: Seen | None = None
    ) -> T:
        """Drive ``operation`` to completion and return its result."""
        flow = execute(operation, self.ctx, deadline=deadline, seen=seen)
        reply: Any = None
        error: Exception | None = None
        held: list[_Slot] = []
        try:
            while True:
                command, result = _step(flow, reply, error)
                if command is None:
                    return result  # type: ignore[return-value]
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
                    except httpx.HTTPError as exc:  # the flow maps it to our error
                        error = exc
                    finally:
                        _release(held)
        finally:
            _release(held)
            flow.close()

    async def _exchange(self, command: Send) -> httpx.Response:
        exchange = _Exchange(command)

        async def trace(name: str, info: Mapping[str, Any]) -> None:
            exchange.on_trace(name)

        request = exchange.request(trace)
        try:
            with anyio.fail_after(command.timeout):
                return await self._receive(request)
        except TimeoutError:
            raise exchange.timed_out() from None
        except RuntimeError as exc:
            if "loop" not in str(exc):
                raise
            # An http_client of the user's, reused on another event loop than the one its
            # connections belong to: a failure of the exchange, not a bug to escape with.
            raise httpx.TransportError(
                f"{exc}: the http_client's connections belong to another event loop; give "
                "each loop its own, or let the client make its own",
                request=request,
            ) from None

    async def _receive(self, request: httpx.Request) -> httpx.Response:
        http = self.http
        response = await http.send(request, follow_redirects=False, stream=True)
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
