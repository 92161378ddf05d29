"""Real processes on a real pseudo-terminal and on real pipes: a terminal gets tables fitted
to its width and the progress display; a pipe gets every record on one line and no
progress; ``--json`` stays one object even when a signal stops the run."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

from activecampaign_client.testing import EmulatorServer

from ._support import (
    ENV,
    finish,
    new_server,
    outcomes,
    start_send,
    tracks_only,
    wait_until,
    words,
    workload,
)
from ._terminal import run_on_terminal, visible

_COUNT = re.compile(r"delivering .*?(\d[\d,]*)/(\d[\d,]*) events")


def _piped(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command, our own arguments
        [sys.executable, "-m", "rudder_mapper", *args],
        cwd=cwd,
        env={k: v for k, v in ENV.items() if k != "COLUMNS"},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_a_terminal_gets_fitted_tables_and_a_pipe_whole_lines(tmp_path: Path) -> None:
    on_terminal = run_on_terminal(
        "demo", "--show", "3", columns=60, cwd=tmp_path, stdout_on_terminal=True
    )
    piped = _piped("demo", "--show", "3", cwd=tmp_path)

    assert on_terminal.code == piped.returncode == 0
    screen = visible(on_terminal.terminal)
    assert "Delivery summary" in [line.strip() for line in screen]
    tables = [line for line in screen if line[:1] in "┏┃┡│└┌"]
    assert len(tables) > 20
    assert max(len(line) for line in tables) <= 60  # fitted (plain text is the terminal's)
    lines = piped.stdout.splitlines()
    assert max(len(line) for line in lines) > 60
    # The first contact's row, whole on one line: tags, fields and lists in their cells.
    (row,) = [line for line in lines if "name@surname.com" in line]
    for cell in ("Coupon Used, Returning User", "Hobbies=||Cricket||Tennis||", "Promotions:"):
        assert cell in row
    assert len(lines) < len(screen)


def test_progress_on_a_terminal_counts_each_settled_event(tmp_path: Path) -> None:
    # Each answer takes 50 ms: the 200 events of one batch settle over more than a second,
    # several screen refreshes, so the display is seen between its start and its end.
    server, config = new_server(tmp_path, latency=0.05)
    try:
        events = tracks_only(200).write(tmp_path / "events.jsonl")
        run = run_on_terminal(
            "send", str(events), "--config", str(config), "--batch-size", "200",
            columns=100, cwd=tmp_path,
        )  # fmt: skip
    finally:
        server.close()

    assert run.code == 0, run.terminal
    counts = [
        (int(m[1].replace(",", "")), int(m[2].replace(",", "")))
        for line in visible(run.terminal)
        if (m := _COUNT.search(line))
    ]
    assert counts, run.terminal
    assert {total for _, total in counts} == {200}  # the file's lines, known from the start
    settled = [done for done, _ in counts]
    assert settled == sorted(settled)
    assert settled[-1] == 200
    assert any(0 < done < 200 for done in settled)  # within the one batch, not at its end
    assert run.stdout is not None and "Delivery summary" in run.stdout
    assert "delivering" not in run.stdout


def test_quiet_shows_no_progress_even_on_a_terminal(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    _, config = served
    events = tracks_only(20).write(tmp_path / "events.jsonl")

    run = run_on_terminal(
        "send", str(events), "--config", str(config), "--quiet", columns=100, cwd=tmp_path
    )

    assert run.code == 0, run.terminal
    assert run.terminal == ""
    assert run.stdout == "20 events: 20 delivered, 0 undelivered\n"


def test_json_of_a_run_stopped_by_sigterm(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    server, config = served
    events = workload(600, seed=11).write(tmp_path / "events.jsonl")
    process = start_send(str(events), "--config", str(config), "--batch-size", "150", "--json",
                         cwd=tmp_path)  # fmt: skip
    wait_until(lambda: len(server.emulator.tracked_events) >= 150, process)
    process.send_signal(signal.SIGTERM)
    status, stdout, stderr = finish(process)

    assert status == 143, stdout + stderr
    (line,) = stdout.splitlines()
    summary = json.loads(line)
    assert summary["exit_code"] == 143
    assert summary["stop_reason"] == "SIGTERM"
    assert 150 <= summary["stopped_after_line"] < 600
    assert summary["next_step"] == (
        f"resume with: rudder-activecampaign send {events} --config {config} "
        "--batch-size 150 --resume"
    )
    assert summary["checkpoint"] == f"{events}.checkpoint"
    state = outcomes(Path(summary["checkpoint"]))
    assert summary["delivered"] == len(state.delivered)
    assert "stopping — no new events" in words(stderr)
