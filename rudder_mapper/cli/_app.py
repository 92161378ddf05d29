"""The typer app every command registers on, its two consoles, and the exit codes."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.markup import escape

__all__ = [
    "EXIT_CODES_HELP",
    "EXIT_CONFIG",
    "EXIT_OK",
    "EXIT_RECORDING",
    "EXIT_UNDELIVERED",
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
    "Exit codes: 0 every event delivered; 1 some events undelivered (all in the dead-letter "
    "file); 2 usage or configuration error, including one found mid-run (a refused API key: "
    "fix it, then --resume); 3 outcomes could not be recorded (disk full): the run stopped "
    "at once, --resume continues once space is freed; 130 / 143 stopped by SIGINT / SIGTERM "
    "(--resume continues)."
)

app: typer.Typer = typer.Typer(
    name="rudder-activecampaign",
    help="Deliver RudderStack events (JSON lines) to ActiveCampaign.\n\n" + EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals would include the API key
)
out: Console = Console()
err: Console = Console(stderr=True)


def fail(message: str, code: int = EXIT_CONFIG) -> typer.Exit:
    """Print ``error: message`` on stderr; the Exit to raise (2 unless told otherwise)."""
    err.print(f"[red]error:[/red] {escape(message)}", soft_wrap=True)
    return typer.Exit(code)
