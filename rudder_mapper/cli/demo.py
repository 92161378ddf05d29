"""``rudder-activecampaign demo``: the bundled sample through the pipeline, on the
in-process emulator, then the account's state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import app, fail, out
from ._paths import same_file

__all__ = ["demo"]


@app.command()
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
) -> None:
    """Replay the bundled sample events against the in-process emulator and show the result."""
    from ..demo import run_demo

    if events is not None and dead_letter is not None and same_file(dead_letter, events):
        raise fail(f"--dead-letter {dead_letter} is the events file itself; choose another file")
    try:
        code = run_demo(out, events=events, dead_letter_path=dead_letter, show=show)
    except OSError as exc:
        raise fail(f"cannot open {exc.filename}: {exc.strerror}") from None
    raise typer.Exit(code)
