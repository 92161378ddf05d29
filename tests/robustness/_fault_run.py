"""Running event files through the CLI's pipeline on a faulty emulator, and recording
what happened to every line.

``run_pass`` is what ``rudder-activecampaign send --dead-letter`` does — ``run_stream`` with
an ``AsyncActiveCampaignDestination`` and a dead-letter file — with the destination wired to
the emulator's async client and simulated clock, and every result kept per line.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from activecampaign_client.testing import ActiveCampaignEmulator, RecordedRequest
from rudder_mapper.destination import AsyncActiveCampaignDestination
from rudder_mapper.pipeline import DeadLetterWriter, Summary, parse_lines, run_stream
from rudder_mapper.results import DeliveryResult

__all__ = ["RANDOM_FAULTS", "Attempt", "Pass", "configure_faults", "run_pass"]

RANDOM_FAULTS = (
    ("429",) * 2
    + ("429_burst",)
    + ("500", "502", "503")
    + ("504",) * 2
    + ("timeout",) * 2
    + ("timeout_after_apply",) * 2
    + ("reset",) * 2
    + ("reset_after_apply",)
    + ("connect_error",)
    + ("malformed_json",) * 2
)
"""What the random faults pick from (repeats weigh a kind): every kind but ``login_page``,
which comes as a scripted stretch instead."""

LOGIN_STRETCH = 25
"""Consecutive account-host requests answered with the 200 HTML login page."""


def configure_faults(emulator: ActiveCampaignEmulator, *, rate: float, seed: int) -> None:
    """Seeded random faults on ``rate`` of all requests, 429s asking for 2 s."""
    emulator.faults.retry_after = 2
    emulator.faults.randomize(rate, kinds=RANDOM_FAULTS, seed=seed)


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt of one input line: the line number in the *original* file, the
    result, and the dead-letter record written for it (None if none was)."""

    line: int
    result: DeliveryResult
    dead_letter: dict[str, Any] | None


@dataclass(frozen=True)
class Pass:
    """One run of ``run_stream`` over a file."""

    attempts: list[Attempt]
    summary: Summary
    requests: list[RecordedRequest]
    dead_letter_path: Path
    unmatched_dead_letters: list[dict[str, Any]]


class RecordingDestination(AsyncActiveCampaignDestination):
    """The CLI's destination, keeping every result it hands to the pipeline, in order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.results: list[DeliveryResult] = []

    async def process_batch(
        self, messages: Iterable[object], **callbacks: Any
    ) -> list[DeliveryResult]:
        results = await super().process_batch(messages, **callbacks)
        self.results.extend(results)
        return results


def _read_dead_letters(path: Path) -> list[dict[str, Any]]:
    records = []
    for text in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(text)
        assert set(record) == {"dead_letter", "message"}, record
        records.append(record)
    return records


def run_pass(
    emulator: ActiveCampaignEmulator,
    texts: Sequence[str],
    dead_letter_path: Path,
    *,
    original_lines: Sequence[int] | None = None,
    on_batch: Callable[[int], None] | None = None,
    batch_size: int = 500,
) -> Pass:
    """Deliver ``texts`` (JSONL lines) and account for each one.

    ``original_lines[i]`` is the original line number of ``texts[i]`` (replays); by
    default a line's number is its position, from 1.
    """
    numbers = list(original_lines) if original_lines is not None else None
    first_request = len(emulator.requests)
    # The login-page stretches stand for a key refused for a while, met request by request:
    # with no cooldown the circuit breaker lets every event try (each is its own probe), so
    # each fault meets a request as it would without a breaker. The breaker's own
    # behaviour is tested in tests/mapper/test_config_faults.py and tests/cli.
    destination = RecordingDestination(emulator.async_client(), breaker_cooldown=0)

    async def deliver() -> Summary:
        with dead_letter_path.open("w", encoding="utf-8") as out:
            try:
                return await run_stream(
                    destination,
                    texts,
                    dead_letter=DeadLetterWriter(out),
                    batch_size=batch_size,
                    on_batch=on_batch,
                )
            finally:
                await destination.aclose()

    summary = asyncio.run(deliver())
    # parse_lines is deterministic: it tells which lines reached the destination, in order.
    parsed = list(parse_lines(texts))
    delivered_in_order = iter(destination.results)
    letters = {
        record["dead_letter"]["line"]: record for record in _read_dead_letters(dead_letter_path)
    }
    attempts = []
    for line in parsed:
        result = line.problem if line.problem is not None else next(delivered_in_order)
        original = numbers[line.number - 1] if numbers is not None else line.number
        # A dead letter names the line its event was first read from, replays included.
        attempts.append(Attempt(original, result, letters.pop(original, None)))
    assert next(delivered_in_order, None) is None, "more results than delivered lines"
    return Pass(
        attempts=attempts,
        summary=summary,
        requests=emulator.requests[first_request:],
        dead_letter_path=dead_letter_path,
        unmatched_dead_letters=list(letters.values()),
    )
