"""``rudder-activecampaign send``: deliver a JSONL file, every outcome journaled to resume.

See ``rudder_mapper.run`` for the machinery and the README ("What a run guarantees") for
the promises: at least once with an in-flight window, exit codes, ``--resume``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, Any

import typer

from activecampaign_client import ActiveCampaignError

from ..destination import AsyncActiveCampaignDestination
from ..run import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_GRACE,
    DEFAULT_MAX_LINE_BYTES,
    Checkpoint,
    CheckpointError,
    CheckpointHeader,
    CheckpointState,
    DeadLetterFile,
    DeadLetterSink,
    DeliveryRun,
    LineReader,
    RecordingError,
    load_checkpoint,
)
from ._app import EXIT_CODES_HELP, EXIT_RECORDING, Failure, app, err, fail
from ._config import load_config
from ._dry_run import dry_run_events
from ._json_summary import error_summary
from ._letters import PrintedLetters
from ._output import OutputMode, print_json, say
from ._paths import SendPaths, open_events
from ._progress import event_progress
from ._report import SendOptions, report_run
from ._signals import Interrupted, exit_code, interrupts_raise, run_until_stopped

__all__ = ["build_destination", "send"]


def build_destination(config: Mapping[str, Any]) -> AsyncActiveCampaignDestination:
    """The destination ``send`` delivers to, from RudderStack's config keys.

    The one place ``send`` meets the network: tests replace it with a destination wired to
    ``activecampaign_client.testing.ActiveCampaignEmulator``.
    """
    return AsyncActiveCampaignDestination.from_config(config)


def _close(destination: AsyncActiveCampaignDestination) -> None:
    asyncio.run(destination.aclose())


def _previous_run(paths: SendPaths, *, resume: bool, restart: bool) -> CheckpointState | None:
    """The checkpoint to resume, or None to start; refuses to overwrite one unasked."""
    checkpoint = paths.checkpoint
    if resume:
        if checkpoint is None:
            raise fail(
                "reading stdin, --resume needs --checkpoint PATH: the checkpoint the first "
                "run was given"
            )
        try:
            return load_checkpoint(str(checkpoint))
        except CheckpointError as exc:
            raise fail(str(exc)) from None
    if checkpoint is not None and checkpoint.is_file() and not restart:
        try:
            state = load_checkpoint(str(checkpoint))
        except CheckpointError:
            raise fail(
                f"{checkpoint} exists and is not a checkpoint of ours: name another file "
                "with --checkpoint, or remove it"
            ) from None
        done = "finished" if state.finished else f"stopped after line {state.mark_line:,}"
        raise fail(
            f"{checkpoint} holds the outcomes of an earlier run ({done}): continue it with "
            "--resume (events with a recorded outcome are not sent again), or start over "
            "with --restart (every event is sent again)"
        )
    return None


def _dead_letters(paths: SendPaths, state: CheckpointState | None) -> DeadLetterSink:
    path = paths.dead_letter
    if path is None:
        return PrintedLetters(err)
    source = "<stdin>" if paths.stdin else paths.events
    try:
        if state is None:
            return DeadLetterFile.create(str(path), source=source)
        actual = path.stat().st_size if path.exists() else 0
        if actual < state.dead_letter_size:
            # The end of the file was lost (a power cut before its fsync): those events
            # get no outcome and are sent again.
            say(
                err,
                f"warning: {path} is shorter than the checkpoint records; the events whose "
                "letters are missing will be sent again",
            )
            state.forget_letters_beyond(actual)
        return DeadLetterFile.resume(str(path), state.dead_letter_size, source=source)
    except CheckpointError as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"cannot write dead-letter file {path}: {exc.strerror}") from None


def _checkpoint(paths: SendPaths, state: CheckpointState | None, account: str) -> Checkpoint | None:
    path = paths.checkpoint
    if path is None:
        return None
    try:
        if state is not None:
            return Checkpoint.reopen(state)
        dead_letter = os.path.abspath(paths.dead_letter) if paths.dead_letter else None
        header = CheckpointHeader(events=paths.events, account=account, dead_letter=dead_letter)
        return Checkpoint.create(str(path), header)
    except RecordingError as exc:
        code = EXIT_RECORDING if exc.errno not in _OPEN_ERRNOS else 2
        raise fail(f"cannot write checkpoint {path}: {exc.reason}", code) from None


_OPEN_ERRNOS = frozenset({2, 13, 20, 21})  # ENOENT, EACCES, ENOTDIR, EISDIR: usage errors


def _settled_before(state: CheckpointState | None) -> int:
    """Events a resumed checkpoint already has an outcome for."""
    if state is None:
        return 0
    return len(state.delivered) + len(state.dead) + len(state.skipped)


def _run(paths: SendPaths, options: SendOptions, mode: OutputMode) -> DeliveryRun:
    with ExitStack() as stack:
        stream = open_events(stack, paths)
        # Configuration before anything is written: a config error must not empty an
        # earlier dead-letter file or replace a checkpoint.
        try:
            destination = build_destination(load_config(paths.config))
        except ActiveCampaignError as exc:
            raise fail(str(exc)) from None
        try:
            destination.max_concurrency = options.concurrency
            destination.bulk_threshold = options.bulk_threshold
            state = _previous_run(paths, resume=options.resume, restart=options.restart)
            account = str(destination.client.config.origin)
            dead_letter = os.path.abspath(paths.dead_letter) if paths.dead_letter else None
            if state is not None:
                state.check(account=account, dead_letter=dead_letter)
            letters = _dead_letters(paths, state)
            checkpoint = _checkpoint(paths, state, account)
        except CheckpointError as exc:
            _close(destination)
            raise fail(str(exc)) from None
        except BaseException:
            _close(destination)
            raise
        reader = LineReader(
            stream,
            max_line_bytes=options.max_line_bytes,
            expect=state.mark if state is not None else None,
        )
        run = DeliveryRun(
            destination,
            reader,
            dead_letters=letters,
            checkpoint=checkpoint,
            resume=state,
            batch_size=options.batch_size,
            skip_ambiguous=options.skip_ambiguous,
            grace=options.grace,
            read_in_thread=True,
        )
        try:
            with event_progress(
                err,
                count_file=None if paths.stdin else paths.events,
                done=_settled_before(state),
                enabled=mode is not OutputMode.QUIET,
            ) as progress:
                run.on_outcome = progress.settled
                run_until_stopped(run, destination.aclose, err)
        except CheckpointError as exc:
            raise fail(str(exc)) from None
        except OSError as exc:
            raise fail(f"cannot read {paths.events}: {exc.strerror or exc}") from None
        finally:
            if isinstance(letters, DeadLetterFile):
                letters.remove_if_empty()  # no undelivered events, no file
                letters.close()
            if checkpoint is not None:
                checkpoint.close()
        return run


@app.command(
    help="Deliver the events of a JSONL file (or - for stdin) to ActiveCampaign, "
    "recording every outcome so a stopped run can --resume.\n\n" + EXIT_CODES_HELP
)
def send(
    events: Annotated[
        str, typer.Argument(help="JSONL file of RudderStack messages, or - for stdin.")
    ],
    config: Annotated[
        Path | None,
        typer.Option(
            help="JSON file with RudderStack's apiUrl, apiKey, actid, eventKey (and "
            "optionally trackingUrl); else ACTIVECAMPAIGN_* variables."
        ),
    ] = None,
    dead_letter: Annotated[
        Path | None,
        typer.Option(
            "--dead-letter",
            help="Where undelivered events go (JSONL, replayable); "
            "default FILE.dead-letter.jsonl; reading stdin, printed unless given.",
        ),
    ] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="The run's journal of outcomes; default FILE.checkpoint; reading "
            "stdin, none unless given."
        ),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue a stopped run: send only the events without a recorded outcome.",
        ),
    ] = False,
    restart: Annotated[
        bool,
        typer.Option(
            "--restart", help="Ignore an earlier run's checkpoint and send every event again."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Map and validate only; send nothing.")
    ] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Events delivered per batch.")] = (
        DEFAULT_BATCH_SIZE
    ),
    concurrency: Annotated[int, typer.Option(min=1, help="Users whose events run at once.")] = 8,
    bulk_threshold: Annotated[
        int,
        typer.Option(
            min=0, help="Identify events per batch that switch to bulk import (0: never)."
        ),
    ] = 10,
    skip_ambiguous: Annotated[
        bool,
        typer.Option(
            "--skip-ambiguous",
            help="Leave out track events trackcmp may already have recorded (dead letters "
            "marked maybe_applied, and on --resume the tracks in flight when the run "
            "stopped): at most once; by default they are sent again (at least once).",
        ),
    ] = False,
    max_line_bytes: Annotated[
        int,
        typer.Option(
            min=1, help="Longest line accepted, in bytes; longer ones are rejected (400)."
        ),
    ] = DEFAULT_MAX_LINE_BYTES,
    grace: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds events in flight get to finish after "
            "SIGINT/SIGTERM (a second signal aborts them).",
        ),
    ] = DEFAULT_GRACE,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Print only the outcome, in one line (errors still go to stderr); "
            "no tables, no planned calls, no progress.",
        ),
    ] = False,
    json_summary: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print exactly one JSON object on stdout, the run's summary (counts, exit "
            "code, files, where it stopped); everything else goes to stderr.",
        ),
    ] = False,
) -> None:
    """Deliver the events of a JSONL file to ActiveCampaign."""
    mode = OutputMode.from_flags(quiet=quiet, json=json_summary)
    try:
        code = _send(
            events,
            config=config,
            dead_letter=dead_letter,
            checkpoint=checkpoint,
            dry_run=dry_run,
            options=SendOptions(
                resume=resume,
                restart=restart,
                batch_size=batch_size,
                concurrency=concurrency,
                bulk_threshold=bulk_threshold,
                skip_ambiguous=skip_ambiguous,
                max_line_bytes=max_line_bytes,
                grace=grace,
            ),
            mode=mode,
        )
    except Failure as exc:
        if mode is OutputMode.JSON:
            print_json(error_summary("send", exc.exit_code, exc.message))
        raise
    raise typer.Exit(code)


def _send(
    events: str,
    *,
    config: Path | None,
    dead_letter: Path | None,
    checkpoint: Path | None,
    dry_run: bool,
    options: SendOptions,
    mode: OutputMode,
) -> int:
    paths = SendPaths.resolve(events, config=config, dead_letter=dead_letter, checkpoint=checkpoint)
    if options.resume and options.restart:
        raise fail("--resume continues a run, --restart starts over: choose one")
    if dry_run:
        if options.resume or options.restart or checkpoint is not None:
            raise fail(
                "--dry-run sends and records nothing: drop --resume, --restart, --checkpoint"
            )
        return dry_run_events(paths, dead_letter, options.max_line_bytes, mode)
    try:
        with interrupts_raise():  # until the run handles them itself
            run = _run(paths, options, mode)
    except Interrupted as exc:
        message = f"{exc}: stopped before any event was sent"
        say(err, message)
        raise Failure(message, exit_code(str(exc))) from None
    return report_run(run, paths, options, mode)
