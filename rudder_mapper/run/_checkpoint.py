"""The run journal (checkpoint file): every event's outcome, appended as it is known.

One JSON object per line, strict JSON:

- a header: ``{"checkpoint": 1, "events", "account", "dead_letter", "created"}``;
- ``{"run": {...}}`` when a run begins, ``{"stop": {...}}`` / ``{"end": {...}}`` when it
  ends;
- ``{"read": {"line", "end", "sha256"}}`` before a batch is sent: how much of the input has
  been read (lines up to ``line``, ``end`` bytes with that SHA-256);
- ``{"start": N}`` just before line N's first request (``{"again": N}`` withdraws it when
  nothing was applied after all: refused for the configuration, or halted);
- its outcome: ``{"ok": N}`` delivered, ``{"dead": N, ..., "dead_letter_end"}`` dead-lettered
  (with the reason, and the dead-letter file's size once its letter was written), or
  ``{"skip": N}`` left out on purpose (``--skip-ambiguous``).

Each record is written whole with one ``write`` the moment it is known, so it survives the
process being killed; ``sync()`` (at every batch end and on any stop) fsyncs it against a
power loss. A line started but without an outcome was *in flight*: a resumed run sends it
again (or, asked to skip ambiguous ones, leaves it out if it is a track). A torn last line
left by a crash is ignored and cut off when the checkpoint is reopened.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..results import DeliveryResult
from ._errors import CheckpointError, RecordingError
from ._files import AppendOnlyFile, json_line, sync_directory
from ._reader import ReadMark

__all__ = [
    "CHECKPOINT_FORMAT",
    "Checkpoint",
    "CheckpointHeader",
    "CheckpointState",
    "load_checkpoint",
]

CHECKPOINT_FORMAT = 1


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class CheckpointHeader:
    """What a checkpoint was written for: the input (as named), the account's URL, the
    dead-letter file (absolute path, or None when there is none) and when."""

    events: str
    account: str
    dead_letter: str | None
    created: str = field(default_factory=_now)

    def record(self) -> dict[str, Any]:
        """The header line's object."""
        return {
            "checkpoint": CHECKPOINT_FORMAT,
            "events": self.events,
            "account": self.account,
            "dead_letter": self.dead_letter,
            "created": self.created,
        }


@dataclass
class CheckpointState:
    """What a checkpoint holds: outcomes by line number, the last read mark, in-flight
    lines, and how many of its bytes are whole lines."""

    path: str
    header: CheckpointHeader
    delivered: set[int] = field(default_factory=set)
    dead: dict[int, int | None] = field(default_factory=dict)
    """Dead-lettered line numbers, with the dead-letter file's size after each letter."""
    skipped: set[int] = field(default_factory=set)
    started: set[int] = field(default_factory=set)
    mark: ReadMark | None = None
    length: int = 0
    runs: int = 0
    finished: bool = False

    @property
    def mark_line(self) -> int:
        """The last line read by the runs of this checkpoint (0 before any)."""
        return self.mark.line if self.mark is not None else 0

    def has_outcome(self, number: int) -> bool:
        """Whether line ``number``'s outcome is recorded (a resumed run skips it)."""
        return number in self.delivered or number in self.dead or number in self.skipped

    @property
    def in_flight(self) -> set[int]:
        """Lines started but without an outcome: in flight when a run stopped."""
        return {n for n in self.started if not self.has_outcome(n)}

    @property
    def dead_letter_size(self) -> int:
        """The dead-letter file's size after the last letter recorded here."""
        return max((end for end in self.dead.values() if end is not None), default=0)

    def forget_letters_beyond(self, size: int) -> None:
        """Drop dead-letter outcomes whose letter lies past ``size`` bytes (a file that lost
        its unsynced end in a power cut): those lines are sent again."""
        self.dead = {n: end for n, end in self.dead.items() if end is None or end <= size}

    def check(self, *, account: str, dead_letter: str | None) -> None:
        """CheckpointError unless this checkpoint may be resumed against ``account`` with
        the dead letters going to ``dead_letter`` (compared as absolute paths)."""
        if self.header.account != account:
            raise CheckpointError(
                f"the checkpoint {self.path} was written for the account "
                f"{self.header.account}, not {account}: its outcomes say nothing about this "
                "account (start over with --restart to send every event to it)"
            )
        if self.header.dead_letter != dead_letter:
            recorded = self.header.dead_letter or "none (undelivered events were printed)"
            raise CheckpointError(
                f"the checkpoint {self.path} wrote its dead letters to {recorded}; resume "
                "with the same --dead-letter so that file stays complete"
            )


def _header(path: str, record: Any) -> CheckpointHeader:
    if not isinstance(record, dict) or record.get("checkpoint") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"{path} is not a checkpoint written by rudder-activecampaign send "
            f"(format {CHECKPOINT_FORMAT})"
        )
    try:
        return CheckpointHeader(
            events=str(record["events"]),
            account=str(record["account"]),
            dead_letter=record["dead_letter"],
            created=str(record["created"]),
        )
    except KeyError as exc:
        raise CheckpointError(f"{path}: the checkpoint header lacks {exc.args[0]!r}") from None


