"""Real HTTP servers on loopback for the network tests, each in its own threads.

``LoopbackServer`` answers every request with ``answer(handler)``; options make it what a
test needs: TLS whose handshake takes ``handshake_delay`` (the set-up cost of a new
connection on a real network), a count of arrivals with a 429 past ``limit`` a second
(the way ActiveCampaign counts: on arrival), or answers written slowly. Every server is
bounded: it stops with the test, and a slow answer stops when the client hangs up.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from activecampaign_client.testing import ActiveCampaignEmulator

Answer = Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    """Reads one request (keep-alive: HTTP/1.1) and lets the server's ``answer`` reply."""

    protocol_version = "HTTP/1.1"
    server: LoopbackServer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        self.server.arrived(self)
        if self.server.over_limit():
            self.reply(429, b'{"message":"Too Many Requests"}', {"Retry-After": "1"})
            return
        self.server.answer(self)

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP(S) server on 127.0.0.1, on a free port, serving until stopped."""

    daemon_threads = True

    def __init__(
        self,
        answer: Answer,
        *,
        tls: ssl.SSLContext | None = None,
        handshake_delay: float = 0.0,
        limit: int | None = None,
    ) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.answer = answer
        self.tls = tls
        self.handshake_delay = handshake_delay
        self.limit = limit
        self.arrivals: list[float] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.statuses: list[int] = []
        self.connections = 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self.server_address[1]}"

    def finish_request(self, request: Any, client_address: Any) -> None:
        # In the connection's own thread: a slow handshake delays this connection only.
        with self._lock:
            self.connections += 1
        if self.tls is not None:
            time.sleep(self.handshake_delay)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def arrived(self, handler: Handler) -> None:
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.requests.append((handler.command, handler.path, dict(handler.headers)))

    def over_limit(self) -> bool:
        """ActiveCampaign's rule: more than ``limit`` arrivals within one second."""
        if self.limit is None:
            return False
        with self._lock:
            now = self.arrivals[-1]
            refused = sum(1 for t in self.arrivals if now - t < 1.0) > self.limit
            self.statuses.append(429 if refused else 200)
            return refused


@contextmanager
def serving(answer: Answer, **options: Any) -> Iterator[LoopbackServer]:
    server = LoopbackServer(answer, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def json_answer(status: int = 200, body: bytes = b'{"tag":{"id":"1","tag":"vip"}}') -> Answer:
    def answer(handler: Handler) -> None:
        handler.body()
        handler.reply(status, body)

    return answer


def trickle(
    *, head: bytes, body: bytes, interval: float, in_headers: bool = False
) -> tuple[Answer, list[int]]:
    """An answer written a byte every ``interval`` seconds: the body's (after the head),
    or the head's too (``in_headers``). The list counts the bytes sent before the client
    hung up."""
    sent = [0]

    def answer(handler: Handler) -> None:
        data = head + body
        start = 0 if in_headers else len(head)
        try:
            handler.wfile.write(data[:start])
            handler.wfile.flush()
            for index in range(start, len(data)):
                time.sleep(interval)
                handler.wfile.write(data[index : index + 1])
                handler.wfile.flush()
                sent[0] += 1
        except OSError:  # the client hung up: what a deadline is for
            pass
        handler.close_connection = True

    return answer, sent


def emulator_answer(emulator: ActiveCampaignEmulator) -> Answer:
    """The emulator behind a real socket: /event goes to its trackcmp.net, the rest to its
    account host (it answers by host name, which a loopback URL does not carry)."""
    transport = emulator.transport()

    def answer(handler: Handler) -> None:
        body = handler.body()
        target = "https://trackcmp.net" if handler.path.startswith("/event") else emulator.api_url
        url = httpx.URL(target + handler.path)
        headers = {k: v for k, v in handler.headers.items() if k.lower() != "host"}
        request = httpx.Request(handler.command, url, headers=headers, content=body)
        response = transport.handle_request(request)
        response.read()
        kept = {"content-type", "retry-after"}
        handler.reply(
            response.status_code,
            response.content,
            {k: v for k, v in response.headers.items() if k.lower() in kept},
        )

    return answer


class ConnectionRecorder:
    """A listening socket that counts connections and answers nothing: a 'proxy' that
    must never be used."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.05)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._socket.close()
