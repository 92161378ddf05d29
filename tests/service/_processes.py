"""The service as users run it: ``serve`` and ``worker`` processes of
``python -m rudder_mapper``, started, signalled and reaped by the tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

__all__ = ["Fleet", "free_port", "wait_for"]

ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("ACTIVECAMPAIGN_")},
    "NO_COLOR": "1",
    "COLUMNS": "200",
    "PYTHONUNBUFFERED": "1",
}


def free_port() -> int:
    """A loopback port nobody listens on now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(condition: Callable[[], bool], limit: float, what: str, step: float = 0.2) -> float:
    """Poll ``condition`` until true; seconds it took. Fails after ``limit`` seconds."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > limit:
            raise AssertionError(f"{what}: not within {limit:g} s")
        time.sleep(step)
    return time.monotonic() - started


@dataclass
class Fleet:
    """The processes of one test, their logs in ``logs``; all stopped by ``close``."""

    database_url: str
    accounts: Path
    logs: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _files: list[IO[bytes]] = field(default_factory=list)

    def start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        """``rudder-activecampaign ARGS`` in a new process, output to ``logs/name.log``."""
        log = (self.logs / f"{name}.log").open("wb")
        self._files.append(log)
        env = {**ENV, "ACTIVECAMPAIGN_DATABASE_URL": self.database_url}
        process = subprocess.Popen(  # noqa: S603 - our own command, our own arguments
            [sys.executable, "-m", "rudder_mapper", *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def serve(self, port: int) -> subprocess.Popen[bytes]:
        """An ingest server on ``port``, once it answers /health."""
        process = self.start(
            "serve", "serve", "--accounts", str(self.accounts), "--port", str(port)
        )

        def healthy() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}: {self.log('serve')}")
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(healthy, 30, "serve answering /health")
        return process

    def worker(self, name: str, *extra: str) -> subprocess.Popen[bytes]:
        """A delivery worker."""
        return self.start(name, "worker", "--accounts", str(self.accounts), *extra)

    def log(self, name: str) -> str:
        """What a process printed so far."""
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def close(self) -> None:
        """Stop whatever still runs (SIGTERM, then SIGKILL), close the logs."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self._files:
            log.close()
