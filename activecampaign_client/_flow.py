"""The request loop, written once as a generator and driven by a sync or an async driver.

An operation is a generator that yields ``ApiRequest``s and receives decoded JSON (see
``resources``). ``execute`` turns it into a stream of I/O *commands* — ``Acquire`` a slot
in flight, ``Send`` an httpx.Request, ``Sleep`` some seconds — applying the limiter, error
mapping and retry policy on the way. Drivers do nothing but carry out commands, so sync
and async behave identically (the same trick as httpx's ``Auth.auth_flow``).
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
from ._config import ClientConfig
from ._exceptions import ActiveCampaignError, APIConnectionError, RateLimitError
from ._limiter import RateLimiter, reserve_when_free
from ._requests import ApiRequest, build_http_request
from ._responses import decode_response, map_transport_error
from ._retry import RetryPolicy

__all__ = ["Acquire", "Command", "FlowContext", "Operation", "Send", "Sleep", "execute"]

T = TypeVar("T")

logger = logging.getLogger("activecampaign_client")

Operation = Generator[ApiRequest, Any, T]
"""A pure operation: yields requests, receives their decoded JSON, returns a result."""


@dataclass(frozen=True)
class Acquire:
    """Take a slot of ``pool`` (``FlowContext.concurrency``), waiting for one to be free,
    then resume the flow. The run holds it until the exchange of its next ``Send`` ends
    (or the run does)."""

    pool: str


@dataclass(frozen=True)
class Send:
    """Send this request and resume the flow with the httpx.Response (or throw its error);
    then give back the slots the run acquired."""

    request: httpx.Request


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
    # Requests of a budget that may be in flight at once ({"tracking": 4}); others: no cap.
    concurrency: dict[str, int] = field(default_factory=dict)
    # ``+= 1`` is a read, an add and a write: threads sharing a sync client would lose counts.
    _count_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def count_sent(self) -> None:
        """Count one HTTP request sent (atomic across threads)."""
        with self._count_lock:
            self.requests_sent += 1

    def limiters_for(self, request: ApiRequest) -> list[RateLimiter]:
        """Budgets this request spends: bulk import spends its own per-minute budget and
        the account's per-second one."""
        names = [request.budget, "api"] if request.budget.startswith("bulk") else [request.budget]
        return [self.limiters[name] for name in names if name in self.limiters]

    def reserve(self, request: ApiRequest) -> tuple[float, bool]:
        """Book a start in every budget the request spends, once its slow budget (bulk
        import's own) has a slot free: ``(start, True)``. Until then nothing is booked:
        ``(when to ask again, False)``."""
        slow = self.limiters.get(request.budget) if request.budget.startswith("bulk") else None
        now = self.clock.now()
        wait, booked = reserve_when_free(
            self.limiters_for(request), now, first=() if slow is None else (slow,)
        )
        return now + wait, booked

    def pool_for(self, request: ApiRequest) -> str | None:
        """The pool of in-flight slots the request takes, if its budget has a cap."""
        return request.budget if request.budget in self.concurrency else None

    def held_past(self, request: ApiRequest, start: float) -> bool:
        """Whether a budget the request spends was paused beyond ``start`` after it was
        booked (a 429 arrived while it waited for its slot)."""
        return any(limiter.held_until > start for limiter in self.limiters_for(request))

    def hold(self, request: ApiRequest, error: RateLimitError, seconds: float) -> None:
        """Pause the budget ``error`` refused for ``seconds``, for every thread and task.

        A 429 from the account host is about the account's budget; bulk import's "rate
        limit" 400 is about its own per-minute budget; a 429 from trackcmp.net about
        trackcmp's.
        """
        name = "api" if error.status_code == 429 and request.on_account_host else request.budget
        limiter = self.limiters.get(name)
        if limiter is not None:
            limiter.hold_until(self.clock.now() + seconds)


def _book(request: ApiRequest, ctx: FlowContext) -> Generator[Command, Any, float]:
    """Book the request's start in every budget it spends; the time it may start.

    One start, booked in every budget at once, when it really starts: none counts the
    request earlier (or later) than it happens. A bulk import waits for its own
    per-minute budget *before* booking: the account budget keeps its bookings in time
    order, so booked a minute ahead it would hold every later account call behind it.
    """
    while True:
        start, booked = ctx.reserve(request)
        if booked:
            return start
        yield Sleep(start - ctx.clock.now())


def _send_once(request: ApiRequest, ctx: FlowContext) -> Generator[Command, Any, Any]:
    http_request = build_http_request(request, ctx.config)
    http_request.extensions[CLOCK_EXTENSION] = ctx.clock  # for transports with a clock
    pool = ctx.pool_for(request)
    if pool is not None:
        # The slot in flight first, then the start: booked before a slot came free, the
        # start would pass while the request waited, and the requests that waited would
        # then all start together, past the budget.
        yield Acquire(pool)
    start = yield from _book(request, ctx)
    while True:
        wait = start - ctx.clock.now()
        if wait > 0:
            yield Sleep(wait)
        if not ctx.held_past(request, start):
            break
        # A 429 paused the budget while this request waited for its slot: book again,
        # after the pause. (The slot first booked stays counted: over-counting is safe.)
        start = yield from _book(request, ctx)
    ctx.count_sent()
    failure: APIConnectionError | None = None
    try:
        response = yield Send(http_request)
    except httpx.HTTPError as exc:
        failure = map_transport_error(request, exc)
    if failure is not None:
        # Raised outside the except clause: not even __context__ links our error to the
        # httpx one, whose .request carries the Api-Token header.
        raise failure
    data = decode_response(request, response, wall_time=ctx.wall_time())
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug("%s -> %s", request.describe(), response.status_code)
    return data


def call(request: ApiRequest, ctx: FlowContext) -> Generator[Command, Any, Any]:
    """One logical call: limiter, send, decode, and retries per the policy."""
    attempt = 0
    while True:
        try:
            return (yield from _send_once(request, ctx))
        except ActiveCampaignError as error:
            delay = ctx.retry.delay(error, attempt, replay_safe=request.safe_to_replay)
            if isinstance(error, RateLimitError):
                pause = error.retry_after if error.retry_after is not None else delay
                if pause:
                    ctx.hold(request, error, pause)
            if delay is None:
                logger.debug("%s failed for good: %s", request.describe(), error.message)
                raise
            attempt += 1
            # Messages are built from status, path and body only: never a header or secret.
            logger.info(
                "retrying %s in %.2fs (attempt %d of %d): %s",
                request.describe(),
                delay,
                attempt + 1,
                ctx.retry.max_retries + 1,
                error.message,
            )
            if delay > 0:
                yield Sleep(delay)


def execute(operation: Operation[T], ctx: FlowContext) -> Generator[Command, Any, T]:
    """Run a pure operation, turning each request it yields into commands.

    Errors are thrown back into the operation so it can handle expected ones (a duplicate
    tag, a domain already whitelisted) where it knows what they mean.
    """
    try:
        request = next(operation)
        while True:
            try:
                data = yield from call(request, ctx)
            except ActiveCampaignError as error:
                request = operation.throw(error)
            else:
                request = operation.send(data)
    except StopIteration as stop:
        result: T = stop.value
        return result
