"""The httpx side: sync and async transports around one shared ``serve`` function.

``serve`` (the emulator's) turns an httpx.Request into an ``Outcome``: a response or a
transport error, and how long it takes on the clock. The two transports only wait that
long (``clock.sleep`` or ``await clock.asleep``) and hand the result to httpx.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from .._clock import CLOCK_EXTENSION, Clock, same_time
from .._exceptions import ConfigurationError
from ._pages import LOGIN_PAGE, MALFORMED_JSON, error_page
from ._wire import EmuResponse

__all__ = [
    "AsyncEmulatorTransport",
    "EmulatorTransport",
    "Outcome",
    "check_clock",
    "fault_outcome",
]

_ERRORS: dict[str, tuple[type[httpx.TransportError], str]] = {
    "timeout": (httpx.ReadTimeout, "The read operation timed out (emulated)"),
    "reset": (httpx.RemoteProtocolError, "Server disconnected without sending a response."),
    "connect_error": (httpx.ConnectError, "[Errno 111] Connection refused (emulated)"),
}


@dataclass(frozen=True)
class Outcome:
    """What a request gets: ``response``, or ``error`` (an httpx.TransportError class and
    its message) raised after ``delay`` seconds on the emulator's clock."""

    response: EmuResponse | None = None
    error: tuple[type[httpx.TransportError], str] | None = None
    delay: float = 0.0

    @property
    def status(self) -> int | None:
        """The status answered, None for a transport error."""
        return self.response.status if self.response is not None else None

    def deliver(self, request: httpx.Request) -> httpx.Response:
        """The httpx.Response, or raise the transport error."""
        if self.response is None:
            cls, message = self.error or (httpx.ReadError, "no response (emulated)")
            raise cls(message, request=request)
        return to_httpx(self.response, request)


def to_httpx(response: EmuResponse, request: httpx.Request) -> httpx.Response:
    """An EmuResponse as an httpx.Response to ``request``."""
    headers = dict(response.headers)
    if response.text is not None:
        content = response.text.encode()
    else:
        content = json.dumps(response.body, separators=(",", ":")).encode()
    if content or response.status != 204:
        headers.setdefault("Content-Type", response.content_type)
    return httpx.Response(response.status, headers=headers, content=content, request=request)


def _read_timeout(request: httpx.Request) -> float:
    timeout = request.extensions.get("timeout") or {}
    value = timeout.get("read") if isinstance(timeout, dict) else None
    return float(value) if isinstance(value, (int, float)) else 30.0


def fault_outcome(kind: str, request: httpx.Request, *, retry_after: int) -> Outcome:
    """The outcome of a fault kind (see ``_faults``); ``*_after_apply`` kinds are the
    caller's to apply first, they end the same way as their plain kind."""
    base = kind.removesuffix("_after_apply")
    if base in _ERRORS:
        delay = _read_timeout(request) if base == "timeout" else 0.0
        return Outcome(error=_ERRORS[base], delay=delay)
    if base in ("429", "429_burst"):
        body = {"message": "Too Many Requests (injected fault)"}
        headers = {"Retry-After": str(retry_after)}
        return Outcome(EmuResponse(429, body, headers=headers))
    if base == "login_page":
        return Outcome(EmuResponse(200, text=LOGIN_PAGE, content_type="text/html; charset=UTF-8"))
    if base == "malformed_json":
        return Outcome(EmuResponse(200, text=MALFORMED_JSON))
    status = int(base)
    return Outcome(EmuResponse(status, text=error_page(status), content_type="text/html"))


def check_clock(request: httpx.Request, clock: Clock) -> None:
    """Refuse a request from an ActiveCampaign client whose clock is not the emulator's.

    The emulator counts its 5 requests a second on its own clock. A client pacing itself
    by another one (the real clock, by default) never sees the emulator's time move: its
    sixth request is a 429, then every one. Failing the first request says why instead.
    """
    sender = request.extensions.get(CLOCK_EXTENSION)
    if sender is None or same_time(sender, clock):
        return  # not sent by our client (plain httpx), or on the emulator's time
    raise ConfigurationError(
        f"this client runs on {type(sender).__name__}, the emulator on its "
        f"{type(clock).__name__}: their times differ, so the client cannot keep to the "
        "emulator's rate limit (every request past the fifth would be a 429). Give the "
        "client the emulator's clock: ActiveCampaign(..., http_client=httpx.Client("
        "transport=emu.transport()), clock=emu.clock), or use emu.client() / "
        "emu.async_client(), which do"
    )


class EmulatorTransport(httpx.BaseTransport):
    """An httpx transport for ``httpx.Client`` answering from the emulator."""

    def __init__(self, serve: Callable[[httpx.Request], Outcome], clock: Clock) -> None:
        self._serve = serve
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request, spending its delay with ``clock.sleep``."""
        check_clock(request, self._clock)
        request.read()
        outcome = self._serve(request)
        if outcome.delay > 0:
            self._clock.sleep(outcome.delay)
        return outcome.deliver(request)


class AsyncEmulatorTransport(httpx.AsyncBaseTransport):
    """An httpx transport for ``httpx.AsyncClient`` answering from the emulator."""

    def __init__(self, serve: Callable[[httpx.Request], Outcome], clock: Clock) -> None:
        self._serve = serve
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Serve one request, spending its delay with ``await clock.asleep``."""
        check_clock(request, self._clock)
        await request.aread()
        outcome = self._serve(request)
        if outcome.delay > 0:
            await self._clock.asleep(outcome.delay)
        return outcome.deliver(request)
