"""Client overhead per request: our client against raw httpx, on a loopback HTTP server.

A tiny HTTP/1.1 server on ``127.0.0.1`` (an ephemeral port, in a thread) answers every
request with a canned ``contact/sync`` body. It serves a fixed number of requests and
then stops by itself (or after two idle seconds, should the client stop early);
each connection is served by its own thread.

Both sides send the same ``POST /api/3/contact/sync`` over one keep-alive connection:

* raw: ``httpx.Client.post`` with the Api-Token header and a JSON body, then ``.json()``;
* ours: ``ActiveCampaign.contacts.sync`` (limiter off, ``requests_per_second=None``):
  input validation, the sans-I/O flow, request building, response decoding and the
  pydantic ``SyncedContact`` model.

The overhead is the difference of the best per-request CPU times of the calling
thread over a few interleaved rounds (see ``LoopbackStats``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from activecampaign_client import ActiveCampaign

__all__ = ["LoopbackStats", "loopback_server", "measure_overhead"]

_BODY = (
    b'{"fieldValues":[],"contact":{"email":"jane@example.com","firstName":"Jane",'
    b'"cdate":"2026-01-01T00:00:00-06:00","udate":"2026-01-01T00:00:00-06:00",'
    b'"links":{},"id":"42"}}'
)
_IDLE_TIMEOUT = 2.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the clients use it
    timeout = _IDLE_TIMEOUT  # an idle keep-alive connection is dropped after this
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall
    server: _BoundedServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(_BODY)))
        self.end_headers()
        self.wfile.write(_BODY)
        if self.server.served():
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log line."""


class _BoundedServer(ThreadingHTTPServer):
    """Answers ``budget`` requests (one thread per connection), then stops accepting."""

    daemon_threads = True

    def __init__(self, budget: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.budget = budget
        self.timeout = 0.1  # how often serve_budget looks at the budget
        self._lock = threading.Lock()
        self._last_activity = time.monotonic()

    def served(self) -> bool:
        """Count one answered request; True when the budget is spent."""
        with self._lock:
            self.budget -= 1
            self._last_activity = time.monotonic()
            return self.budget <= 0

    def serve_budget(self) -> None:
        """Accept connections until the budget is spent or nothing happened for a while."""
        while self.budget > 0 and time.monotonic() - self._last_activity < _IDLE_TIMEOUT:
            self.handle_request()


@contextmanager
def loopback_server(requests: int) -> Iterator[str]:
    """Serve ``requests`` requests on 127.0.0.1 in a thread; yields the base URL."""
    server = _BoundedServer(requests)
    thread = threading.Thread(target=server.serve_budget, name="loopback-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.budget = 0
        thread.join(timeout=_IDLE_TIMEOUT + 1)
        server.server_close()


@dataclass(frozen=True)
class LoopbackStats:
    """Best per-request times, in microseconds, for raw httpx and for our client.

    ``*_wall_us``: the round trip on the loopback server as the caller sees it (the server
    shares the process, so its time is in there too). ``*_cpu_us``: CPU time of the
    calling thread only (``time.thread_time``) on the same run. ``*_instant_us``: the same
    two calls over an ``httpx.MockTransport`` answering the same body: no socket, no
    server, so the difference is the client's own work, with far less noise.
    """

    requests: int
    raw_wall_us: float
    client_wall_us: float
    raw_cpu_us: float
    client_cpu_us: float
    raw_instant_us: float
    client_instant_us: float

    @property
    def overhead_us(self) -> float:
        """Calling-thread CPU our client adds to each loopback request."""
        return self.client_cpu_us - self.raw_cpu_us

    @property
    def instant_overhead_us(self) -> float:
        """What our client adds to each request when the transport costs nothing."""
        return self.client_instant_us - self.raw_instant_us

    def as_dict(self) -> dict[str, Any]:
        """Rounded, with the overheads, for the JSON line."""
        data = {k: round(v, 1) if isinstance(v, float) else v for k, v in asdict(self).items()}
        data["overhead_us"] = round(self.overhead_us, 1)
        data["instant_overhead_us"] = round(self.instant_overhead_us, 1)
        return data


_PAYLOAD = {"contact": {"email": "jane@example.com", "firstName": "Jane"}}


def _per_request(send: Callable[[], object], count: int) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.thread_time()
    for _ in range(count):
        send()
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    return wall / count * 1e6, cpu / count * 1e6


def _compare(
    base_url: str,
    transport: httpx.BaseTransport | None,
    requests: int,
    rounds: int,
    warmup: int,
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Per-round (wall, cpu) for raw httpx and for our client, rounds interleaved."""
    raw = httpx.Client(transport=transport)
    http = httpx.Client(transport=transport)
    ours = ActiveCampaign(base_url, "loopback-key", requests_per_second=None, http_client=http)
    url = f"{base_url}/api/3/contact/sync"

    def send_raw() -> object:
        return raw.post(url, json=_PAYLOAD, headers={"Api-Token": "loopback-key"}).json()

    def send_ours() -> object:
        return ours.contacts.sync("jane@example.com", first_name="Jane")

    try:
        _per_request(send_raw, warmup)
        _per_request(send_ours, warmup)
        raw_times, our_times = [], []
        for _ in range(rounds):  # interleaved, so a noisy moment hits both sides
            raw_times.append(_per_request(send_raw, requests))
            our_times.append(_per_request(send_ours, requests))
    finally:
        raw.close()
        http.close()
    return raw_times, our_times


def _instant(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers={"Content-Type": "application/json"}, content=_BODY)


def measure_overhead(requests: int = 300, *, rounds: int = 10, warmup: int = 50) -> LoopbackStats:
    """Send ``requests`` of each kind per round; best round of ``rounds`` for each."""
    with loopback_server(2 * (warmup + requests * rounds)) as base_url:
        raw_times, our_times = _compare(base_url, None, requests, rounds, warmup)
    instant = httpx.MockTransport(_instant)
    raw_instant, our_instant = _compare(
        "https://loopback.api-us1.com", instant, requests, rounds, warmup
    )
    return LoopbackStats(
        requests=requests,
        raw_wall_us=min(t[0] for t in raw_times),
        client_wall_us=min(t[0] for t in our_times),
        raw_cpu_us=min(t[1] for t in raw_times),
        client_cpu_us=min(t[1] for t in our_times),
        raw_instant_us=min(t[0] for t in raw_instant),
        client_instant_us=min(t[0] for t in our_instant),
    )
