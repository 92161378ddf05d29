"""Dead letters: every undelivered event with why, as JSON lines ``send`` replays as is.

``{"dead_letter": {line, file, status_code, retryable, error, field, maybe_applied},
"message": ...}``: ``line`` and ``file`` say where the event was first read (a replayed
dead letter keeps them). Lines are strict JSON (no NaN, ASCII escapes, so a lone
surrogate cannot make a line unwritable).

``DeadLetterFile`` is the durable form: each line is written whole with one ``write``
(never through a buffer that a crash would lose), ``sync()`` fsyncs, a failed write is cut
back off, and ``resume`` truncates the file to the size a checkpoint recorded, which also
removes a torn last line left by a crash. ``DeadLetterWriter`` writes to any text stream.
"""

from __future__ import annotations

import os
import stat
from typing import IO, Any, Protocol

from ..events import preview
from ..results import DeliveryResult
from ._errors import CheckpointError, RecordingError
from ._files import AppendOnlyFile, json_line
from ._lines import Line

__all__ = ["DeadLetterFile", "DeadLetterSink", "DeadLetterWriter", "dead_letter_record"]


def dead_letter_record(line: Line, result: DeliveryResult, source: str | None) -> dict[str, Any]:
    """The dead letter of ``line``: where it was first read, the result, the message."""
    return {
        "dead_letter": {
            "line": line.line,
            "file": line.origin_file if line.origin_file is not None else source,
            "status_code": result.status_code,
            "retryable": result.retryable,
            "error": result.error,
            "field": result.field,
            "maybe_applied": result.maybe_applied,
        },
        "message": line.message,
    }


def _encode_letter(line: Line, result: DeliveryResult, source: str | None) -> bytes:
    record = dead_letter_record(line, result, source)
    try:
        return json_line(record)
    except (TypeError, ValueError, RecursionError):
        # Not reachable from parsed lines (strict, depth-capped); a library caller's
        # message might be anything: keep a readable preview rather than nothing.
        record["message"] = preview(line.message, limit=10_000)
        return json_line(record)


class DeadLetterSink(Protocol):
    """Where a run puts undelivered events."""

    written: int

    def write(self, line: Line, result: DeliveryResult) -> int | None:
        """Record one undelivered event; the file's size after it, if it is a file."""
        ...

    def sync(self) -> None:
        """Make what was written durable."""
        ...


class DeadLetterWriter:
    """Dead letters to a text stream (or nowhere, with None)."""

    def __init__(self, stream: IO[str] | None, *, source: str | None = None) -> None:
        self.stream: IO[str] | None = stream
        self.source: str | None = source
        self.written: int = 0

    def write(self, line: Line, result: DeliveryResult) -> int | None:
        """Record one undelivered event."""
        if self.stream is None:
            return None
        self.stream.write(_encode_letter(line, result, self.source).decode("ascii"))
        self.written += 1
        return None

    def sync(self) -> None:
        """Flush the stream."""
        if self.stream is not None:
            self.stream.flush()


class DeadLetterFile(AppendOnlyFile):
    """A durable, append-only dead-letter file. Thread-safe."""

    def __init__(self, path: str, fd: int, size: int, *, source: str | None) -> None:
        super().__init__(path, fd)
        self.source: str | None = source
        self.size: int = size
        self.written: int = 0

    @classmethod
    def create(cls, path: str, *, source: str | None) -> DeadLetterFile:
        """A new, empty file at ``path`` (an existing one is emptied)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        return cls(path, fd, 0, source=source)

    @classmethod
    def resume(cls, path: str, size: int, *, source: str | None) -> DeadLetterFile:
        """Reopen the file of an earlier run, cut to the ``size`` its checkpoint recorded
        (letters beyond it belong to events the checkpoint does not record: they are
        sent again and written again)."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o666)
        try:
            actual = os.fstat(fd).st_size
            if actual < size:
                raise CheckpointError(
                    f"the dead-letter file {path} holds {actual:,} bytes but the checkpoint "
                    f"records {size:,}: letters written by the earlier run are missing"
                )
            os.ftruncate(fd, size)
            os.lseek(fd, size, os.SEEK_SET)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, size, source=source)

    def write(self, line: Line, result: DeliveryResult) -> int:
        """Append one letter, whole; the file's size after it. RecordingError on failure
        (the partial line, if any, is cut off again)."""
        data = _encode_letter(line, result, self.source)
        with self._lock:
            try:
                self._write(data)
            except RecordingError:
                try:  # no torn line left behind, if the file lets us
                    os.ftruncate(self._fd, self.size)
                    os.lseek(self._fd, self.size, os.SEEK_SET)
                except OSError:
                    pass  # resume cuts it from the checkpoint's size instead
                raise
            self.size += len(data)
            self.written += 1
            return self.size

    def remove_if_empty(self) -> bool:
        """Delete the file if it is a regular file holding no letter (no undelivered
        events, no file); a device such as /dev/full is never touched. Whether it was."""
        with self._lock:
            try:
                info = os.fstat(self._fd) if self._fd >= 0 else os.stat(self.path)
                if not stat.S_ISREG(info.st_mode) or info.st_size != 0:
                    return False
                os.unlink(self.path)
            except OSError:
                return False
            return True
