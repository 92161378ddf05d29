"""The files a run resumes from: the reader's check of the input, the checkpoint's torn
last line, the dead-letter file cut to its recorded size."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from rudder_mapper import DeliveryResult
from rudder_mapper.run import (
    Checkpoint,
    CheckpointError,
    CheckpointHeader,
    DeadLetterFile,
    LineReader,
    ReadMark,
    RecordingError,
    load_checkpoint,
    parse_line,
)

DATA = b"".join(b'{"type": "page", "n": %d}\n' % n for n in range(1, 11))
HEADER = CheckpointHeader(events="in.jsonl", account="https://a.api-us1.com/", dead_letter=None)


def _mark_after(data: bytes, line: int) -> ReadMark:
    lines = list(LineReader(io.BytesIO(data)))
    return ReadMark.after(lines[line - 1])


def test_the_reader_accepts_the_same_input_and_refuses_another() -> None:
    mark = _mark_after(DATA, 4)
    assert len(list(LineReader(io.BytesIO(DATA), expect=mark))) == 10
    changed = DATA.replace(b'"n": 3', b'"n": 9')
    with pytest.raises(CheckpointError, match="differs from the one the checkpoint"):
        list(LineReader(io.BytesIO(changed), expect=mark))
    with pytest.raises(CheckpointError, match="is shorter"):
        list(LineReader(io.BytesIO(DATA[:50]), expect=mark))
    longer_lines = DATA.replace(b"\n", b" \n", 2)
    with pytest.raises(CheckpointError):
        list(LineReader(io.BytesIO(longer_lines), expect=mark))


def test_appended_lines_are_fine() -> None:
    mark = _mark_after(DATA, 10)
    more = DATA + b'{"type": "page", "n": 11}\n'
    assert [line.number for line in LineReader(io.BytesIO(more), expect=mark)][-1] == 11


def test_a_torn_last_checkpoint_line_is_ignored_and_cut(tmp_path: Path) -> None:
    path = tmp_path / "run.checkpoint"
    checkpoint = Checkpoint.create(str(path), HEADER)
    checkpoint.run_started(resume=False)
    checkpoint.read(_mark_after(DATA, 3))
    for number in (1, 2, 3):
        checkpoint.started(number)
    checkpoint.started(4)
    checkpoint.not_applied(4)  # refused for the configuration: not in flight
    checkpoint.delivered(1)
    checkpoint.dead(2, DeliveryResult(400, error="bad"), 120)
    checkpoint.close()
    with path.open("ab") as stream:
        stream.write(b'{"ok": 3')  # a crash mid-write

    state = load_checkpoint(str(path))

    assert (state.delivered, state.dead, state.in_flight) == ({1}, {2: 120}, {3})
    assert state.mark is not None and state.mark.line == 3
    assert state.dead_letter_size == 120
    reopened = Checkpoint.reopen(state)
    reopened.delivered(3)
    reopened.close()
    again = load_checkpoint(str(path))
    assert again.delivered == {1, 3} and again.in_flight == set()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "there is no checkpoint"),
        (b"", "is empty"),
        (b'{"not": "a checkpoint"}\n', "is not a checkpoint"),
        (
            b'{"checkpoint": 1, "events": "x", "account": "a", "dead_letter": null, '
            b'"created": "t"}\n{"ok": NaN}\n',
            "damaged",
        ),
    ],
    ids=["missing", "empty", "foreign", "not-strict"],
)
def test_what_is_not_a_checkpoint_is_refused(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "run.checkpoint"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match=message):
        load_checkpoint(str(path))


def test_a_checkpoint_is_checked_against_the_account_and_the_dead_letter_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.checkpoint"
    Checkpoint.create(str(path), HEADER).close()
    state = load_checkpoint(str(path))
    state.check(account="https://a.api-us1.com/", dead_letter=None)
    with pytest.raises(CheckpointError, match="written for the account"):
        state.check(account="https://b.api-us1.com/", dead_letter=None)
    with pytest.raises(CheckpointError, match="same --dead-letter"):
        state.check(account="https://a.api-us1.com/", dead_letter="/elsewhere.jsonl")


def test_resuming_a_dead_letter_file_cuts_what_the_checkpoint_does_not_record(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dead.jsonl"
    letters = DeadLetterFile.create(str(path), source="in.jsonl")
    bad = parse_line(1, b"{nope")
    assert bad is not None and bad.problem is not None
    size = letters.write(bad, bad.problem)
    letters.write(bad, bad.problem)  # written, but its outcome never reached the checkpoint
    letters.close()
    with path.open("ab") as stream:
        stream.write(b'{"dead_letter": {"li')  # and a torn line

    resumed = DeadLetterFile.resume(str(path), size, source="in.jsonl")
    resumed.close()

    assert path.read_bytes().count(b"\n") == 1 and path.stat().st_size == size
    with pytest.raises(CheckpointError, match="letters written by the earlier run are missing"):
        DeadLetterFile.resume(str(path), size + 1, source="in.jsonl")


def test_a_full_device_fails_at_the_first_write(tmp_path: Path) -> None:
    letters = DeadLetterFile.create("/dev/full", source="in.jsonl")
    bad = parse_line(1, b"{nope")
    assert bad is not None and bad.problem is not None
    with pytest.raises(RecordingError, match="No space left on device"):
        letters.write(bad, bad.problem)
    assert not letters.remove_if_empty()  # a device is never removed
    letters.close()
    assert Path("/dev/full").exists()
