"""``--dead-letter``: every undelivered line is kept with why, and replays with ``send``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ._support import (
    Account,
    jsonl,
    letters_by_line,
    problem_lines,
    read_dead_letters,
    summary,
    write_jsonl,
)

PAGE = {"type": "page", "properties": {"url": "https://www.shop.example.com/a"}}
BAD_EMAIL = {"type": "identify", "userId": "u-bad", "traits": {"email": "not-an-address"}}
TRACK = {
    "type": "track",
    "userId": "u-track",
    "event": "Order Completed",
    "context": {"traits": {"email": "track@example.com"}},
    "properties": {"eventData": {"order": "A-1"}},
}
IDENTIFY = {
    "type": "identify",
    "userId": "u-sync",
    "traits": {"email": "sync@example.com", "name": "Sync Person", "tags": ["VIP"]},
}
OTHER_PAGE = {"type": "page", "properties": {"url": "https://blog.example.org/post"}}

LINES: list[Any] = [
    PAGE,  # 1 delivered
    "{not json",  # 2 rejected: kept as raw text
    "[1, 2]",  # 3 rejected: not an object
    BAD_EMAIL,  # 4 rejected by the mapper (400, field traits.email)
    TRACK,  # 5 trackcmp.net answers 503: retryable
    IDENTIFY,  # 6 contact/sync answers 503 on every attempt: retryable
    OTHER_PAGE,  # 7 delivered
]


def _send_with_faults(account: Account, tmp_path: Path) -> tuple[Path, Any]:
    faults = account.emulator.faults
    faults.script("POST trackcmp.net/event", ["503"])  # tracking is not retried after a 5xx
    faults.script("POST /api/3/contact/sync", ["503"] * 3)  # first attempt + 2 retries
    events = write_jsonl(tmp_path / "events.jsonl", LINES)
    dead = tmp_path / "dead.jsonl"
    result = account.send(str(events), "--dead-letter", str(dead), "--concurrency", "1")
    assert faults.scripted_remaining == 0
    return dead, result


def test_every_undelivered_line_is_written_with_its_reason(
    account: Account, tmp_path: Path
) -> None:
    dead, result = _send_with_faults(account, tmp_path)

    assert result.exit_code == 1
    assert summary(result.stdout) | {"requests": 0} == {
        "events": 7,
        "delivered": 2,
        "rejected": 3,
        "failed_retryable": 2,
        "warnings": 0,
        "requests": 0,
    }
    assert "5 undelivered events written to" in result.stdout
    letters = read_dead_letters(dead)
    assert [r["dead_letter"]["line"] for r in letters] == [2, 3, 4, 5, 6]
    by_line = letters_by_line(letters)

    not_json = by_line[2]
    assert not_json["message"] == "{not json"
    assert not_json["dead_letter"] | {"error": None} == {
        "line": 2,
        "file": str(tmp_path / "events.jsonl"),
        "status_code": 400,
        "retryable": False,
        "error": None,
        "field": "line",
        "maybe_applied": False,
    }
    assert "line 2: not valid JSON" in not_json["dead_letter"]["error"]

    array = by_line[3]
    assert array["message"] == [1, 2]
    assert (array["dead_letter"]["status_code"], array["dead_letter"]["retryable"]) == (400, False)
    assert array["dead_letter"]["error"] == "line 3: not a JSON object"

    bad_email = by_line[4]
    assert bad_email["message"] == BAD_EMAIL
    assert bad_email["dead_letter"]["field"] == "traits.email"
    assert (bad_email["dead_letter"]["status_code"], bad_email["dead_letter"]["retryable"]) == (
        400,
        False,
    )
    assert "not-an-address" in bad_email["dead_letter"]["error"]

    for number, original, path in ((5, TRACK, "trackcmp.net/event"), (6, IDENTIFY, "contact/sync")):
        record = by_line[number]
        assert record["message"] == original
        assert record["dead_letter"]["status_code"] == 503
        assert record["dead_letter"]["retryable"] is True
        assert path in record["dead_letter"]["error"]
    # A 503 from trackcmp may come after it recorded the event; a failed sync is harmless.
    assert [by_line[n]["dead_letter"]["maybe_applied"] for n in (5, 6)] == [True, False]

    emulator = account.emulator
    assert emulator.tracked_events == []
    assert emulator.contact("sync@example.com") is None
    assert sorted(emulator.domains().values()) == ["blog.example.org", "shop.example.com"]


def test_replaying_the_dead_letter_file_delivers_the_retryable_events(
    account: Account, tmp_path: Path
) -> None:
    dead, _ = _send_with_faults(account, tmp_path)
    account.emulator.faults.clear()
    account.emulator.reset_requests()
    still_dead = tmp_path / "still-dead.jsonl"

    result = account.send(str(dead), "--dead-letter", str(still_dead))

    assert result.exit_code == 1  # the three bad events stay bad
    numbers = summary(result.stdout)
    assert (numbers["events"], numbers["delivered"]) == (5, 2)
    assert (numbers["rejected"], numbers["failed_retryable"]) == (3, 0)
    assert numbers["requests"] == len(account.emulator.requests)

    emulator = account.emulator
    assert [(e.event, e.email) for e in emulator.tracked_events] == [
        ("Order Completed", "track@example.com")
    ]
    assert json.loads(emulator.tracked_events[0].eventdata or "") == {"order": "A-1"}
    contact = emulator.contact("sync@example.com")
    assert contact is not None
    assert (contact.first_name, contact.last_name, contact.tags) == ("Sync", "Person", {"VIP"})

    # What stays undelivered is written again, the original messages untouched, with the
    # line and file where each was first read: a replay reports the original lines too.
    remaining = read_dead_letters(still_dead)
    assert [r["message"] for r in remaining] == ["{not json", [1, 2], BAD_EMAIL]
    assert all(r["dead_letter"]["retryable"] is False for r in remaining)
    assert [r["dead_letter"]["line"] for r in remaining] == [2, 3, 4]
    assert {r["dead_letter"]["file"] for r in remaining} == {str(tmp_path / "events.jsonl")}
    assert problem_lines(result.stdout) == {2: 400, 3: 400, 4: 400}


def test_an_at_most_once_replay_skips_what_trackcmp_may_have_recorded(
    account: Account, tmp_path: Path
) -> None:
    dead, _ = _send_with_faults(account, tmp_path)
    account.emulator.faults.clear()

    result = account.send(str(dead), "--skip-ambiguous")

    numbers = summary(result.stdout)
    assert (numbers["events"], numbers["delivered"], numbers["rejected"]) == (5, 1, 3)
    assert "skipped (may already be recorded)" in result.stdout
    assert account.emulator.tracked_events == []  # the ambiguous track was left out
    assert account.emulator.contact("sync@example.com") is not None


def test_replay_of_retryable_failures_only_exits_0(account: Account, tmp_path: Path) -> None:
    tracks = [
        {**TRACK, "userId": f"u-{n}", "context": {"traits": {"email": f"t{n}@example.com"}}}
        for n in range(3)
    ]
    account.emulator.faults.script("POST trackcmp.net/event", ["503", "502", "504"])
    events = write_jsonl(tmp_path / "events.jsonl", tracks)
    dead = tmp_path / "dead.jsonl"

    first = account.send(str(events), "--dead-letter", str(dead))

    assert first.exit_code == 1
    assert summary(first.stdout)["failed_retryable"] == 3
    assert len(read_dead_letters(dead)) == 3
    assert account.emulator.tracked_events == []

    again = tmp_path / "again.jsonl"
    replay = account.send(str(dead), "--dead-letter", str(again))

    assert replay.exit_code == 0, replay.output
    assert summary(replay.stdout)["delivered"] == 3
    assert not again.exists()  # nothing undelivered, no dead-letter file
    assert "undelivered events written" not in replay.stdout
    assert sorted(e.email for e in account.emulator.tracked_events) == [
        "t0@example.com",
        "t1@example.com",
        "t2@example.com",
    ]


def test_without_dead_letter_option_they_go_next_to_the_input(
    account: Account, tmp_path: Path
) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", ["{not json", PAGE])

    result = account.send(str(events))

    assert result.exit_code == 1
    default = tmp_path / "events.jsonl.dead-letter.jsonl"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dest.json",
        "events.jsonl",
        "events.jsonl.checkpoint",
        "events.jsonl.dead-letter.jsonl",
    ]
    assert [r["message"] for r in read_dead_letters(default)] == ["{not json"]
    assert f"1 undelivered events written to {default}" in " ".join(result.stdout.split())


def test_reading_stdin_without_dead_letter_option_prints_each_undelivered_event(
    account: Account, tmp_path: Path
) -> None:
    result = account.send("-", input=jsonl(["{not json", PAGE, BAD_EMAIL]))

    assert result.exit_code == 1
    printed = [line for line in result.stderr.splitlines() if line.startswith("undelivered")]
    assert len(printed) == 2
    assert printed[0].startswith("undelivered line 1 (400, not retryable): line 1: not valid JSON")
    assert printed[1].startswith("undelivered line 3 (400, not retryable): traits.email")
    output = " ".join(result.stdout.split())
    assert "2 undelivered events printed above (no dead-letter file" in output
    assert "written to" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dest.json"]