def _apply(state: CheckpointState, record: dict[str, Any]) -> None:
    if "ok" in record:
        state.delivered.add(record["ok"])
    elif "start" in record:
        state.started.add(record["start"])
    elif "again" in record:
        state.started.discard(record["again"])
    elif "dead" in record:
        state.dead[record["dead"]] = record.get("dead_letter_end")
    elif "skip" in record:
        state.skipped.add(record["skip"])
    elif "read" in record:
        read = record["read"]
        state.mark = ReadMark(read["line"], read["end"], read["sha256"])
    elif "run" in record:
        state.runs += 1
        state.finished = False
    elif "end" in record:
        state.finished = True
    elif "stop" not in record:
        raise ValueError(f"unknown record {sorted(record)}")


def _refuse_constant(literal: str) -> Any:
    raise ValueError(f"{literal} is not strict JSON")


def load_checkpoint(path: str) -> CheckpointState:
    """Read a checkpoint; CheckpointError if there is none or it is not one. A torn last
    line (a crash mid-write) is ignored: ``length`` stops before it."""
    try:
        with open(path, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise CheckpointError(f"{path} is not a regular file: not a checkpoint")
            data = stream.read()
    except FileNotFoundError:
        raise CheckpointError(
            f"there is no checkpoint {path} to resume from (run without --resume to start, "
            "or name the checkpoint with --checkpoint)"
        ) from None
    except OSError as exc:
        raise CheckpointError(f"cannot read the checkpoint {path}: {exc.strerror}") from None
    length = data.rfind(b"\n") + 1  # whole lines only
    lines = data[:length].splitlines()
    if not lines:
        raise CheckpointError(f"the checkpoint {path} is empty: there is nothing to resume")
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    try:
        state = CheckpointState(path, _header(path, decoder.decode(lines[0].decode("ascii"))))
        for number, raw in enumerate(lines[1:], start=2):
            record = decoder.decode(raw.decode("ascii"))
            if not isinstance(record, dict):
                raise ValueError(f"line {number} is not an object")
            _apply(state, record)
    except CheckpointError:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"the checkpoint {path} is damaged ({exc})") from None
    state.length = length
    return state


class Checkpoint(AppendOnlyFile):
    """Appends records to a checkpoint file, each whole with one write. Thread-safe."""

    @classmethod
    def create(cls, path: str, header: CheckpointHeader) -> Checkpoint:
        """A new checkpoint (replacing any file there), its header durable."""
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        except OSError as exc:
            raise RecordingError(path, exc) from None
        checkpoint = cls(path, fd)
        checkpoint._append(header.record())
        checkpoint.sync()
        sync_directory(path)
        return checkpoint

    @classmethod
    def reopen(cls, state: CheckpointState) -> Checkpoint:
        """Append to the checkpoint ``state`` was loaded from, cutting any torn last line."""
        try:
            fd = os.open(state.path, os.O_WRONLY)
            os.ftruncate(fd, state.length)
            os.lseek(fd, state.length, os.SEEK_SET)
        except OSError as exc:
            raise RecordingError(state.path, exc) from None
        return cls(state.path, fd)

    def _append(self, record: dict[str, Any]) -> None:
        data = json_line(record)
        with self._lock:
            self._write(data)

    def run_started(self, *, resume: bool) -> None:
        """A run begins (resuming or not)."""
        self._append({"run": {"started": _now(), "resume": resume}})

    def read(self, mark: ReadMark) -> None:
        """The input has been read up to ``mark``; written before those lines are sent."""
        self._append({"read": {"line": mark.line, "end": mark.end, "sha256": mark.sha256}})

    def started(self, number: int) -> None:
        """Line ``number`` is about to send its first request."""
        self._append({"start": number})

    def delivered(self, number: int) -> None:
        """Line ``number`` was delivered."""
        self._append({"ok": number})

    def dead(self, number: int, result: DeliveryResult, dead_letter_end: int | None) -> None:
        """Line ``number`` was not delivered; its letter ends at ``dead_letter_end``."""
        self._append(
            {
                "dead": number,
                "status_code": result.status_code,
                "retryable": result.retryable,
                "maybe_applied": result.maybe_applied,
                "field": result.field,
                "error": result.error,
                "dead_letter_end": dead_letter_end,
            }
        )

    def not_applied(self, number: int) -> None:
        """Line ``number`` started but certainly changed nothing (refused for the
        configuration, or halted before its first request): send it again on resume."""
        self._append({"again": number})

    def skipped(self, number: int) -> None:
        """Line ``number`` was left out on purpose (it may already be recorded)."""
        self._append({"skip": number})

    def stopped(self, reason: str, line: int) -> None:
        """The run stopped early, after reading up to ``line``."""
        self._append({"stop": {"at": _now(), "reason": reason, "line": line}})

    def finished(self, line: int) -> None:
        """The run read its whole input, up to ``line``."""
        self._append({"end": {"at": _now(), "line": line}})
