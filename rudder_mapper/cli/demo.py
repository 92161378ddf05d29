"""``rudder-activecampaign demo``: the bundled sample through the pipeline, on the
in-process emulator, then the account's state.

Its exit codes are ``send``'s: 0 every event delivered, 1 some undelivered, 2 a usage error
(a file that cannot be opened), 3 dead letters that could not be written. The bundled
sample holds a few deliberately broken lines, to show how rejections are reported: their
rejection is the demonstration, not a failure, so they alone do not make it exit 1 (a
file given with ``--events`` has no such exception).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ._app import (
    EXIT_CODES_HELP,
    EXIT_OK,
    EXIT_RECORDING,
    EXIT_UNDELIVERED,
    Failure,
    app,
    err,
    fail,
    out,
)
from ._json_summary import error_summary, problems, run_counts
from ._output import OutputMode, print_json, say
from ._paths import same_file

if TYPE_CHECKING:
    from ..demo import DemoRun

__all__ = ["demo"]


@app.command(
    help="Replay the bundled sample events (or --events FILE) into the in-process "
    "emulator and show the result.\n\n" + EXIT_CODES_HELP
)
def demo(
    events: Annotated[
        Path | None, typer.Option(help="Events to replay instead of the bundled sample file.")
    ] = None,
    dead_letter: Annotated[
        Path | None,
        typer.Option(
            "--dead-letter", help="Write every undelivered event here (JSONL, replayable)."
        ),
    ] = None,
    show: Annotated[int, typer.Option(min=0, help="Contacts to list in the state tables.")] = 12,
    quiet: Annotated[
        bool,
        typer.Option("--quiet", "-q", help="Print only the outcome, in one line; no tables."),
    ] = False,
    json_summary: Annotated[
        bool,
        typer.Option("--json", help="Print exactly one JSON object on stdout, the run's summary."),
    ] = False,
) -> None:
    """Replay the bundled sample events against the in-process emulator and show the result."""
    mode = OutputMode.from_flags(quiet=quiet, json=json_summary)
    try:
        code = _demo(events, dead_letter, show, mode)
    except Failure as exc:
        if mode is OutputMode.JSON:
            print_json(error_summary("demo", exc.exit_code, exc.message))
        raise
    raise typer.Exit(code)


def _demo(events: Path | None, dead_letter: Path | None, show: int, mode: OutputMode) -> int:
    # Imported here: the emulator is for this command only, not every send's start-up.
    from ..demo import render_state, replay_demo
    from ..report import render_problems, render_summary

    if events is not None and dead_letter is not None and same_file(dead_letter, events):
        raise fail(f"--dead-letter {dead_letter} is the events file itself; choose another file")
    try:
        run = replay_demo(events, dead_letter_path=dead_letter)
    except OSError as exc:
        raise fail(f"cannot open {exc.filename}: {exc.strerror}") from None
    if run.failure is not None:
        code = EXIT_RECORDING
        say(err, f"error: outcomes could not be recorded: {run.failure.strerror}")
    else:
        code = EXIT_UNDELIVERED if run.unexpected else EXIT_OK
    summary = run.summary
    if mode is OutputMode.NORMAL:
        out.print(f"Replayed {run.source.name} into the ActiveCampaign emulator", style="bold")
        render_state(out, run.emulator, show=show)
        render_problems(out, summary, where=str(dead_letter) if dead_letter else "the table")
        render_summary(out, summary, simulated=True)
        say(out, f"429 answers from the emulator's rate limit: {run.rate_limited}")
        if run.expected and not run.unexpected:
            say(out, _expected_note(run.expected))
    elif mode is OutputMode.QUIET:
        line = (
            f"demo: {summary.events:,} events: {summary.delivered:,} delivered, "
            f"{summary.undelivered:,} undelivered"
        )
        if run.expected:
            line += f" ({len(run.undelivered & run.expected)} of them the sample's broken lines)"
        say(out, f"{line}; {summary.simulated_seconds or 0:.1f} s on the emulator's clock")
    else:
        print_json(_json(run, dead_letter, code))
    return code


def _expected_note(expected: frozenset[int]) -> str:
    lines = ", ".join(str(n) for n in sorted(expected))
    return f"the sample's lines {lines} are broken on purpose: their rejection is expected"


def _json(run: DemoRun, dead_letter: Path | None, code: int) -> dict[str, Any]:
    return {
        "command": "demo",
        "exit_code": code,
        **run_counts(run.summary),
        "simulated_seconds": round(run.summary.simulated_seconds or 0.0, 3),
        "rate_limited": run.rate_limited,
        "input": str(run.source),
        "expected_rejections": sorted(run.expected),
        "dead_letter": str(dead_letter)
        if dead_letter is not None and dead_letter.exists()
        else None,
        "error": None if run.failure is None else str(run.failure.strerror),
        "problems": problems(run.summary),
        "contacts": len(run.emulator.contacts()),
        "tracked_events": len(run.emulator.tracked_events),
    }
