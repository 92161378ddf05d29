"""Lines handed to the event loop: directly, or read on a thread of their own.

Reading stdin can block for as long as the producer pauses; on the loop's thread that
would also block the signal handlers, so Ctrl-C would wait for the next line. The
threaded feed reads on a daemon thread into a bounded ``queue.Queue`` (the reader waits
while it is full). The loop drains it without waking anyone while it holds lines, and
only when it is empty waits for one on a worker thread, in short slices so a stop is
noticed at once.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import threading
from collections.abc import Iterable, Iterator

from ._lines import Line

__all__ = ["Feed"]

_EOF = object()
_SLICE = 0.1  # seconds a wait for the next line lasts before the stop flag is looked at


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Feed:
    """``take`` up to ``limit`` lines; None once the input is exhausted."""

    def __init__(self, lines: Iterable[Line], *, threaded: bool, capacity: int) -> None:
        self._lines: Iterator[Line] = iter(lines)
        self._threaded = threaded
        self._queue: queue.Queue[object] = queue.Queue(capacity)
        self._started = False
        self._eof = False
        self._closed = threading.Event()

    def _put(self, item: object) -> bool:
        """Hand ``item`` over; False once nobody will take it (the feed was closed)."""
        while not self._closed.is_set():
            try:
                self._queue.put(item, timeout=_SLICE)
                return True
            except queue.Full:
                continue
        return False

    def _pump(self) -> None:
        try:
            for line in self._lines:
                if not self._put(line):
                    return
            self._put(_EOF)
        except BaseException as exc:
            self._put(_Failure(exc))

    def close(self) -> None:
        """Stop the reading thread, if any, at its next line."""
        self._closed.set()

    async def take(
        self, limit: int, stop: asyncio.Event, timeout: float | None
    ) -> list[Line] | None:
        """Up to ``limit`` lines: at least one unless ``stop`` is set or ``timeout``
        passes first (then ``[]``); None at the end of the input. Reading errors raise."""
        if self._eof:
            return None
        if not self._threaded:
            lines = list(itertools.islice(self._lines, limit))
            if not lines:
                self._eof = True
                return None
            return lines
        if not self._started:
            self._started = True
            # A daemon: a read blocked on a silent stdin must not keep the process alive.
            threading.Thread(target=self._pump, name="rudder-feed", daemon=True).start()
        taken: list[Line] = []
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while len(taken) < limit:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                if taken or stop.is_set():
                    break
                if deadline is not None and loop.time() >= deadline:
                    break
                try:
                    item = await asyncio.to_thread(self._queue.get, True, _SLICE)
                except queue.Empty:
                    continue
            if item is _EOF:
                self._eof = True
                break
            if isinstance(item, _Failure):
                raise item.error
            assert isinstance(item, Line)
            taken.append(item)
        if not taken and self._eof:
            return None
        return taken
