"""``demo``: the bundled sample through the real pipeline into the emulator, then tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rudder_mapper.samples import BAD_LINES, SAMPLE_FILE, demo_events, seed_examples

from ._support import invoke, problem_lines, read_dead_letters, summary, write_jsonl


def _bad_line_numbers() -> list[int]:
    return [number for number, text in enumerate(demo_events(), start=1) if text in BAD_LINES]


def _as_dead_letter_message(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # lines that are not JSON are kept as raw text


def test_bundled_sample_file_is_what_the_generator_makes() -> None:
    # Regenerate with `python -m rudder_mapper.samples` after changing samples.py.
    assert SAMPLE_FILE.read_text(encoding="utf-8") == "\n".join(demo_events()) + "\n"


def test_bundled_sample_has_seed_examples_generated_events_and_bad_lines() -> None:
    lines = demo_events()
    for example in seed_examples():
        assert json.dumps(example) in lines
    assert sorted(_bad_line_numbers()) == sorted(
        lines.index(bad) + 1 for bad in BAD_LINES
    )  # each bad line once
    assert len(lines) - len(seed_examples()) - len(BAD_LINES) >= 200


def test_demo_exits_0_and_prints_the_summary_and_the_account_state() -> None:
    result = invoke("demo", "--show", "100")

    assert result.exit_code == 0, result.output
    stdout = result.stdout
    for title in (
        "Replayed sample_events.jsonl into the ActiveCampaign emulator",
        "Contacts (",
        "Account catalog",
        "Tracked events (",
        "Events not delivered",
        "Delivery summary",
        "elapsed (emulator's simulated clock)",
    ):
        assert title in stdout, title
    numbers = summary(stdout)
    events = len([line for line in demo_events() if line.strip()])
    assert numbers["events"] == events
    assert numbers["rejected"] == len(BAD_LINES)
    assert numbers["failed_retryable"] == 0
    assert numbers["delivered"] == events - len(BAD_LINES)
    assert numbers["requests"] > 0
    assert problem_lines(stdout) == dict.fromkeys(_bad_line_numbers(), 400)
    messages = [json.loads(t) for t in demo_events() if t not in BAD_LINES]
    emails = {m["traits"]["email"] for m in messages if "email" in m.get("traits", {})}
    assert f"Contacts ({len(emails)})" in stdout
    for email in emails:
        assert email in stdout
    tracked = [m for m in messages if m["type"] in ("track", "screen")]
    assert f"Tracked events ({len(tracked)})" in stdout
    for seeded in ("Returning User", "Coupon Used", "rudderlabs.com", "Product Purchased"):
        assert seeded in stdout


def test_demo_dead_letter_holds_exactly_the_bad_sample_lines(tmp_path: Path) -> None:
    dead = tmp_path / "dead.jsonl"

    result = invoke("demo", "--dead-letter", str(dead), "--show", "0")

    assert result.exit_code == 0, result.output
    letters = read_dead_letters(dead)
    assert [r["dead_letter"]["line"] for r in letters] == _bad_line_numbers()
    assert [r["message"] for r in letters] == [_as_dead_letter_message(t) for t in BAD_LINES]
    assert all(r["dead_letter"]["retryable"] is False for r in letters)


def test_demo_replays_a_given_file_with_send_s_exit_codes(tmp_path: Path) -> None:
    events = write_jsonl(
        tmp_path / "mine.jsonl",
        [*seed_examples(), {"type": "[/x] not markup"}],  # rejected, shown as written
    )

    result = invoke("demo", "--events", str(events))

    assert result.exit_code == 1, result.output  # as send: some events undelivered
    assert "Replayed mine.jsonl" in result.stdout
    numbers = summary(result.stdout)
    assert (numbers["events"], numbers["delivered"], numbers["rejected"]) == (8, 7, 1)
    assert "type: '[/x] not markup' is not supported" in result.stdout
    assert "Contacts (1)" in result.stdout
    assert "broken on purpose" not in result.stdout


def test_demo_of_a_file_delivered_whole_exits_0(tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "mine.jsonl", seed_examples())

    result = invoke("demo", "--events", str(events))

    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["delivered"] == 7


def test_the_bundled_sample_s_broken_lines_are_expected(tmp_path: Path) -> None:
    result = invoke("demo", "--show", "0")

    assert result.exit_code == 0, result.output
    numbers = ", ".join(str(n) for n in _bad_line_numbers())
    assert f"the sample's lines {numbers} are broken on purpose" in result.stdout


def test_demo_exits_3_when_its_dead_letters_cannot_be_written() -> None:
    result = invoke("demo", "--dead-letter", "/dev/full", "--show", "0")

    assert result.exit_code == 3, result.output
    message = "error: outcomes could not be recorded: cannot write /dev/full: No space left"
    assert message in result.stderr


def test_demo_with_a_missing_events_file_exits_2(tmp_path: Path) -> None:
    result = invoke("demo", "--events", str(tmp_path / "nowhere.jsonl"))

    assert result.exit_code == 2
    assert "cannot open" in result.stderr
    assert "nowhere.jsonl" in result.stderr


def test_demo_refuses_to_overwrite_its_events_file(tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "mine.jsonl", seed_examples())
    before = events.read_text(encoding="utf-8")

    result = invoke("demo", "--events", str(events), "--dead-letter", str(events))

    assert result.exit_code == 2
    assert "is the events file itself" in result.stderr
    assert events.read_text(encoding="utf-8") == before
