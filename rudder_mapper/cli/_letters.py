"""Undelivered events when there is no dead-letter file (stdin): each printed on stderr."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..results import DeliveryResult
from ..run import Line

__all__ = ["PrintedLetters"]


class PrintedLetters:
    """A dead-letter sink that prints each undelivered event's line and reason."""

    def __init__(self, console: Console) -> None:
        self.console: Console = console
        self.written: int = 0

    def write(self, line: Line, result: DeliveryResult) -> int | None:
        """Print ``undelivered line N (status, retry?): reason``."""
        retry = "retryable" if result.retryable else "not retryable"
        text = f"undelivered line {line.line} ({result.status_code}, {retry}): {result.error}"
        self.console.print(Text(text), soft_wrap=True)  # event data, never markup
        self.written += 1
        return None

    def sync(self) -> None:
        """Nothing to sync: the console writes as it goes."""
