"""Reading a JSONL stream as bytes: numbered Lines, byte offsets and a running SHA-256.

Bytes, not text, so that nothing is decoded leniently (see ``parse_line``), a line's size is
capped before it is held in memory, and a checkpoint can name exactly the part of the input
already read: its length and hash. ``expect`` checks a resumed input against them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ._errors import CheckpointError
from ._lines import Line, bad_line, parse_line

__all__ = ["DEFAULT_MAX_LINE_BYTES", "LineReader", "ReadMark"]

DEFAULT_MAX_LINE_BYTES = 1 << 20
"""1 MiB per line: 32 times the 32 KB at which RudderStack's SDKs drop an event, so any
event RudderStack accepts passes, while one runaway line cannot exhaust memory."""

_CHUNK = 1 << 16
_PREVIEW = 200


@dataclass(frozen=True)
class ReadMark:
    """How much of the input a run had read: up to line ``line``, ``end`` bytes whose
    SHA-256 is ``sha256``."""

    line: int
    end: int
    sha256: str

    @classmethod
    def after(cls, line: Line) -> ReadMark:
        """The mark just after ``line`` (read by a LineReader)."""
        return cls(line.number, line.end, line.digest.hexdigest())


class LineReader:
    """Iterates the non-blank lines of a binary stream as ``Line``s.

    A line longer than ``max_line_bytes`` (newline excluded) is a 400 without being held
    whole. With ``expect``, the input must begin with exactly the bytes the mark
    describes; otherwise ``CheckpointError`` is raised, at the latest when the reader
    reaches the mark's offset, before the line ending there is yielded.
    """

    def __init__(
        self,
        stream: BinaryIO,
        *,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        expect: ReadMark | None = None,
    ) -> None:
        if max_line_bytes < 1:
            raise ValueError("max_line_bytes must be positive")
        self.max_line_bytes: int = max_line_bytes
        self.offset: int = 0
        """Bytes read so far."""
        self.number: int = 0
        """Lines read so far, blank ones included."""
        self._stream = stream
        self._hash = hashlib.sha256()
        self._expect = expect

    def __iter__(self) -> Iterator[Line]:
        while True:
            raw = self._stream.readline(self.max_line_bytes + 1)
            if not raw:
                self._check_end()
                return
            self.number += 1
            size = len(raw)
            self._hash.update(raw)
            oversize = size > self.max_line_bytes and not raw.endswith(b"\n")
            if oversize:
                size += self._skip_rest()
            self.offset += size
            self._check_mark()
            position = {"end": self.offset, "digest": self._hash.copy()}
            if oversize:
                preview = raw[:_PREVIEW].decode("utf-8", "backslashreplace") + "…"
                reason = (
                    f"is {size:,} bytes long; at most {self.max_line_bytes:,} "
                    "(--max-line-bytes); the dead letter keeps its first bytes"
                )
                yield bad_line(self.number, preview, reason, **position)
                continue
            line = parse_line(self.number, raw, **position)
            if line is not None:
                yield line

    def _skip_rest(self) -> int:
        skipped = 0
        while chunk := self._stream.readline(_CHUNK):
            self._hash.update(chunk)
            skipped += len(chunk)
            if chunk.endswith(b"\n"):
                break
        return skipped

    def _check_mark(self) -> None:
        expect = self._expect
        if expect is None or self.offset < expect.end:
            return
        self._expect = None
        if self.offset > expect.end or self._hash.hexdigest() != expect.sha256:
            raise CheckpointError(
                f"the input differs from the one the checkpoint was written for: its first "
                f"{expect.end:,} bytes (up to line {expect.line:,}) are not the bytes already "
                "read"
            )

    def _check_end(self) -> None:
        expect = self._expect
        if expect is not None and self.offset < expect.end:
            raise CheckpointError(
                f"the input is shorter ({self.offset:,} bytes) than the part the checkpoint "
                f"records as read ({expect.end:,} bytes, up to line {expect.line:,})"
            )
