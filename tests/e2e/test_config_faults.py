"""A refused key stops the run at once with exit 2, after at most a few requests; the
events are left for ``--resume`` (not dead-lettered), which delivers them once the
configuration is fixed."""

from __future__ import annotations

import json
from pathlib import Path

from activecampaign_client.testing import EmulatorServer

from ._support import finish, outcomes, start_send, track_requests, words, workload


def _changed(config: Path, **change: str) -> Path:
    """A copy of ``config`` with ``change`` applied, next to it."""
    changed = config.with_name("changed.json")
    changed.write_text(json.dumps({**json.loads(config.read_text()), **change}), "utf-8")
    return changed


def test_a_wrong_api_key_stops_at_once_and_the_events_resume(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    server, config = served
    work = workload(400, seed=12, bad_every=10**6)
    events = work.write(tmp_path / "events.jsonl")
    wrong = _changed(config, apiKey="0" * 40)

    args = ["--batch-size", "200"]
    status, stdout, stderr = finish(
        start_send(str(events), "--config", str(wrong), *args, cwd=tmp_path)
    )

    assert status == 2, stdout + stderr
    assert "ActiveCampaign refused the API key" in words(stderr)
    assert "Settings > Developer" in words(stderr)
    assert "0" * 40 not in stdout + stderr
    assert len(server.emulator.requests) <= 2  # the first refusal opened the breaker
    assert "stopped after line 200;" in words(stdout)  # the first batch only
    assert "--resume" in words(stdout)
    assert not (tmp_path / "events.jsonl.dead-letter.jsonl").exists()
    state = outcomes(tmp_path / "events.jsonl.checkpoint")
    assert (state.delivered, state.dead, state.in_flight) == (set(), {}, set())

    # The key fixed (the account is the same), the run resumes from the first line.
    status, stdout, stderr = finish(
        start_send(str(events), "--config", str(config), *args, "--resume", cwd=tmp_path)
    )

    assert status == 0, stdout + stderr
    assert len(outcomes(tmp_path / "events.jsonl.checkpoint").delivered) == 400
    assert set(track_requests(server.emulator.requests)) == work.tracks


def test_a_wrong_event_key_stops_the_tracks_only(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    server, config = served
    work = workload(150, seed=13, bad_every=10**6)
    events = work.write(tmp_path / "events.jsonl")
    wrong = _changed(config, eventKey="f" * 40)

    status, stdout, stderr = finish(start_send(str(events), "--config", str(wrong), cwd=tmp_path))

    assert status == 2, stdout + stderr
    assert "check actid and eventKey" in words(stderr)
    assert "Settings > Tracking > Event Tracking" in words(stderr)
    trackcmp = [r for r in server.emulator.requests if r.path == "/event"]
    # At most the tracks already in flight when the first was refused (8 at once), plus the
    # one re-check per event name the track action makes (the name may have been deleted).
    assert len(trackcmp) <= 8 + 3
    state = outcomes(tmp_path / "events.jsonl.checkpoint")
    assert state.delivered == set(range(1, 151)) - work.tracks  # identifies and pages went on
    assert state.dead == {}
    assert state.in_flight == set()  # refused tracks are certainly not recorded: not ambiguous

    status, stdout, stderr = finish(
        start_send(str(events), "--config", str(config), "--resume", cwd=tmp_path)
    )

    assert status == 0, stdout + stderr
    assert len(outcomes(tmp_path / "events.jsonl.checkpoint").delivered) == 150
    assert len(server.emulator.tracked_events) == len(work.tracks)
