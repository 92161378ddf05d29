"""The typer app every command registers on, ``--version``, the exit codes, and ``fail``.

``out`` and ``err`` are the consoles of ``_output`` (re-exported here for the commands
that import them from this module).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from .. import __version__
from ._output import err, out

__all__ = [
    "EXIT_CODES_HELP",
    "EXIT_CONFIG",
    "EXIT_OK",
    "EXIT_RECORDING",
    "EXIT_UNDELIVERED",
    "Failure",
    "app",
    "err",
    "fail",
    "out",
]

EXIT_OK = 0
EXIT_UNDELIVERED = 1
EXIT_CONFIG = 2
EXIT_RECORDING = 3

EXIT_CODES_HELP = (
    "Exit codes (send and demo alike): 0 every event delivered; 1 some events undelivered "
    "(all in the dead-letter file); 2 usage or configuration error, including one found "
    "mid-run (a refused API key: fix it, then --resume); 3 outcomes could not be recorded "
    "(disk full): the run stopped at once, --resume continues once space is freed; "
    "130 / 143 stopped by SIGINT / SIGTERM (--resume continues)."
)

app: typer.Typer = typer.Typer(
    name="rudder-activecampaign",
    help="Deliver RudderStack events (JSON lines) to ActiveCampaign.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would include the API key
)


def _print_version(value: bool) -> None:
    if value:
        out.print(f"rudder-activecampaign {__version__}", markup=False, highlight=False)
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print the installed version and exit.",
        ),
    ] = False,
) -> None:
    """Options before the command (``--version``)."""


class Failure(typer.Exit):
    """An expected failure already explained on stderr: exit with ``exit_code``.

    ``message`` is what was printed (a command asked for ``--json`` puts it in its summary).
    """

    def __init__(self, message: str, code: int) -> None:
        super().__init__(code)
        self.message: str = message


def fail(message: str, code: int = EXIT_CONFIG) -> Failure:
    """Print ``error: message`` on stderr; the Exit to raise (2 unless told otherwise)."""
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return Failure(message, code)
