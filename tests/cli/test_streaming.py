"""A stream of thousands of events: every count right, across many batches.

The emulator's simulated clock paces the client's 5 requests/second limiter, so the
account's rate limit costs no real time; the test checks correctness at size, not speed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from rudder_mapper.samples import workload

from ._support import Account, problem_lines, read_dead_letters, summary

COUNT = 5_000
BAD_EVERY = 1_000  # a line that is not JSON after every this many events


def _domain(message: dict[str, Any]) -> str:
    url: str = message["properties"]["url"]
    host = urlsplit(url).hostname
    assert host is not None
    return host.removeprefix("www.")


def _stream(messages: list[dict[str, Any]]) -> Iterator[tuple[int, str]]:
    """(line number, text); a bad line follows every BAD_EVERY messages."""
    number = 0
    for index, message in enumerate(messages, start=1):
        number += 1
        yield number, json.dumps(message)
        if index % BAD_EVERY == 0:
            number += 1
            yield number, f"{{truncated line after event {index}"


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_thousands_of_events_all_counted(account: Account, tmp_path: Path, source: str) -> None:
    messages = list(workload(COUNT, seed=3, users=300, domains=20))
    lines = list(_stream(messages))
    bad_numbers = [number for number, text in lines if text.startswith("{truncated")]
    text = "".join(line + "\n" for _, line in lines)
    dead = tmp_path / "dead.jsonl"

    if source == "file":
        events = tmp_path / "events.jsonl"
        events.write_text(text, encoding="utf-8")
        result = account.send(str(events), "--dead-letter", str(dead))
    else:
        result = account.send("-", "--dead-letter", str(dead), input=text)

    assert result.exit_code == 1  # the bad lines
    emulator = account.emulator
    assert summary(result.stdout) == {
        "events": COUNT + len(bad_numbers),
        "delivered": COUNT,
        "rejected": len(bad_numbers),
        "failed_retryable": 0,
        "warnings": 0,
        "requests": len(emulator.requests),
    }
    assert problem_lines(result.stdout) == dict.fromkeys(bad_numbers, 400)
    letters = read_dead_letters(dead)
    assert [r["dead_letter"]["line"] for r in letters] == bad_numbers
    assert all(r["message"].startswith("{truncated") for r in letters)

    by_type = Counter(m["type"] for m in messages)
    assert by_type["track"] > 1_000 and by_type["identify"] > 100 and by_type["page"] > 100
    tracks = [m for m in messages if m["type"] == "track"]
    assert Counter(e.event for e in emulator.tracked_events) == Counter(m["event"] for m in tracks)
    assert Counter(e.email for e in emulator.tracked_events) == Counter(
        m["context"]["traits"]["email"] for m in tracks
    )
    pages = {_domain(m) for m in messages if m["type"] == "page"}
    assert sorted(emulator.domains().values()) == sorted(pages)
    identified = {m["traits"]["email"] for m in messages if m["type"] == "identify"}
    assert identified <= {c.email for c in emulator.contacts()}
    # The client's limiter, on the emulator's clock, kept within the account's budget.
    assert not [r for r in emulator.requests if r.status == 429]
