"""What stops a run before or while it records outcomes."""

from __future__ import annotations

__all__ = ["CheckpointError", "RecordingError"]


class CheckpointError(Exception):
    """A checkpoint cannot be used: unreadable, not a checkpoint, or written for another
    input, account or dead-letter file. Nothing was sent; the message says what to do."""


class RecordingError(OSError):
    """An outcome could not be written (dead-letter or checkpoint file: disk full, file
    too large, I/O error). The run stops at once; what was recorded before stays valid."""

    def __init__(self, path: str, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, f"cannot write {path}: {reason}")
        self.path: str = path
        self.reason: str = reason
