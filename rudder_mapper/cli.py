"""``rudder-activecampaign``: replay RudderStack JSONL event files into ActiveCampaign.

Exit codes: 0 every event delivered; 1 some events rejected or failed (see the
dead-letter file); 2 usage or configuration error.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

from activecampaign_client import ActiveCampaignError

from ._prepare import prepare
from .destination import AsyncActiveCampaignDestination
from .pipeline import DEFAULT_BATCH_SIZE, DeadLetterWriter, Summary, parse_lines, run_stream
from .report import render_problems, render_summary
from .results import DeliveryResult

__all__ = ["app", "build_destination", "main"]

app: typer.Typer = typer.Typer(
    name="rudder-activecampaign",
    help="Deliver RudderStack events (JSON lines) to ActiveCampaign.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would include the API key
)
out: Console = Console()
err: Console = Console(stderr=True)

ENV_KEYS = {
    "apiUrl": "ACTIVECAMPAIGN_API_URL",
    "apiKey": "ACTIVECAMPAIGN_API_KEY",
    "actid": "ACTIVECAMPAIGN_ACTID",
    "eventKey": "ACTIVECAMPAIGN_EVENT_KEY",
}

EventsArg = Annotated[
    str, typer.Argument(help="JSONL file of RudderStack messages, or - for stdin.")
]
DeadLetterOpt = Annotated[
    Path | None,
    typer.Option("--dead-letter", help="Write every undelivered event here (JSONL, replayable)."),
]
BatchOpt = Annotated[int, typer.Option(min=1, help="Events delivered per batch.")]
ConcurrencyOpt = Annotated[int, typer.Option(min=1, help="Users whose events run at once.")]
BulkOpt = Annotated[
    int,
    typer.Option(min=0, help="Identify events per batch that switch to bulk import (0: never)."),
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(2)


def build_destination(config: Mapping[str, Any]) -> AsyncActiveCampaignDestination:
    """The destination ``send`` delivers to, from RudderStack's config keys.

    The one place ``send`` meets the network: tests replace it with a destination wired to
    ``activecampaign_client.testing.ActiveCampaignEmulator``.
    """
    return AsyncActiveCampaignDestination.from_config(config)


def _load_config(path: Path | None) -> dict[str, Any]:
    if path is None:
        config = {key: os.environ[env] for key, env in ENV_KEYS.items() if os.environ.get(env)}
        if "apiUrl" not in config or "apiKey" not in config:
            raise _fail(
                "no account configured: pass --config dest.json (RudderStack's apiUrl, apiKey, "
                "actid, eventKey) or set ACTIVECAMPAIGN_API_URL and ACTIVECAMPAIGN_API_KEY "
                "(and ACTIVECAMPAIGN_ACTID / ACTIVECAMPAIGN_EVENT_KEY for track events)"
            )
        return config
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(f"cannot read config {path}: {exc.strerror}") from None
    except ValueError:
        raise _fail(f"config {path} is not valid JSON") from None
    if not isinstance(loaded, dict):
        raise _fail(f"config {path} must be a JSON object with apiUrl, apiKey, actid, eventKey")
    return loaded


def _open_events(stack: ExitStack, events: str) -> tuple[IO[str], int | None]:
    # UTF-8 with an optional byte-order mark; undecodable bytes become U+FFFD, so such a
    # line is reported (and dead-lettered) instead of stopping the run.
    if events == "-":
        if isinstance(sys.stdin, io.TextIOWrapper):
            sys.stdin.reconfigure(encoding="utf-8-sig", errors="replace")
        return sys.stdin, None
    path = Path(events)
    try:
        stream = stack.enter_context(path.open(encoding="utf-8-sig", errors="replace"))
    except OSError as exc:
        raise _fail(f"cannot read {events}: {exc.strerror}") from None
    return stream, path.stat().st_size


def _same_file(path: Path, events: str) -> bool:
    return events != "-" and path.exists() and Path(events).exists() and path.samefile(events)


def _open_dead_letter(stack: ExitStack, path: Path | None, events: str) -> DeadLetterWriter:
    if path is None:
        return DeadLetterWriter(None)
    if _same_file(path, events):
        raise _fail(
            f"--dead-letter {path} is the events file itself: it would be emptied before it "
            "is read; write the dead letters to another file"
        )
    try:
        return DeadLetterWriter(stack.enter_context(path.open("w", encoding="utf-8")))
    except OSError as exc:
        raise _fail(f"cannot write dead-letter file {path}: {exc.strerror}") from None


def _with_progress(stream: IO[str], size: int | None, progress: Progress) -> Iterator[str]:
    task = progress.add_task("delivering", total=size)
    for line in stream:
        yield line
        progress.advance(task, len(line))


def deliver_stream(
    destination: AsyncActiveCampaignDestination,
    stream: IO[str],
    size: int | None,
    dead_letter: DeadLetterWriter,
    *,
    batch_size: int,
    skip_ambiguous: bool = False,
) -> Summary:
    """Run the pipeline with a progress bar on stderr (hidden when it is not a terminal)."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )

    async def run() -> Summary:
        try:
            return await run_stream(
                destination,
                _with_progress(stream, size, progress),
                dead_letter=dead_letter,
                batch_size=batch_size,
                skip_ambiguous=skip_ambiguous,
            )
        finally:
            await destination.aclose()

    with progress:
        return asyncio.run(run())


