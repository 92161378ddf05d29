"""The files ``send`` reads and writes: defaults next to the input, and no two the same.

For a file input the dead letters go to ``FILE.dead-letter.jsonl`` and the checkpoint to
``FILE.checkpoint`` unless named; reading stdin there is no default checkpoint (resuming
needs ``--checkpoint``) and no default dead-letter file (undelivered events are printed).
The dead-letter file may not be the config, the checkpoint or the input, and the
checkpoint not the config or the input: writing either would destroy the other.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ._app import fail

__all__ = ["SendPaths", "open_events", "same_file"]

STDIN = "-"


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (an existing one, or the same path to be)."""
    try:
        if first.exists() and second.exists():
            return first.samefile(second)
    except OSError:
        pass
    return os.path.abspath(first) == os.path.abspath(second)


@dataclass(frozen=True)
class SendPaths:
    """Resolved paths; ``dead_letter`` None means "print them", ``checkpoint`` None means
    "keep no journal" (stdin without ``--checkpoint``)."""

    events: str
    config: Path | None
    dead_letter: Path | None
    checkpoint: Path | None
    dead_letter_given: bool
    checkpoint_given: bool

    @property
    def stdin(self) -> bool:
        """Whether the events come from stdin."""
        return self.events == STDIN

    @classmethod
    def resolve(
        cls,
        events: str,
        *,
        config: Path | None,
        dead_letter: Path | None,
        checkpoint: Path | None,
    ) -> SendPaths:
        """Apply the defaults and refuse colliding paths (exit 2)."""
        stdin = events == STDIN
        paths = cls(
            events=events,
            config=config,
            dead_letter=dead_letter or (None if stdin else Path(events + ".dead-letter.jsonl")),
            checkpoint=checkpoint or (None if stdin else Path(events + ".checkpoint")),
            dead_letter_given=dead_letter is not None,
            checkpoint_given=checkpoint is not None,
        )
        paths._check()
        return paths

    def _check(self) -> None:
        source = None if self.stdin else Path(self.events)
        for option, path, others in (
            (
                "--dead-letter",
                self.dead_letter,
                (
                    ("the events file", source),
                    ("the config", self.config),
                    ("the checkpoint", self.checkpoint),
                ),
            ),
            (
                "--checkpoint",
                self.checkpoint,
                (("the events file", source), ("the config", self.config)),
            ),
        ):
            if path is None:
                continue
            for what, other in others:
                if other is not None and same_file(path, other):
                    raise fail(
                        f"{option} {path} is {what} itself: writing it would destroy "
                        f"{what}; choose another file"
                    )


def open_events(stack: ExitStack, paths: SendPaths) -> BinaryIO:
    """The input as bytes (closed with ``stack``); exits 2 if it cannot be read."""
    if paths.stdin:
        return sys.stdin.buffer
    try:
        return stack.enter_context(open(paths.events, "rb"))
    except OSError as exc:
        raise fail(f"cannot read {paths.events}: {exc.strerror}") from None
