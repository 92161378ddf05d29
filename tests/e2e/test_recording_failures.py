"""When outcomes cannot be recorded (disk full), the run stops at once with exit 3, keeps
everything it recorded, leaves no torn line, and ``--resume`` completes once there is space.

The full disk is a real one: a 512 KiB tmpfs mounted for the test (this needs root, as in
CI; elsewhere the test says so and is skipped), holding the dead letters and the
checkpoint, most of it taken by a filler file that is deleted to free space. ``/dev/full``
shows the failure is found at the first write, not when the file is closed.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from activecampaign_client.testing import EmulatorServer

from ._support import (
    Workload,
    finish,
    letters_by_line,
    outcomes,
    read_strict_jsonl,
    start_send,
    track_requests,
    words,
    workload,
)

PADDING = "p" * 1_200  # makes each dead letter about 1.4 KB


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A mounted 512 KiB tmpfs, unmounted afterwards."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mountpoint)]
    if shutil.which("mount") is None or subprocess.run(mount, capture_output=True).returncode:  # noqa: S603
        pytest.skip("cannot mount a tmpfs here (needs root): the full-disk test needs one")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=True)  # noqa: S603, S607


def _with_big_bad_lines(count: int) -> Workload:
    work = workload(count, seed=9, bad_every=4)
    padded = [
        text.replace('"Broken"', json.dumps(PADDING)) if number in work.bad else text
        for number, text in enumerate(work.lines, 1)
    ]
    return Workload(padded, work.bad)


def test_a_full_disk_stops_the_run_with_3_and_resume_completes_after_freeing_space(
    served: tuple[EmulatorServer, Path], tmp_path: Path, small_disk: Path
) -> None:
    server, config = served
    work = _with_big_bad_lines(600)  # 150 bad lines: ~210 KB of dead letters
    events = work.write(tmp_path / "events.jsonl")
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * 400 * 1024)  # 112 KiB left: about half the letters
    dead = small_disk / "dead.jsonl"
    checkpoint = small_disk / "run.checkpoint"
    args = [str(events), "--config", str(config), "--dead-letter", str(dead)]
    args += ["--checkpoint", str(checkpoint), "--batch-size", "100", "--bulk-threshold", "1"]

    status, stdout, stderr = finish(start_send(*args, cwd=tmp_path))

    assert status == 3, stdout + stderr
    assert "outcomes could not be recorded" in words(stderr)
    assert "No space left on device" in stderr
    assert "Delivery summary" in stdout
    assert "every outcome recorded before is kept" in words(stdout)
    assert "--resume" in words(stdout)
    assert "Traceback" not in stderr
    kept = read_strict_jsonl(dead)  # whole lines only, strict JSON
    state = outcomes(checkpoint)
    assert 0 < len(kept) < len(work.bad)
    recorded = {n for n, end in state.dead.items() if end is not None}
    assert {r["dead_letter"]["line"] for r in kept} >= recorded
    in_flight = state.in_flight

    filler.unlink()
    status, stdout, stderr = finish(start_send(*args, "--resume", cwd=tmp_path))

    assert status == 1, stdout + stderr  # the bad lines
    final = outcomes(checkpoint)
    assert set(final.dead) == set(work.bad)
    assert set(letters_by_line(dead)) == set(work.bad)  # each once: no letter lost or doubled
    assert len(final.delivered) == 600 - len(work.bad)
    tracks = track_requests(server.emulator.requests)
    assert set(tracks) == work.tracks
    assert {seq for seq, count in tracks.items() if count > 1} <= in_flight


def test_dev_full_is_found_at_the_first_dead_letter(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    server, config = served
    work = workload(900, seed=4, bad_every=150)  # the first bad line is line 150
    events = work.write(tmp_path / "events.jsonl")
    args = [
        str(events),
        "--config",
        str(config),
        "--dead-letter",
        "/dev/full",
        "--batch-size",
        "300",
    ]

    status, stdout, stderr = finish(start_send(*args, cwd=tmp_path))

    assert status == 3, stdout + stderr
    assert "No space left on device" in stderr
    assert "stopped after line 300;" in words(stdout)  # the first batch, not the whole file
    state = outcomes(tmp_path / "events.jsonl.checkpoint")
    assert state.dead == {}  # the letter could not be written: no outcome recorded for it
    assert max([*state.delivered, 0]) <= 300
    assert all(seq <= 300 for seq in track_requests(server.emulator.requests))
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # an empty "dead-letter file" it is not


def test_a_checkpoint_on_dev_full_stops_before_anything_is_sent(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    server, config = served
    events = workload(50, seed=5).write(tmp_path / "events.jsonl")

    status, stdout, stderr = finish(
        start_send(str(events), "--config", str(config), "--checkpoint", "/dev/full", cwd=tmp_path)
    )

    assert status == 3, stdout + stderr
    assert "cannot write checkpoint /dev/full: No space left on device" in words(stderr)
    assert server.emulator.requests == []
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