def _dry_run(stream: IO[str], dead_letter: DeadLetterWriter) -> int:
    planned = rejected = 0
    for line in parse_lines(stream):
        outcome = line.problem or prepare(line.message)
        if isinstance(outcome, DeliveryResult):
            rejected += 1
            dead_letter.write(line, outcome)
            out.print(
                f"line {line.number}: [red]rejected[/red] {escape(outcome.error or '')}",
                highlight=False,
            )
            continue
        planned += 1
        for call in outcome.plan.describe():
            out.print(f"line {line.number}: {call}", markup=False, highlight=False)
        for warning in outcome.plan.warnings:
            out.print(
                f"line {line.number}: [yellow]warning[/yellow] {escape(warning)}", highlight=False
            )
    out.print(f"dry run: {planned} events planned, {rejected} rejected, nothing sent")
    return 0 if rejected == 0 else 1


@app.command()
def send(
    events: EventsArg,
    config: Annotated[
        Path | None,
        typer.Option(help="JSON file with RudderStack's apiUrl, apiKey, actid, eventKey."),
    ] = None,
    dead_letter: DeadLetterOpt = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Map and validate only; send nothing.")
    ] = False,
    batch_size: BatchOpt = DEFAULT_BATCH_SIZE,
    concurrency: ConcurrencyOpt = 8,
    bulk_threshold: BulkOpt = 10,
    skip_ambiguous: Annotated[
        bool,
        typer.Option(
            "--skip-ambiguous",
            help="Replaying dead letters: leave out track events trackcmp may already have "
            "recorded (at most once); by default they are sent again (at least once).",
        ),
    ] = False,
) -> None:
    """Deliver the events of a JSONL file to a real ActiveCampaign account."""
    with ExitStack() as stack:
        stream, size = _open_events(stack, events)
        if dry_run:
            raise typer.Exit(_dry_run(stream, _open_dead_letter(stack, dead_letter, events)))
        # Configuration first: a configuration error must not empty an earlier dead-letter file.
        try:
            destination = build_destination(_load_config(config))
        except ActiveCampaignError as exc:
            raise _fail(str(exc)) from None
        try:
            letters = _open_dead_letter(stack, dead_letter, events)
        except typer.Exit:
            asyncio.run(destination.aclose())
            raise
        destination.max_concurrency = concurrency
        destination.bulk_threshold = bulk_threshold
        summary = deliver_stream(
            destination,
            stream,
            size,
            letters,
            batch_size=batch_size,
            skip_ambiguous=skip_ambiguous,
        )
    render_problems(out, summary)
    render_summary(out, summary, simulated=False)
    if dead_letter is not None and letters.written:
        out.print(f"{letters.written:,} undelivered events written to {dead_letter}", markup=False)
    raise typer.Exit(summary.exit_code)


@app.command()
def demo(
    events: Annotated[
        Path | None, typer.Option(help="Events to replay instead of the bundled sample file.")
    ] = None,
    dead_letter: DeadLetterOpt = None,
    show: Annotated[int, typer.Option(min=0, help="Contacts to list in the state tables.")] = 12,
) -> None:
    """Replay the bundled sample events against the in-process emulator and show the result."""
    from .demo import run_demo

    if events is not None and dead_letter is not None and _same_file(dead_letter, str(events)):
        raise _fail(f"--dead-letter {dead_letter} is the events file itself; choose another file")
    try:
        code = run_demo(out, events=events, dead_letter_path=dead_letter, show=show)
    except OSError as exc:
        raise _fail(f"cannot open {exc.filename}: {exc.strerror}") from None
    raise typer.Exit(code)


def main() -> None:
    """Console-script entry point."""
    app()
