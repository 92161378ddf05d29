"""The fault run end to end: faulty first pass, audit, healthy replay of the dead letters,
audit again. Shared by the CI-sized test and ``make soak``."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from activecampaign_client.testing import ActiveCampaignEmulator

from ._audit import Audit, audit
from ._fault_events import StreamLine, fault_run_lines
from ._fault_run import LOGIN_STRETCH, Pass, configure_faults, run_pass
from ._support import seeded_emulator

__all__ = ["FAULT_RATE", "FaultRun", "fault_run", "format_report"]

FAULT_RATE = 0.2
LOGIN_EVERY = 10
"""A stretch of login pages starts after batch 1, 11, 21, ..."""


@dataclass(frozen=True)
class FaultRun:
    """Everything a fault run produced."""

    emulator: ActiveCampaignEmulator
    lines: list[StreamLine]
    first: Pass
    replay: Pass
    before_replay: Audit
    after_replay: Audit


def fault_run(directory: Path, *, events: int, seed: int, batch_size: int = 500) -> FaultRun:
    """Send ``events`` lines with ~20% of requests faulted, then replay the dead letters.

    Reproducible for a seed: the retry jitter (the global ``random``) is seeded too, and
    the global generator's state is restored afterwards.
    """
    saved = random.getstate()
    random.seed(seed)
    try:
        return _fault_run(directory, events=events, seed=seed, batch_size=batch_size)
    finally:
        random.setstate(saved)


def _fault_run(directory: Path, *, events: int, seed: int, batch_size: int) -> FaultRun:
    emulator = seeded_emulator(seed=seed)
    lines = fault_run_lines(events, seed=seed)
    configure_faults(emulator, rate=FAULT_RATE, seed=seed)
    batches = 0

    def on_batch(size: int) -> None:
        nonlocal batches
        batches += 1
        if batches % LOGIN_EVERY == 1:
            emulator.faults.stretch("login_page", LOGIN_STRETCH, target="/api/3/*")

    first = run_pass(
        emulator,
        [line.text for line in lines],
        directory / "dead-letters.jsonl",
        on_batch=on_batch,
        batch_size=batch_size,
    )
    emulator.faults.clear()
    before = audit(lines, [first], emulator)
    letters = first.dead_letter_path.read_text(encoding="utf-8").splitlines()
    replay = run_pass(
        emulator,
        letters,
        directory / "replay-dead-letters.jsonl",
        original_lines=[json.loads(text)["dead_letter"]["line"] for text in letters],
        batch_size=batch_size,
    )
    after = audit(lines, [first, replay], emulator)
    return FaultRun(emulator, lines, first, replay, before, after)


def format_report(run: FaultRun) -> str:
    """The counts ``make soak`` prints."""
    first, after = run.before_replay, run.after_replay
    faults = Counter(r.fault for r in run.first.requests if r.fault)
    replayed = len(run.replay.attempts)
    replay_ok = sum(1 for a in run.replay.attempts if a.result.delivered)
    rows = [
        ("events", first.events),
        ("delivered", first.delivered),
        ("rejected", first.rejected),
        ("failed-retryable", first.failed_retryable),
        ("lost", first.lost + after.lost),
        ("duplicates", first.duplicates + after.duplicates),
        ("wrong retryable flags", first.wrong_flag + after.wrong_flag),
        ("dead letters replayed", replayed),
        ("  delivered on replay", replay_ok),
        ("  rejected again (undeliverable lines)", replayed - replay_ok),
        ("ambiguous tracks (applied, reported failed)", first.ambiguous),
        ("  counted twice after replay (documented)", after.double_counted),
        ("requests (first pass)", len(run.first.requests)),
        ("faulted requests", sum(faults.values())),
        ("simulated seconds (first pass)", round(run.first.summary.simulated_seconds or 0.0)),
    ]
    width = max(len(name) for name, _ in rows)
    text = [f"fault run: {first.events:,} events, {FAULT_RATE:.0%} of requests faulted"]
    text += [f"  {name:<{width}}  {value:>8,}" for name, value in rows]
    text.append("  faults: " + ", ".join(f"{k} {v}" for k, v in sorted(faults.items())))
    return "\n".join(text)
