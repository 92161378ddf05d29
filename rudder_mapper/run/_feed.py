"""Lines handed to the event loop: directly, or read on a thread of their own.

Reading stdin can block for as long as the producer pauses; on the loop's thread that
would also block the signal handlers, so Ctrl-C would wait for the next line. The
threaded feed reads on a daemon thread into a bounded queue (the reader waits while the
queue is full) and the loop takes from it, waking for a stop as well.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import threading
from collections.abc import Iterable, Iterator

from ._lines import Line

__all__ = ["Feed"]

_EOF = object()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class Feed:
    """``take`` up to ``limit`` lines; None once the input is exhausted."""

    def __init__(self, lines: Iterable[Line], *, threaded: bool, capacity: int) -> None:
        self._lines: Iterator[Line] = iter(lines)
        self._threaded = threaded
        self._capacity = capacity
        self._queue: asyncio.Queue[object] | None = None
        self._eof = False
        self._closed = threading.Event()

    def _start(self) -> asyncio.Queue[object]:
        queue: asyncio.Queue[object] = asyncio.Queue(self._capacity)
        loop = asyncio.get_running_loop()

        def put(item: object) -> bool:
            """Hand ``item`` over; False once nobody will take it (closed, loop gone)."""
            try:
                future = asyncio.run_coroutine_threadsafe(queue.put(item), loop)
            except RuntimeError:
                return False
            while not self._closed.is_set():
                try:
                    future.result(timeout=0.1)
                    return True
                except concurrent.futures.TimeoutError:
                    continue
            future.cancel()
            return False

        def pump() -> None:
            try:
                for line in self._lines:
                    if not put(line):
                        return
                put(_EOF)
            except BaseException as exc:
                put(_Failure(exc))

        # A daemon: a read blocked on a silent stdin must not keep the process alive.
        threading.Thread(target=pump, name="rudder-feed", daemon=True).start()
        return queue

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
        if self._queue is None:
            self._queue = self._start()
        queue = self._queue
        taken: list[Line] = []
        while len(taken) < limit:
            if queue.empty():
                if taken:
                    break
                item = await self._wait(queue, stop, timeout)
                if item is None:
                    break
            else:
                item = queue.get_nowait()
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

    def close(self) -> None:
        """Stop the reading thread, if any, at its next line."""
        self._closed.set()

    @staticmethod
    async def _wait(
        queue: asyncio.Queue[object], stop: asyncio.Event, timeout: float | None
    ) -> object | None:
        getter = asyncio.ensure_future(queue.get())
        stopper = asyncio.ensure_future(stop.wait())
        try:
            done, _ = await asyncio.wait(
                {getter, stopper}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            stopper.cancel()
            if not getter.done():
                getter.cancel()
        return getter.result() if getter in done else None
