"""``make soak``: the fault run at 20,000 events (``SOAK_EVENTS`` to change), printing its
counts. Skipped unless pytest runs with ``--soak``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ._scenario import fault_run, format_report

SOAK_EVENTS = int(os.environ.get("SOAK_EVENTS", "20000"))
SOAK_SEED = int(os.environ.get("SOAK_SEED", "7"))


@pytest.mark.soak
def test_soak_fault_run_loses_and_duplicates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = fault_run(tmp_path, events=SOAK_EVENTS, seed=SOAK_SEED)
    with capsys.disabled():
        print("\n" + format_report(run))
        for problem in (run.before_replay.problems + run.after_replay.problems)[:20]:
            print("  problem:", problem)
    for audit in (run.before_replay, run.after_replay):
        assert audit.problems == []
        assert (audit.lost, audit.duplicates, audit.wrong_flag) == (0, 0, 0)
    assert run.after_replay.double_counted == run.before_replay.ambiguous
