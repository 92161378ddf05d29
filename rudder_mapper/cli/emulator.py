"""``rudder-activecampaign emulator``: an emulated account over HTTP on loopback.

For trying ``send`` end to end without an account: it prints the destination config to
use (JSON, alone on stdout, so ``... emulator > dest.json &`` works) and serves until
SIGINT or SIGTERM. The account has the sample events' fields, lists and tag, fresh random
keys, the real clock and ActiveCampaign's 5 requests/second.
"""

from __future__ import annotations

import json
import secrets
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from ._app import app, err, fail, out

__all__ = ["emulator"]


@app.command()
def emulator(
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free one).")
    ] = 0,
    host: Annotated[str, typer.Option(help="Loopback address to listen on.")] = "127.0.0.1",
    rate_limit: Annotated[
        float, typer.Option(min=0.1, help="Requests per second the account allows (429 beyond).")
    ] = 5.0,
) -> None:
    """Serve an emulated ActiveCampaign account (API and event tracking) on loopback; print
    the config for send --config; stop with Ctrl-C or SIGTERM."""
    # Imported here: the emulator is for this command only, not every send's start-up.
    from activecampaign_client.testing import EmulatorServer

    from ..demo import seed_demo_account

    try:
        server = EmulatorServer(
            host=host,
            port=port,
            api_key=secrets.token_hex(20),
            actid=str(secrets.randbelow(9 * 10**8) + 10**8),
            event_key=secrets.token_hex(20),
            rate_limit=rate_limit,
        )
    except (OSError, ValueError) as exc:
        raise fail(
            f"cannot serve on {host}:{port}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    seed_demo_account(server.emulator)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        server.start()
        out.print_json(json.dumps(server.config()))
        out.file.flush()
        err.print(
            f"emulated account at {server.url} (event tracking at {server.tracking_url}); "
            "stop with Ctrl-C or SIGTERM",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        while not stop.wait(0.2):
            pass
    finally:
        server.close()
        for sig, action in previous.items():
            signal.signal(sig, action)
    requests = server.emulator.requests
    err.print(
        f"stopped: {len(requests):,} requests served, "
        f"{len(server.emulator.tracked_events):,} events tracked, "
        f"{len(server.emulator.contacts()):,} contacts",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
