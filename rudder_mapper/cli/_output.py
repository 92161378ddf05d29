"""How the command line writes, in one place: for a terminal, or for a pipe or a file.

Every command prints through ``out`` (stdout) and ``err`` (stderr), or a console made by
``console()``. They are ``StreamConsole``s: rich consoles that look at their stream each
time they print.

- **A terminal**: rich as usual — colours, tables fitted to the terminal's width, long
  text wrapped to it.
- **Anything else** (a pipe, a file, a CI log): nothing is ever wrapped. Each record is one
  line however long, and tables are drawn at their natural width, one row per line, so
  ``grep``, ``wc -l`` and ``cut`` see what was printed. No colours unless forced
  (``FORCE_COLOR``); ``COLUMNS`` is ignored there (it describes a terminal, and a pipe has
  none).

``say()`` prints one line of plain text (never markup: event data may hold ``[`` and
``]``), ``print_table()`` a table, ``print_json()`` a JSON object as one line straight to
stdout. ``OutputMode`` is what ``--quiet`` and ``--json`` ask for.
"""

from __future__ import annotations

import enum
import json
from typing import Any

from rich.console import Console, ConsoleDimensions
from rich.table import Table

__all__ = [
    "UNWRAPPED_WIDTH",
    "OutputMode",
    "StreamConsole",
    "console",
    "err",
    "out",
    "print_json",
    "print_table",
    "say",
]

UNWRAPPED_WIDTH = 100_000
"""The width a console assumes when it does not write to a terminal: wide enough that no
table or line the CLI prints reaches it (and plain text is soft-wrapped, i.e. never cut)."""


class StreamConsole(Console):
    """A rich console that renders for a terminal when its stream is one, and never wraps
    otherwise (see the module's docstring).

    Decided at each print, not at creation: the stream may be replaced in between (a test
    runner capturing output, a redirected ``sys.stdout``).
    """

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size on a terminal; ``UNWRAPPED_WIDTH`` columns otherwise."""
        dimensions = super().size
        if self.is_terminal:
            return dimensions
        return ConsoleDimensions(UNWRAPPED_WIDTH, dimensions.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        self.width, self.height = new_size

    @property
    def soft_wrap(self) -> bool:
        """Whether plain text is printed unwrapped: always when not on a terminal."""
        return self._soft_wrap_asked or not self.is_terminal

    @soft_wrap.setter
    def soft_wrap(self, value: bool) -> None:
        self._soft_wrap_asked: bool = value


def console(*, stderr: bool = False) -> StreamConsole:
    """A new console on stdout (or stderr), rendering as the module's docstring says."""
    return StreamConsole(stderr=stderr)


out: StreamConsole = console()
"""The console of stdout: reports, tables, the one-line outcome, JSON."""
err: StreamConsole = console(stderr=True)
"""The console of stderr: errors, warnings, progress, undelivered events without a file."""


def say(target: Console, text: str) -> None:
    """Print ``text`` as it is (no markup, no highlighting), unwrapped."""
    target.print(text, markup=False, highlight=False, soft_wrap=True)


def print_table(target: Console, table: Table) -> None:
    """Print ``table``: fitted to a terminal, at its natural width anywhere else."""
    target.print(table)


def print_json(document: Any) -> None:
    """Write ``document`` to stdout as one line of JSON (through ``out``'s stream, so it
    follows any redirection of ``sys.stdout``), flushed."""
    stream = out.file
    stream.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
    stream.flush()


class OutputMode(enum.Enum):
    """What a command prints, as ``--quiet`` and ``--json`` ask.

    ``NORMAL``: the full report on stdout. ``QUIET``: one line on stdout, the outcome;
    errors and warnings still on stderr. ``JSON``: exactly one JSON object on stdout (the
    summary), everything else on stderr.
    """

    NORMAL = "normal"
    QUIET = "quiet"
    JSON = "json"

    @classmethod
    def from_flags(cls, *, quiet: bool, json: bool) -> OutputMode:
        """The mode for ``--quiet`` / ``--json`` (``--json`` wins: it is quiet already)."""
        if json:
            return cls.JSON
        return cls.QUIET if quiet else cls.NORMAL

    @property
    def report(self) -> bool:
        """Whether the full human report (tables, planned calls) is printed."""
        return self is OutputMode.NORMAL
