"""``send``'s progress display: events settled out of the total, with rate and ETA.

An event is *settled* once its outcome is known: delivered, dead-lettered, or left out on
purpose (``--skip-ambiguous``). The count moves as each one settles (the run reports every
outcome), not per line read or per batch, so the bar reaches its end only when the last
event has its outcome. Events a resumed checkpoint already had count as settled from the
start, without weighing on the rate.

The total, for a file, is its number of lines: a plain count of newline bytes (about a
second per gigabyte; exact for the events, but for blank lines, which never settle). Files
up to ``COUNT_AT_ONCE`` bytes are counted before the run starts (milliseconds), larger ones
on a thread of their own while the run goes. Until the count is in, and reading stdin,
there is no total: the count and the rate only (the bar pulses), no ETA. Shown only when
stderr is a terminal (and not with ``--quiet``); it leaves nothing behind when it ends.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.table import Column
from rich.text import Text

from ..results import DeliveryResult
from ..run import Line

__all__ = ["COUNT_AT_ONCE", "EventProgress", "count_lines", "event_progress"]

_CHUNK = 1 << 20
COUNT_AT_ONCE = 16 << 20
"""Input files up to this many bytes have their lines counted before the run starts."""


def count_lines(path: str, stop: threading.Event | None = None) -> int | None:
    """Lines in the file at ``path`` (a last line without a newline counts); None when it
    cannot be read or ``stop`` is set first."""
    count = 0
    last = b"\n"
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(_CHUNK):
                if stop is not None and stop.is_set():
                    return None
                count += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return None
    return count + (last != b"\n")


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _duration(seconds: float) -> str:
    minutes, second = divmod(int(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}" if hours else f"{minute}:{second:02d}"


class _Counts(ProgressColumn):
    """``2,250/5,000 events · 12 undelivered · 310/s · ETA 0:09`` (parts shown when known)."""

    def render(self, task: Task) -> Text:
        done = int(task.completed)
        parts = [f"{done:,}/{int(task.total):,} events" if task.total else f"{done:,} events"]
        undelivered = int(task.fields.get("undelivered", 0))
        if undelivered:
            parts.append(f"{undelivered:,} undelivered")
        speed = task.speed
        if speed:
            parts.append(f"{speed:,.0f}/s" if speed >= 10 else f"{speed:.1f}/s")
        remaining = task.time_remaining if task.total else None
        if remaining is not None:
            parts.append(f"ETA {_duration(remaining)}")
        return Text(" · ".join(parts))


class EventProgress:
    """The display's handle: ``settled`` is the run's ``on_outcome``."""

    def __init__(self, progress: Progress, task: TaskID) -> None:
        self._progress = progress
        self._task = task
        self.settled_count: int = 0
        """Events settled in this run (the display adds those settled before)."""
        self.undelivered: int = 0

    def settled(self, line: Line, result: DeliveryResult | None) -> None:
        """Count one event's outcome (None: left out on purpose)."""
        self.settled_count += 1
        if result is not None and not result.delivered:
            self.undelivered += 1
            self._progress.update(self._task, advance=1, undelivered=self.undelivered)
        else:
            self._progress.update(self._task, advance=1)

    def set_total(self, total: int) -> None:
        """The number of events the run will settle in all (the bar and ETA appear)."""
        # Set on the task itself: Progress.update(total=...) would also drop the speed
        # samples gathered so far, and the rate would start again from nothing.
        for task in self._progress.tasks:
            if task.id == self._task:
                task.total = total


@contextmanager
def event_progress(
    console: Console, *, count_file: str | None, done: int = 0, enabled: bool = True
) -> Iterator[EventProgress]:
    """The display on ``console`` (hidden unless it is a terminal and ``enabled``).

    ``count_file``: the input, whose lines are counted for the total (None: stdin, no
    total). ``done``: events settled by earlier runs of a resumed checkpoint.
    """
    progress = Progress(
        TextColumn("delivering"),
        BarColumn(bar_width=24),
        _Counts(table_column=Column(no_wrap=True, overflow="ellipsis")),
        console=console,
        transient=True,
        disable=not (enabled and console.is_terminal),
    )
    # total=None until counted: a pulsing bar, no ETA; the completed count starts at ``done``
    # without a speed sample, so earlier runs' events do not inflate the rate.
    handle = EventProgress(progress, progress.add_task("delivering", total=None, completed=done))
    stop = threading.Event()
    if count_file is not None and not progress.disable:

        def count() -> None:
            total = count_lines(count_file, stop)
            if total is not None and not stop.is_set():
                handle.set_total(total)

        if _size(count_file) <= COUNT_AT_ONCE:
            count()
        else:
            threading.Thread(target=count, name="count-lines", daemon=True).start()
    try:
        with progress:
            yield handle
    finally:
        stop.set()
