"""Durable appends: whole lines in one ``write`` each, fsync where the file allows it."""

from __future__ import annotations

import errno
import json
import os
import threading
from typing import Any

from ._errors import RecordingError

__all__ = ["AppendOnlyFile", "json_line", "sync_directory", "sync_fd", "write_all"]


def json_line(record: Any) -> bytes:
    """``record`` as one strict-JSON (no NaN), ASCII line."""
    return (json.dumps(record, ensure_ascii=True, allow_nan=False) + "\n").encode("ascii")


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` (``os.write`` may write part of it)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def sync_fd(fd: int) -> None:
    """fsync, ignoring files that cannot be synced (pipes, character devices)."""
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EROFS):
            raise


def sync_directory(path: str) -> None:
    """fsync the directory holding ``path``, so a new file's name is durable too."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        sync_fd(fd)
    except OSError:
        pass  # the file's own content is synced; its directory entry is best effort
    finally:
        os.close(fd)


class AppendOnlyFile:
    """A file descriptor written whole lines at a time, under a lock (threads may share
    it); a failed write or fsync is a ``RecordingError`` naming the file."""

    def __init__(self, path: str, fd: int) -> None:
        self.path: str = path
        self._fd = fd
        self._lock = threading.Lock()

    def _write(self, data: bytes) -> None:
        """Append ``data`` (call with the lock held)."""
        try:
            write_all(self._fd, data)
        except OSError as exc:
            raise RecordingError(self.path, exc) from None

    def sync(self) -> None:
        """fsync what was written so far."""
        with self._lock:
            try:
                sync_fd(self._fd)
            except OSError as exc:
                raise RecordingError(self.path, exc) from None

    def close(self) -> None:
        """Close the file descriptor (once)."""
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1
