"""``send``'s progress: events settled (delivered or not) out of the file's lines, moved by
every outcome, with rate and ETA; on a terminal only, never with ``--quiet``."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from rich.progress import Progress

from rudder_mapper.cli import _progress, send
from rudder_mapper.cli._output import StreamConsole
from rudder_mapper.cli._progress import EventProgress, count_lines
from rudder_mapper.results import DeliveryResult
from rudder_mapper.run import Line
from rudder_mapper.samples import seed_examples

from ._support import Account, jsonl, summary, write_jsonl


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """What ``send`` writes to stderr, which it takes for a 120-column terminal."""
    screen = io.StringIO()
    console = StreamConsole(file=screen, force_terminal=True, width=120, color_system=None)
    monkeypatch.setattr(send, "err", console)
    return screen


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, float | None]]:
    """(completed, total) of the display after each outcome it was given."""
    seen: list[tuple[int, float | None]] = []
    original = EventProgress.settled

    def settled(self: EventProgress, line: Line, result: DeliveryResult | None) -> None:
        original(self, line, result)
        task = self._progress.tasks[0]
        seen.append((int(task.completed), task.total))

    monkeypatch.setattr(EventProgress, "settled", settled)
    return seen


def test_count_lines(tmp_path: Path) -> None:
    path = tmp_path / "f"
    for data, lines in ((b"", 0), (b"a\n", 1), (b"a\nb", 2), (b"a\n\nb\n", 3)):
        path.write_bytes(data)
        assert count_lines(str(path)) == lines, data
    stop = threading.Event()
    stop.set()
    assert count_lines(str(path), stop) is None
    assert count_lines(str(tmp_path / "missing")) is None


def test_the_counts_column_shows_rate_and_eta_once_known() -> None:
    now = [100.0]
    progress = Progress(_progress._Counts(), get_time=lambda: now[0], disable=True)
    task_id = progress.add_task("delivering", total=None, completed=20)
    handle = EventProgress(progress, task_id)
    task = progress.tasks[0]
    column = _progress._Counts()

    assert column.render(task).plain == "20 events"
    line = Line(number=1, message={})
    for step in range(1, 41):  # an event every quarter second, one of them undelivered
        now[0] = 100.0 + step / 4
        handle.settled(line, DeliveryResult(400) if step == 20 else DeliveryResult.ok())
    assert column.render(task).plain == "60 events · 1 undelivered · 4.0/s"
    handle.set_total(100)
    assert column.render(task).plain == "60/100 events · 1 undelivered · 4.0/s · ETA 0:10"


def test_every_outcome_moves_the_display(
    account: Account, tmp_path: Path, terminal: io.StringIO, steps: list[tuple[int, float | None]]
) -> None:
    lines = [*seed_examples() * 20, "{broken", "[]"]
    events = write_jsonl(tmp_path / "events.jsonl", lines)

    # One batch: a display moved per batch would jump from 0 to the end at once.
    result = account.send(str(events), "--batch-size", "1000")

    assert result.exit_code == 1, result.output
    assert summary(result.stdout)["delivered"] == 140
    assert steps == [(n, 142) for n in range(1, 143)]
    screen = terminal.getvalue()
    assert "delivering" in screen
    assert "142/142 events · 2 undelivered" in screen


def test_a_resumed_run_starts_from_the_recorded_outcomes(
    account: Account, tmp_path: Path, terminal: io.StringIO, steps: list[tuple[int, float | None]]
) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", [*seed_examples(), "{broken"])
    assert account.send(str(events)).exit_code == 1
    with events.open("a", encoding="utf-8") as more:
        more.write(jsonl(seed_examples()[:2]))
    steps.clear()

    result = account.send(str(events), "--resume")

    assert result.exit_code == 1, result.output  # the broken line of the first run
    assert steps == [(9, 10), (10, 10)]  # 8 recorded before; 2 new lines


def test_reading_stdin_there_is_no_total(
    account: Account, terminal: io.StringIO, steps: list[tuple[int, float | None]]
) -> None:
    result = account.send("-", input=jsonl(seed_examples()))

    assert result.exit_code == 0, result.output
    assert steps == [(n, None) for n in range(1, 8)]
    assert "7 events" in terminal.getvalue()
    assert "/7 events" not in terminal.getvalue()


def test_quiet_shows_no_progress(account: Account, tmp_path: Path, terminal: io.StringIO) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = account.send(str(events), "--quiet")

    assert result.exit_code == 0, result.output
    assert terminal.getvalue() == ""
