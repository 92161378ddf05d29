"""``EmulatorServer``: an ``ActiveCampaignEmulator`` served over real HTTP on loopback.

For end-to-end runs of anything that speaks HTTP — the ``rudder-activecampaign`` CLI in a
subprocess, a service, another language's client — rather than an httpx transport. One
host:port serves the account API under ``/api/3/...`` and trackcmp's ``/event``, so a client
configured with ``api_url=server.url`` and ``tracking_url=server.tracking_url`` reaches both.

The emulator runs on the real clock (a simulated one cannot pace requests arriving from
other processes), with its rate limit on: 5 requests per second per account, 429 with
``Retry-After`` beyond. Injected faults behave as on the transport: a response fault is
sent as that response; ``timeout`` holds the connection for its delay, then closes it;
``reset`` and ``connect_error`` close the connection without an answer. Only the standard
library and httpx (already a dependency) are used.

    with EmulatorServer() as server:                  # a new emulator, port chosen freely
        server.emulator.add_list("Newsletter")
        config = server.config()                      # RudderStack's apiUrl, apiKey, ...
        ...                                           # server.emulator.requests: all of them
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import sys
import threading
from types import TracebackType
from typing import Any

import httpx
from typing_extensions import Self

from .._clock import SystemClock
from ._clock import SimulatedClock
from ._emulator import ActiveCampaignEmulator
from ._router import TRACKING_PATH

__all__ = ["EmulatorServer"]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a connection held by a "timeout" fault must not block close()
    owner: EmulatorServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away (killed, timed out) is not the server's error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _IPv6HTTPServer(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Small answers must not wait for the client's delayed ACK (Nagle): 40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator records every request (``emulator.requests``)."""

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline().strip():  # trailers, up to the blank line
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        emulator = self.server.owner.emulator
        request = httpx.Request(
            self.command,
            emulator.api_url + self.path,
            headers=list(self.headers.items()),
            content=self._body(),
        )
        outcome = emulator._serve(request)
        if outcome.delay > 0:
            emulator.clock.sleep(outcome.delay)
        try:
            response = outcome.deliver(request)
        except httpx.TransportError:
            self.close_connection = True  # a reset, a timeout: no answer at all
            return
        content = response.content
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class EmulatorServer:
    """Serves ``emulator`` (a new one on the real clock when None; ``emulator_options``
    go to it) on ``host`` (loopback only) and ``port`` (0: any free one). The socket is
    bound at once; ``start()`` serves on a daemon thread, ``serve_forever()`` on this one.
    A context manager: ``with EmulatorServer() as server:`` starts and closes it."""

    def __init__(
        self,
        emulator: ActiveCampaignEmulator | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        **emulator_options: Any,
    ) -> None:
        if not _loopback(host):
            raise ValueError(f"the emulator serves loopback addresses only, not {host!r}")
        server_class = _IPv6HTTPServer if ":" in host else _HTTPServer
        self._httpd = server_class((host, port), _Handler)
        self._httpd.owner = self
        self.host: str = host
        self.port: int = self._httpd.server_address[1]
        if emulator is None:
            options = {"clock": SystemClock(), **emulator_options}
            emulator = ActiveCampaignEmulator(api_url=self.url, **options)
        elif emulator_options:
            raise TypeError("emulator options are for the emulator made here; you gave one")
        if isinstance(emulator.clock, SimulatedClock):
            self._httpd.server_close()
            raise ValueError(
                "serve an emulator on the real clock (clock=SystemClock()): requests from "
                "other processes cannot wait on a simulated one"
            )
        self.emulator: ActiveCampaignEmulator = emulator
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"EmulatorServer(url={self.url!r})"

    @property
    def url(self) -> str:
        """The account URL to give a client: ``http://127.0.0.1:PORT``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def tracking_url(self) -> str:
        """trackcmp's stand-in on this server: ``http://127.0.0.1:PORT/event``."""
        return self.url + TRACKING_PATH

    def config(self) -> dict[str, str]:
        """RudderStack's destination config for this account (apiUrl, apiKey, actid,
        eventKey, trackingUrl)."""
        return {
            "apiUrl": self.url,
            "apiKey": self.emulator.api_key,
            "actid": self.emulator.actid,
            "eventKey": self.emulator.event_key,
            "trackingUrl": self.tracking_url,
        }

    def start(self) -> Self:
        """Serve on a daemon thread; returns at once."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"emulator-server-{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until ``shutdown()`` is called from another one."""
        self._httpd.serve_forever(poll_interval=0.1)

    def shutdown(self) -> None:
        """Stop serving (from another thread than the one serving)."""
        self._httpd.shutdown()

    def close(self) -> None:
        """Stop serving if started here, and release the socket."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
