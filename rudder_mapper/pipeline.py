"""Streaming JSONL event lines through a destination, with a dead-letter stream.

The in-memory form of ``rudder_mapper.run`` (which holds the whole machinery: strict line
parsing, durable dead-letter files, the checkpoint to resume): lines are given as text,
dead letters go to a text stream, and nothing is journaled. ``send`` unwraps dead-letter
lines, so a dead-letter file can be replayed as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .destination import AsyncActiveCampaignDestination
from .run import DEFAULT_BATCH_SIZE, DeadLetterWriter, DeliveryRun, Line, Summary, parse_line

__all__ = ["DEFAULT_BATCH_SIZE", "DeadLetterWriter", "Line", "Summary", "parse_lines", "run_stream"]


def parse_lines(lines: Iterable[str | bytes]) -> Iterator[Line]:
    """Decode JSONL lazily; blank lines are skipped (their numbers are not reused)."""
    for number, text in enumerate(lines, start=1):
        line = parse_line(number, text)
        if line is not None:
            yield line


async def run_stream(
    destination: AsyncActiveCampaignDestination,
    lines: Iterable[str | bytes],
    *,
    dead_letter: DeadLetterWriter,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
    skip_ambiguous: bool = False,
) -> Summary:
    """Deliver every line; count results and dead-letter what was not delivered.

    A configuration fault does not stop the stream: the destination's breaker answers the
    events needing it without requests, and they are dead-lettered with the fault.
    ``on_batch`` is called with the number of lines each batch held.
    ``skip_ambiguous``: when replaying dead letters, leave out the track events trackcmp may
    already have recorded (``maybe_applied``): at most once instead of at least once.
    """
    previous = 0

    def batch_done(last: Line) -> None:
        nonlocal previous
        if on_batch is not None:
            on_batch(run.summary.events - previous)
        previous = run.summary.events

    run = DeliveryRun(
        destination,
        parse_lines(lines),
        dead_letters=dead_letter,
        batch_size=batch_size,
        skip_ambiguous=skip_ambiguous,
        stop_on_config_fault=False,
        on_batch=batch_done,
    )
    return await run.run()
