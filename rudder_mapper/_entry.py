"""The ``rudder-activecampaign`` console script: the CLI, or how to install it.

The command line needs typer and rich, which only the ``cli`` extra installs; the client, the
emulator and the mapper's library do not, so ``pip install activecampaign-rudder`` leaves them
out. Run on such an install, the script prints one line saying how to get the CLI and exits 2
(a usage error, like the CLI's own) instead of a traceback.
"""

from __future__ import annotations

import sys

__all__ = ["CLI_REQUIREMENTS", "INSTALL_HINT", "main"]

CLI_REQUIREMENTS = frozenset({"typer", "rich"})
"""Top-level modules the CLI imports that the ``cli`` extra provides."""

INSTALL_HINT = 'pip install "activecampaign-rudder[cli]"'
"""The command that installs the CLI's extra."""


def main() -> None:
    """Run the CLI, or explain in one line on stderr that its extra is missing and exit 2."""
    try:
        from .cli import main as cli_main
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").partition(".")[0]
        if missing not in CLI_REQUIREMENTS:
            raise  # a genuinely broken install: let it show
        print(
            f"rudder-activecampaign: the command line needs {missing!r}, which is not installed;"
            f" install the CLI with: {INSTALL_HINT}",
            file=sys.stderr,
        )
        raise SystemExit(2) from None
    cli_main()
