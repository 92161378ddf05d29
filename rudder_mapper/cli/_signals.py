"""SIGINT and SIGTERM: before a run, exit at once (nothing sent yet); during it, stop.

During a run the first signal asks it to stop (stop reading, no new event starts, those
in flight get the grace period); a second one aborts them. The exit code is the shell's
convention for the signal: 130 for SIGINT, 143 for SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from rich.console import Console

from ..run import DeliveryRun

__all__ = ["SIGNALS", "Interrupted", "exit_code", "interrupts_raise", "run_until_stopped"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(Exception):
    """A signal arrived before the run began: nothing was sent."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum: int = signum


def exit_code(signal_name: str) -> int:
    """The shell's exit code for a process ended by ``signal_name``: 128 + its number."""
    return 128 + int(signal.Signals[signal_name])


@contextmanager
def interrupts_raise() -> Iterator[None]:
    """While inside, SIGINT and SIGTERM raise ``Interrupted`` (previous handlers restored)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, action in previous.items():
            signal.signal(sig, action)


def run_until_stopped(
    run: DeliveryRun, close: Callable[[], Awaitable[None]], console: Console
) -> None:
    """``run.run()`` on a new event loop with the signals asking it to stop; ``close``
    (the destination's ``aclose``) runs on that loop at the end, whatever happens."""

    def on_signal(name: str) -> None:
        if run.stop_reason is None:
            console.print(
                f"{name}: stopping — no new events; waiting up to {run.grace:g} s for those "
                "in flight (signal again to abort them)",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        run.request_stop(name)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
        for sig in SIGNALS:
            loop.add_signal_handler(sig, on_signal, sig.name)
        try:
            await run.run()
        finally:
            for sig, action in previous.items():
                loop.remove_signal_handler(sig)
                signal.signal(sig, action)
            await close()

    asyncio.run(main())
