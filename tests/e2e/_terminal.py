"""``rudder-activecampaign`` with its stderr (and, if asked, its stdout) on a real
pseudo-terminal of a given width, as a user at a terminal runs it."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

from ._support import ENV

__all__ = ["TerminalRun", "run_on_terminal", "visible"]

_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def visible(transcript: str) -> list[str]:
    """The screen states a transcript shows: escape sequences removed, split at every
    newline and carriage return (a progress display redraws its line in place)."""
    return [part for part in re.split(r"[\r\n]", _ESCAPE.sub("", transcript)) if part.strip()]


class TerminalRun:
    """The exit code, what went to the stdout pipe (None when stdout was the terminal
    too), and everything written to the terminal."""

    def __init__(self, code: int, stdout: str | None, terminal: str) -> None:
        self.code = code
        self.stdout = stdout
        self.terminal = terminal


def _read_all(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: every writer closed its end
            return
        if not data:
            return
        into.append(data)


def run_on_terminal(
    *args: str, columns: int, cwd: Path, stdout_on_terminal: bool = False, timeout: float = 90
) -> TerminalRun:
    """``python -m rudder_mapper ARGS`` with stderr on a pseudo-terminal ``columns``
    wide; stdout there too or on a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {k: v for k, v in ENV.items() if k != "COLUMNS"}  # the terminal says its width
    env["TERM"] = "xterm-256color"
    chunks: list[bytes] = []
    reader = threading.Thread(target=_read_all, args=(master, chunks), daemon=True)
    reader.start()
    try:
        process = subprocess.Popen(  # noqa: S603 - our own command, our own arguments
            [sys.executable, "-m", "rudder_mapper", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=slave if stdout_on_terminal else subprocess.PIPE,
            stderr=slave,
            text=True,
        )
        os.close(slave)
        slave = -1
        stdout, _ = process.communicate(timeout=timeout)
        reader.join(timeout=10)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    terminal = b"".join(chunks).decode("utf-8", "replace")
    return TerminalRun(process.returncode, None if stdout_on_terminal else stdout, terminal)
