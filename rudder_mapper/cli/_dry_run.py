"""``send --dry-run``: map and validate every line, print the planned calls, send nothing."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from rich.markup import escape

from .._prepare import prepare
from ..results import DeliveryResult
from ..run import DeadLetterFile, LineReader, RecordingError
from ._app import EXIT_OK, EXIT_RECORDING, EXIT_UNDELIVERED, err, fail, out
from ._paths import SendPaths, open_events

__all__ = ["dry_run_events"]


def dry_run_events(paths: SendPaths, dead_letter: Path | None, max_line_bytes: int) -> int:
    """Plan every line; 0 when all are deliverable. Dead letters only to ``dead_letter``
    when given (a dry run writes nothing unasked)."""
    with ExitStack() as stack:
        stream, _ = open_events(stack, paths)
        letters = None
        if dead_letter is not None:
            try:
                letters = DeadLetterFile.create(str(dead_letter), source=paths.events)
            except OSError as exc:
                raise fail(f"cannot write dead-letter file {dead_letter}: {exc.strerror}") from None
            stack.callback(letters.close)
        planned = rejected = 0
        try:
            for line in LineReader(stream, max_line_bytes=max_line_bytes):
                outcome = line.problem or prepare(line.message)
                if isinstance(outcome, DeliveryResult):
                    rejected += 1
                    if letters is not None:
                        letters.write(line, outcome)
                    out.print(
                        f"line {line.line}: [red]rejected[/red] {escape(outcome.error or '')}",
                        highlight=False,
                    )
                    continue
                planned += 1
                for call in outcome.plan.describe():
                    out.print(f"line {line.line}: {call}", markup=False, highlight=False)
                for warning in outcome.plan.warnings:
                    out.print(
                        f"line {line.line}: [yellow]warning[/yellow] {escape(warning)}",
                        highlight=False,
                    )
        except RecordingError as exc:
            err.print(f"error: {exc.strerror}", markup=False, soft_wrap=True)
            return EXIT_RECORDING
        except OSError as exc:
            raise fail(f"cannot read {paths.events}: {exc.strerror or exc}") from None
        if letters is not None:
            letters.remove_if_empty()  # nothing rejected, no file
    out.print(f"dry run: {planned} events planned, {rejected} rejected, nothing sent")
    return EXIT_OK if rejected == 0 else EXIT_UNDELIVERED
