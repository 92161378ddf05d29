"""Streaming JSONL event files through a destination, with a dead-letter file.

Lines are read lazily and delivered in batches, so memory stays flat however large the
file. Every line that is not delivered — bad JSON, not an object, rejected or failed
events — is written to the dead-letter file as ``{"dead_letter": {...}, "message": ...}``;
``send`` unwraps such lines, so a dead-letter file can be replayed as it is.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from .destination import AsyncActiveCampaignDestination
from .results import DeliveryResult

__all__ = ["DeadLetterWriter", "Line", "Summary", "parse_lines", "run_stream"]

DEFAULT_BATCH_SIZE = 500


@dataclass(frozen=True)
class Line:
    """One input line: its number, the decoded message (or the raw text) and any problem."""

    number: int
    message: Any
    problem: DeliveryResult | None = None
    maybe_applied: bool = False  # a dead letter whose event trackcmp may have recorded


def parse_lines(lines: Iterable[str]) -> Iterator[Line]:
    """Decode JSONL lazily; blank lines are skipped, dead-letter envelopes unwrapped."""
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as exc:
            # JSONDecodeError, and what json raises past its limits: nesting deeper than
            # the recursion limit, integers of more than 4,300 digits.
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "beyond JSON limits"
            problem = DeliveryResult(
                400, False, f"line {number}: not valid JSON ({reason})", field="line"
            )
            yield Line(number, text.rstrip("\n"), problem)
            continue
        maybe_applied = False
        if (
            isinstance(value, dict)
            and isinstance(value.get("dead_letter"), dict)
            and ("message" in value)
        ):
            # Replaying a dead-letter file: the message, and whether it may have landed.
            maybe_applied = value["dead_letter"].get("maybe_applied") is True
            value = value["message"]
        if not isinstance(value, dict):
            problem = DeliveryResult(400, False, f"line {number}: not a JSON object", field="line")
            yield Line(number, value, problem)
            continue
        yield Line(number, value, maybe_applied=maybe_applied)


class DeadLetterWriter:
    """Appends undelivered events, with why, as JSON lines ready for ``send``."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream
        self.written: int = 0

    def write(self, line: Line, result: DeliveryResult) -> None:
        """Record one undelivered event."""
        if self.stream is None:
            return
        record = {
            "dead_letter": {
                "line": line.number,
                "status_code": result.status_code,
                "retryable": result.retryable,
                "error": result.error,
                "field": result.field,
                "maybe_applied": result.maybe_applied,
            },
            "message": line.message,
        }
        # ASCII escapes: a lone surrogate in an event must not make the file unwritable.
        self.stream.write(json.dumps(record, ensure_ascii=True, default=str) + "\n")
        self.written += 1


@dataclass
class Summary:
    """Counts for the closing table."""

    events: int = 0
    delivered: int = 0
    rejected: int = 0
    failed_retryable: int = 0
    maybe_applied: int = 0
    skipped: int = 0
    warnings: int = 0
    requests: int = 0
    elapsed: float = 0.0
    simulated_seconds: float | None = None
    problems: list[tuple[int, DeliveryResult]] = field(default_factory=list)

    def add(self, line: Line, result: DeliveryResult, keep_problems: int = 50) -> None:
        """Count one result; keep the first problems for the report."""
        self.events += 1
        self.warnings += len(result.warnings)
        if result.delivered:
            self.delivered += 1
            return
        self.maybe_applied += result.maybe_applied
        if result.retryable:
            self.failed_retryable += 1
        else:
            self.rejected += 1
        if len(self.problems) < keep_problems:
            self.problems.append((line.number, result))

    @property
    def requests_per_event(self) -> float:
        """API and trackcmp requests per event read."""
        return self.requests / self.events if self.events else 0.0

    def skip(self) -> None:
        """Count a dead letter left out of a replay (it may have been recorded already)."""
        self.events += 1
        self.skipped += 1

    @property
    def exit_code(self) -> int:
        """0 when every event was delivered (or skipped on purpose), 1 otherwise."""
        return 0 if self.delivered + self.skipped == self.events else 1


def _batches(lines: Iterator[Line], size: int) -> Iterator[list[Line]]:
    batch: list[Line] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


async def run_stream(
    destination: AsyncActiveCampaignDestination,
    lines: Iterable[str],
    *,
    dead_letter: DeadLetterWriter,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
    skip_ambiguous: bool = False,
) -> Summary:
    """Deliver every line; count results and dead-letter what was not delivered.

    ``skip_ambiguous``: when replaying dead letters, leave out the track events trackcmp may
    already have recorded (``maybe_applied``): at most once instead of at least once.
    """
    summary = Summary()
    started = time.perf_counter()
    clock_start = destination.client.clock.now()
    requests_before = destination.client.requests_sent
    for batch in _batches(parse_lines(lines), batch_size):
        if skip_ambiguous:
            for line in batch:
                if line.maybe_applied:
                    summary.skip()
            batch = [line for line in batch if not line.maybe_applied]
        valid = [line for line in batch if line.problem is None]
        results = dict(
            zip(
                (line.number for line in valid),
                await destination.process_batch([line.message for line in valid]),
                strict=True,
            )
        )
        for line in batch:
            result = line.problem or results[line.number]
            summary.add(line, result)
            if not result.delivered:
                dead_letter.write(line, result)
        if on_batch is not None:
            on_batch(len(batch))
    summary.elapsed = time.perf_counter() - started
    summary.requests = destination.client.requests_sent - requests_before
    summary.simulated_seconds = destination.client.clock.now() - clock_start
    return summary
