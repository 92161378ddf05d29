"""SIGINT and SIGTERM: the run stops reading, lets what is in flight finish, records every
outcome, prints the summary and how to resume, exits 130 / 143; the resume completes
without sending anything twice. A second signal aborts what is in flight."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from activecampaign_client.testing import EmulatorServer

from ._support import (
    finish,
    letters_by_line,
    new_server,
    outcomes,
    start_send,
    summary_rows,
    track_requests,
    tracks_only,
    wait_until,
    words,
    workload,
)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_a_signal_stops_the_run_and_resume_completes_it(
    served: tuple[EmulatorServer, Path], tmp_path: Path, signum: int, code: int
) -> None:
    server, config = served
    work = workload(600, seed=signum)
    events = work.write(tmp_path / "events.jsonl")
    args = [str(events), "--config", str(config), "--batch-size", "150"]
    process = start_send(*args, cwd=tmp_path)
    wait_until(lambda: len(server.emulator.tracked_events) >= 150, process)
    process.send_signal(signum)
    status, stdout, stderr = finish(process)

    assert status == code, stdout + stderr
    assert "stopping — no new events" in words(stderr)
    rows = summary_rows(stdout)
    stopped = int(words(stdout).split("stopped after line ")[1].split(";")[0].replace(",", ""))
    assert 150 <= stopped < 600
    resume = f"send {events} --config {config} --batch-size 150 --resume"
    assert f"resume with: rudder-activecampaign {resume}" in words(stdout)
    state = outcomes(tmp_path / "events.jsonl.checkpoint")
    assert state.in_flight == set()  # everything in flight finished within the grace period
    assert int(rows["delivered"].replace(",", "")) == len(state.delivered)
    assert all(n <= stopped for n in [*state.delivered, *state.dead])

    status, stdout, stderr = finish(start_send(*args, "--resume", cwd=tmp_path))

    assert status == 1, stdout + stderr  # the bad lines
    final = outcomes(tmp_path / "events.jsonl.checkpoint")
    assert (
        set(final.dead)
        == set(work.bad)
        == set(letters_by_line(tmp_path / "events.jsonl.dead-letter.jsonl"))
    )
    assert len(final.delivered) == 600 - len(work.bad)
    tracks = track_requests(server.emulator.requests)
    assert set(tracks) == work.tracks
    assert max(tracks.values()) == 1  # a graceful stop sends nothing twice


def test_a_second_signal_aborts_what_is_in_flight(tmp_path: Path) -> None:
    # Each answer takes a second: a second SIGINT soon after the first cuts requests short.
    server, config = new_server(tmp_path, latency=1.0)
    try:
        work = tracks_only(12)
        events = work.write(tmp_path / "events.jsonl")
        args = [str(events), "--config", str(config)]
        process = start_send(*args, cwd=tmp_path)
        wait_until(lambda: len(server.emulator.tracked_events) >= 3, process)
        process.send_signal(signal.SIGINT)
        time.sleep(0.2)  # two signals at once may be delivered as one
        process.send_signal(signal.SIGINT)
        status, stdout, stderr = finish(process)

        assert status == 130, stdout + stderr
        state = outcomes(tmp_path / "events.jsonl.checkpoint")
        aborted = state.in_flight
        assert aborted  # started, answer not back yet: no outcome recorded
        assert aborted <= set(track_requests(server.emulator.requests))  # trackcmp has them
        rows = summary_rows(stdout)
        assert int(rows["in flight when aborted (sent again on --resume)"]) == len(aborted)

        # Those tracks may have been recorded: --skip-ambiguous leaves them out (at most
        # once); without it they would be sent again (at least once, see the kill -9 test).
        status, stdout, stderr = finish(
            start_send(*args, "--skip-ambiguous", "--resume", cwd=tmp_path)
        )

        assert status == 0, stdout + stderr
        final = outcomes(tmp_path / "events.jsonl.checkpoint")
        assert final.skipped == aborted
        assert final.delivered == set(range(1, 13)) - aborted
        assert max(track_requests(server.emulator.requests).values()) == 1
    finally:
        server.close()
