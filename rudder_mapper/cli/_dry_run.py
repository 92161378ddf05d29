"""``send --dry-run``: map and validate every line, print the planned calls, send nothing.

Normally every planned call and every rejected line is printed on stdout, then the count.
With ``--quiet`` only the count (one line), with ``--json`` only the summary object; in
both, a rejected line is printed on stderr unless it goes to a ``--dead-letter`` file, so
it is never lost (the rule ``send`` follows reading stdin).
"""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

from rich.markup import escape

from .._prepare import prepare
from ..results import DeliveryResult
from ..run import DeadLetterFile, LineReader, RecordingError, Summary
from ._app import EXIT_OK, EXIT_RECORDING, EXIT_UNDELIVERED, err, fail, out
from ._json_summary import problems
from ._output import OutputMode, print_json, say
from ._paths import SendPaths, open_events

__all__ = ["dry_run_events"]


def dry_run_events(
    paths: SendPaths, dead_letter: Path | None, max_line_bytes: int, mode: OutputMode
) -> int:
    """Plan every line; 0 when all are deliverable. Dead letters only to ``dead_letter``
    when given (a dry run writes nothing unasked)."""
    started = time.perf_counter()
    report = mode.report
    with ExitStack() as stack:
        stream = open_events(stack, paths)
        letters = None
        if dead_letter is not None:
            try:
                letters = DeadLetterFile.create(str(dead_letter), source=paths.events)
            except OSError as exc:
                raise fail(f"cannot write dead-letter file {dead_letter}: {exc.strerror}") from None
            stack.callback(letters.close)
        counts = Summary()  # planned events count as delivered, rejected ones as rejected
        calls = 0
        try:
            for line in LineReader(stream, max_line_bytes=max_line_bytes):
                outcome = line.problem or prepare(line.message)
                if isinstance(outcome, DeliveryResult):
                    counts.add(line, outcome)
                    if letters is not None:
                        letters.write(line, outcome)
                    if report:
                        out.print(
                            f"line {line.line}: [red]rejected[/red] {escape(outcome.error or '')}",
                            highlight=False,
                        )
                    elif letters is None:
                        say(err, f"line {line.line}: rejected {outcome.error or ''}")
                    continue
                counts.add(line, DeliveryResult.ok(warnings=outcome.plan.warnings))
                planned = outcome.plan.describe()
                calls += len(planned)
                if not report:
                    continue
                for call in planned:
                    out.print(f"line {line.line}: {call}", markup=False, highlight=False)
                for warning in outcome.plan.warnings:
                    out.print(
                        f"line {line.line}: [yellow]warning[/yellow] {escape(warning)}",
                        highlight=False,
                    )
        except RecordingError as exc:
            say(err, f"error: {exc.strerror}")
            if mode is OutputMode.JSON:
                print_json(_summary(counts, calls, paths, dead_letter, EXIT_RECORDING, started))
            return EXIT_RECORDING
        except OSError as exc:
            raise fail(f"cannot read {paths.events}: {exc.strerror or exc}") from None
        if letters is not None:
            letters.remove_if_empty()  # nothing rejected, no file
    code = EXIT_OK if counts.rejected == 0 else EXIT_UNDELIVERED
    if mode is OutputMode.JSON:
        print_json(_summary(counts, calls, paths, dead_letter, code, started))
    else:
        say(
            out,
            f"dry run: {counts.delivered} events planned, {counts.rejected} rejected, nothing sent",
        )
    return code


def _summary(
    counts: Summary,
    calls: int,
    paths: SendPaths,
    dead_letter: Path | None,
    code: int,
    started: float,
) -> dict[str, object]:
    return {
        "command": "send",
        "dry_run": True,
        "exit_code": code,
        "events": counts.events,
        "planned": counts.delivered,
        "rejected": counts.rejected,
        "warnings": counts.warnings,
        "calls": calls,
        "requests": 0,
        "elapsed_seconds": round(time.perf_counter() - started, 3),
        "input": paths.events,
        "dead_letter": str(dead_letter)
        if dead_letter is not None and dead_letter.exists()
        else None,
        "problems": problems(counts),
    }
