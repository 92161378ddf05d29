"""The request loop, written once as a generator and driven by a sync or an async driver.

An operation is a generator that yields ``ApiRequest``s and receives decoded JSON (see
``resources``). ``execute`` turns it into a stream of I/O *commands* — ``Acquire`` a slot
in flight, ``Send`` an httpx.Request, ``Sleep`` some seconds — applying the limiter, error
mapping, deadlines and retry policy on the way. Drivers do nothing but carry out
commands, so sync and async behave identically (the same trick as httpx's
``Auth.auth_flow``).

Whatever ends a run early — an error, a cancelled task, a closed generator — reaches the
flow as an exception at the command it was suspended on (drivers close the flow on their
way out): the ``try``/``finally`` blocks here give back what the run booked, once, for
both drivers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from ._clock import CLOCK_EXTENSION, Clock
from ._config import ClientConfig, longest_timeout
from ._exceptions import (
    ActiveCampaignError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
)
from ._limiter import Booking, RateLimiter, book
from ._requests import ApiRequest, DefaultHeaders, build_http_request
from ._responses import decode_response
from ._retry import RetryPolicy, server_pause
from ._transport_errors import map_transport_error

__all__ = [
    "Acquire",
    "Command",
    "FlowContext",
    "Operation",
    "Seen",
    "Send",
    "Sleep",
    "execute",
]

T = TypeVar("T")

logger = logging.getLogger("activecampaign_client")

Operation = Generator[ApiRequest, Any, T]
"""A pure operation: yields requests, receives their decoded JSON, returns a result."""

Seen = Callable[[httpx.Response], None]
"""Told of every answer a run decoded for its operation (retried failures are not)."""


@dataclass(frozen=True)
class Acquire:
    """Take a slot of ``pool`` (``FlowContext.concurrency``), waiting for one to be free,
    then resume the flow. The run holds it until the exchange of its next ``Send`` ends
    (or the run does)."""

    pool: str


@dataclass(frozen=True)
class Send:
    """Send this request and resume the flow with the httpx.Response (or throw its error);
    then give back the slots the run acquired.

    ``timeout``: seconds the whole exchange may take, connection to last body byte (None:
    no limit beyond httpx's own); past it the driver throws an httpx.TimeoutException.
    ``written``: to call when the request is written to the connection (its first byte).
    """

    request: httpx.Request
    timeout: float | None = None
    written: Callable[[], None] | None = None


@dataclass(frozen=True)
class Sleep:
    """Wait this many seconds, then resume the flow."""

    seconds: float


Command = Acquire | Send | Sleep


@dataclass
class FlowContext:
    """What the loop needs besides the request: config, budgets, policy and clock."""

    config: ClientConfig
    retry: RetryPolicy
    clock: Clock
    limiters: dict[str, RateLimiter]
    wall_time: Callable[[], float] = time.time
    requests_sent: int = 0
    # Answers that said "too many requests" (429s, and bulk import's rate-limit 400s).
    rate_limited: int = 0
    # Requests of a budget that may be in flight at once ({"tracking": 4}); others: no cap.
    concurrency: dict[str, int] = field(default_factory=dict)
    # Seconds a run may take, waits and retries included (None: no limit).
    deadline: float | None = None
    # The default headers of the user's http_client, sent with every request.
    client_headers: DefaultHeaders = ()
    # ``+= 1`` is a read, an add and a write: threads sharing a sync client would lose counts.
    _count_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def count_sent(self) -> None:
        """Count one HTTP request sent (atomic across threads)."""
        with self._count_lock:
            self.requests_sent += 1

    def count_rate_limited(self) -> None:
        """Count one refusal for going over a request budget (atomic across threads)."""
        with self._count_lock:
            self.rate_limited += 1

    def limiters_for(self, request: ApiRequest) -> list[RateLimiter]:
        """Budgets this request spends: bulk import spends its own per-minute budget and
        the account's per-second one."""
        names = [request.budget, "api"] if request.budget.startswith("bulk") else [request.budget]
        return [self.limiters[name] for name in names if name in self.limiters]

    def pool_for(self, request: ApiRequest) -> str | None:
        """The pool of in-flight slots the request takes, if its budget has a cap."""
        return request.budget if request.budget in self.concurrency else None

    def hold(self, request: ApiRequest, error: APIStatusError, seconds: float) -> None:
        """Pause the budget ``error`` refused for ``seconds``, for every thread and task.

        A 429 (or a 503 with Retry-After) from the account host is about the account's
        budget; bulk import's "rate limit" 400 is about its own per-minute budget; a
        refusal from trackcmp.net about trackcmp's.
        """
        on_account = request.on_account_host and error.status_code in (429, 503)
        limiter = self.limiters.get("api" if on_account else request.budget)
        if limiter is not None:
            limiter.hold_until(self.clock.now() + seconds)


@dataclass(frozen=True)
class _Deadline:
    """When a run must be over, on the context's clock; ``seconds`` for messages."""

    seconds: float
    until: float

    def check(self, request: ApiRequest, ctx: FlowContext, wait: float, what: str) -> None:
        """Raise APITimeoutError if waiting ``wait`` more seconds would pass the deadline."""
        if ctx.clock.now() + wait > self.until:
            raise APITimeoutError(
                f"{request.describe()} did not finish within its {self.seconds:g}s deadline "
                f"({what})",
                method=request.method,
                path=request.path,
                never_sent=what.startswith("waiting for the rate limit"),
                deadline=self.seconds,
            )


def _start(
    request: ApiRequest, ctx: FlowContext, deadline: _Deadline | None
) -> Generator[Command, Any, Booking]:
    """Book the request's start in every budget it spends and wait for it; the booking.

    One start, booked in every budget at once, when it really starts: none counts the
    request earlier (or later) than it happens. A bulk import waits for its own
    per-minute budget *before* booking: the account budget keeps its bookings in time
    order, so booked a minute ahead it would hold every later account call behind it.
    A run that ends while it waits (cancelled, closed, past its deadline) gives its
    booking back.
    """
    limiters = ctx.limiters_for(request)
    slow = ctx.limiters.get(request.budget) if request.budget.startswith("bulk") else None
    while True:
        booking, wait = book(limiters, ctx.clock.now(), first=() if slow is None else (slow,))
        if booking is not None:
            break
        if deadline is not None:
            deadline.check(request, ctx, wait, "waiting for the rate limit")
        yield Sleep(wait)
    try:
        while (wait := booking.confirm(ctx.clock.now())) > 0:
            if deadline is not None:
                deadline.check(request, ctx, wait, "waiting for the rate limit")
            yield Sleep(wait)
    except BaseException:  # GeneratorExit and CancelledError too: the slot goes back
        booking.cancel()
        raise
    return booking


def _send_once(
    request: ApiRequest, ctx: FlowContext, deadline: _Deadline | None, seen: Seen | None
) -> Generator[Command, Any, Any]:
    http_request = build_http_request(request, ctx.config, ctx.client_headers)
    http_request.extensions[CLOCK_EXTENSION] = ctx.clock  # for transports with a clock
    pool = ctx.pool_for(request)
    if pool is not None:
        # The slot in flight first, then the start: booked before a slot came free, the
        # start would pass while the request waited, and the requests that waited would
        # then all start together, past the budget.
        yield Acquire(pool)
    booking = yield from _start(request, ctx, deadline)
    timeout = ctx.config.attempt_timeout
    if request.timeout is not None:  # the call's own timeout (RequestOptions)
        timeout = longest_timeout(request.timeout)
    if deadline is not None:
        left = deadline.until - ctx.clock.now()
        if left <= 0:
            booking.unsend()
            deadline.check(request, ctx, 0.0, "no time left to send it")
        timeout = left if timeout is None else min(timeout, left)
    ctx.count_sent()
    failure: tuple[APIConnectionError, Exception] | None = None
    try:
        response = yield Send(http_request, timeout, lambda: booking.written(ctx.clock.now()))
    except httpx.HTTPError as exc:
        failure = map_transport_error(request, exc, secrets=ctx.config.secrets)
        if failure[0].never_sent:
            booking.unsend()  # no connection was made: the server never counted it
    finally:
        booking.settle()
    if failure is not None:
        # Raised outside the except clause: our error's only link to the httpx one is a
        # copy without its .request, whose headers carry the Api-Token.
        error, cause = failure
        raise error from cause
    data = decode_response(request, response, wall_time=ctx.wall_time())
    if seen is not None:
        seen(response)
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s -> %s", request.describe(), response.status_code)
    return data


def _outline(error: ActiveCampaignError) -> str:
    """What went wrong, for logs: the class and status, never a body."""
    if isinstance(error, APIStatusError):
        return f"{type(error).__name__} (HTTP {error.status_code})"
    if isinstance(error, APIConnectionError):
        return error.message  # a transport failure's class and text: no body, no secret
    return type(error).__name__


def call(
    request: ApiRequest,
    ctx: FlowContext,
    deadline: _Deadline | None = None,
    seen: Seen | None = None,
) -> Generator[Command, Any, Any]:
    """One logical call: limiter, send, decode, and retries per the policy."""
    attempt = 0
    while True:
        try:
            return (yield from _send_once(request, ctx, deadline, seen))
        except ActiveCampaignError as error:
            if isinstance(error, RateLimitError):
                ctx.count_rate_limited()
            if isinstance(error, APITimeoutError) and error.deadline is not None:
                raise  # the run's time is up: no retry can help
            delay = ctx.retry.delay(error, attempt, replay_safe=request.safe_to_replay)
            pause = server_pause(error)
            if pause is not None and isinstance(error, APIStatusError):
                pause = pause or delay
                if pause:
                    ctx.hold(request, error, pause)
            if delay is None:
                logger.debug("%s failed for good: %s", request.describe(), _outline(error))
                raise
            if deadline is not None:
                try:
                    deadline.check(request, ctx, delay, f"retrying after {_outline(error)}")
                except APITimeoutError as late:
                    raise late from error
            attempt += 1
            logger.info(
                "retrying %s in %.2fs (attempt %d of %d): %s",
                request.describe(),
                delay,
                attempt + 1,
                ctx.retry.max_retries + 1,
                _outline(error),
            )
            if delay > 0:
                yield Sleep(delay)


def execute(
    operation: Operation[T],
    ctx: FlowContext,
    *,
    deadline: float | None = None,
    seen: Seen | None = None,
) -> Generator[Command, Any, T]:
    """Run a pure operation, turning each request it yields into commands.

    ``deadline`` (seconds, default the context's) bounds the whole run: every request,
    retry and wait of the operation. Errors are thrown back into the operation so it can
    handle expected ones (a duplicate tag, a domain already whitelisted) where it knows
    what they mean. ``seen`` is given each answer the operation receives, as it came
    (``with_raw_response``).
    """
    seconds = ctx.deadline if deadline is None else deadline
    limit = None if seconds is None else _Deadline(seconds, ctx.clock.now() + seconds)
    try:
        request = next(operation)
        while True:
            try:
                data = yield from call(request, ctx, limit, seen)
            except ActiveCampaignError as error:
                request = operation.throw(error)
            else:
                request = operation.send(data)
    except StopIteration as stop:
        result: T = stop.value
        return result
    finally:
        operation.close()
