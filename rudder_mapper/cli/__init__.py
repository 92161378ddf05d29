"""``rudder-activecampaign``: replay RudderStack JSONL event files into ActiveCampaign.

One module per command (``send``, ``demo``, ``emulator``; ``service`` for the PostgreSQL
service's), each registering itself on the shared ``app`` (``_app``); ``main`` is the
console script. Exit codes: 0 every event delivered; 1 some undelivered (all in the
dead-letter file); 2 usage or configuration error, also one found mid-run; 3 outcomes
could not be recorded; 130/143 stopped by SIGINT/SIGTERM.
"""

from __future__ import annotations

from . import demo, emulator, send, service
from ._app import app

__all__ = ["app", "demo", "emulator", "main", "send", "service"]


def main() -> None:
    """Console-script entry point."""
    app()
