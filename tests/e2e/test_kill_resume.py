"""kill -9 at seeded random moments of a 5,000-event run, then ``--resume``: the outcome
is the uninterrupted run's, and nothing recorded delivered is ever sent again.

The uninterrupted run is the same ``send`` in this process on the emulator's transport
(same account, deterministic outcomes, no real time). The interrupted one is a real
process on a loopback server, killed three times; each kill is followed by a resume, the
last resume runs to the end. At each kill the checkpoint is read as ``--resume`` reads it:
every event it records as delivered must get no request afterwards, and an event may be
sent twice only if it was in flight (started, no outcome) at a kill.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from activecampaign_client.testing import ActiveCampaignEmulator, EmulatorServer, SimulatedClock
from rudder_mapper.cli import app, send
from rudder_mapper.demo import seed_demo_account
from rudder_mapper.destination import AsyncActiveCampaignDestination

from ._support import (
    API_KEY,
    EVENT_KEY,
    finish,
    identify_requests,
    letters_by_line,
    outcomes,
    start_send,
    track_requests,
    wait_until,
    workload,
)

EVENTS = 5_000
SEED = 20_261_203
KILLS = 3
CONCURRENCY = 8


def _uninterrupted(tmp_path: Path, events: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The same send, uninterrupted, on an in-process account; its checkpoint."""
    # No rate limit and no limiter: the outcome is the same, it only takes less time.
    emulator = seed_demo_account(
        ActiveCampaignEmulator(
            api_key=API_KEY, event_key=EVENT_KEY, clock=SimulatedClock(), rate_limit=None
        )
    )

    def build(config: object) -> AsyncActiveCampaignDestination:
        return AsyncActiveCampaignDestination(emulator.async_client(requests_per_second=None))

    monkeypatch.setattr(send, "build_destination", build)
    config = tmp_path / "baseline.json"
    config.write_text(json.dumps({"apiUrl": emulator.api_url, "apiKey": API_KEY}), "utf-8")
    result = CliRunner().invoke(app, ["send", str(events), "--config", str(config)])
    assert result.exit_code == 1, result.output  # the bad lines
    return events.with_name(events.name + ".checkpoint")


def test_kill_9_then_resume_ends_as_an_uninterrupted_run(
    served: tuple[EmulatorServer, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, config = served
    work = workload(EVENTS, seed=SEED)
    baseline_dir = tmp_path / "baseline"
    baseline_dir.mkdir()
    baseline = outcomes(
        _uninterrupted(baseline_dir, work.write(baseline_dir / "events.jsonl"), monkeypatch)
    )
    baseline_letters = letters_by_line(baseline_dir / "events.jsonl.dead-letter.jsonl")
    assert len(baseline.delivered) == EVENTS - len(work.bad)
    assert set(baseline.dead) == set(work.bad) == set(baseline_letters)

    events = work.write(tmp_path / "events.jsonl")
    checkpoint = tmp_path / "events.jsonl.checkpoint"
    rng = random.Random(SEED)
    # Kill points: requests the server has received, spread over the run.
    points = sorted(rng.sample(range(300, 3_600), KILLS))  # cheap to poll: a length
    kills: list[tuple[int, set[int], set[int]]] = []  # (requests so far, delivered, in flight)
    args = [str(events), "--config", str(config), "--concurrency", str(CONCURRENCY)]
    for number, point in enumerate(points):
        process = start_send(*args, *(["--resume"] if number else []), cwd=tmp_path)
        wait_until(lambda: len(server.emulator.requests) >= point, process)  # noqa: B023
        process.kill()
        process.wait(timeout=10)
        state = outcomes(checkpoint)
        kills.append((len(server.emulator.requests), set(state.delivered), state.in_flight))
        assert state.in_flight, "nothing was in flight: the kill missed the run"
    code, stdout, stderr = finish(start_send(*args, "--resume", cwd=tmp_path))
    assert code == 1, stdout + stderr  # the bad lines, as in the uninterrupted run

    final = outcomes(checkpoint)
    assert final.delivered == baseline.delivered
    assert set(final.dead) == set(baseline.dead)
    letters = letters_by_line(tmp_path / "events.jsonl.dead-letter.jsonl")
    assert {n: r["dead_letter"]["status_code"] for n, r in letters.items()} == {
        n: r["dead_letter"]["status_code"] for n, r in baseline_letters.items()
    }
    assert {n: r["message"] for n, r in letters.items()} == {
        n: r["message"] for n, r in baseline_letters.items()
    }

    requests = server.emulator.requests
    tracks = track_requests(requests)
    assert set(tracks) == work.tracks  # every track reached trackcmp
    for index, delivered, _ in kills:
        later = requests[index:]
        assert not delivered & set(track_requests(later)), "a delivered track was sent again"
        emails = set(identify_requests(later))
        assert not {f"id{n}@example.com" for n in delivered} & emails, "an identify too"
    in_flight_at = Counter(n for _, _, flying in kills for n in flying)
    duplicates = {seq: count - 1 for seq, count in tracks.items() if count > 1}
    for seq, extra in duplicates.items():
        assert extra <= in_flight_at[seq], f"line {seq} sent {extra + 1} times"
    assert sum(duplicates.values()) <= KILLS * CONCURRENCY
    sent = identify_requests(requests)
    assert all(count >= 1 for count in sent.values())
    assert {email for email, count in sent.items() if count > 1} <= {
        f"id{n}@example.com" for n in in_flight_at
    }
