"""A progress bar on stderr over the bytes read, hidden unless stderr is a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

__all__ = ["byte_progress"]


@contextmanager
def byte_progress(console: Console, total: int | None) -> Iterator[Callable[[int], None]]:
    """A bar of ``total`` bytes (None: unknown); yields ``advance(offset)``."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task("delivering", total=total)

    def advance(offset: int) -> None:
        progress.update(task, completed=offset)

    with progress:
        yield advance
