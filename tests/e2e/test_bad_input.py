"""Bad input stays bad input, visibly: invalid UTF-8, NaN/Infinity, any nesting depth and
over-long lines are each a 400 naming what is wrong, dead-lettered as strict JSON; the good
lines around them are delivered."""

from __future__ import annotations

import json
from pathlib import Path

from activecampaign_client.testing import EmulatorServer

from ._support import finish, letters_by_line, read_strict_jsonl, start_send, words

GOOD = {
    "type": "track",
    "userId": "u1",
    "event": "Signed Up",
    "context": {"traits": {"email": "u1@example.com"}},
}


def _lines() -> dict[int, bytes]:
    good = json.dumps(GOOD).encode()
    return {
        1: good,
        2: b'{"type": "identify", "traits": {"email": "a@example.com", "firstName": "Ren\xe9"}}',
        3: b'{"type": "track", "event": "E", "properties": {"price": NaN}}',
        4: b'{"type": "track", "event": "E", "properties": {"price": Infinity}}',
        5: b'{"type": "track", "event": "E", "properties": {"list": [1, -Infinity]}}',
        6: b'{"type": "track", "event": "E", "properties": {"big": 1e999}}',
        7: b'{"type": "track", "x": ' + b"[" * 976 + b"]" * 976 + b"}",
        8: b"[" * 4_000 + b"]" * 4_000,  # beyond what Python's decoder recurses into
        9: b'{"type": "track", "event": "E", "properties": {"blob": "' + b"x" * 10_000 + b'"}}',
        10: good,
    }


def test_bad_lines_are_400s_and_their_dead_letters_strict_json(
    served: tuple[EmulatorServer, Path], tmp_path: Path
) -> None:
    server, config = served
    events = tmp_path / "events.jsonl"
    events.write_bytes(b"\n".join(_lines().values()) + b"\n")

    status, stdout, stderr = finish(
        start_send(str(events), "--config", str(config), "--max-line-bytes", "8192", cwd=tmp_path)
    )

    assert status == 1, stdout + stderr
    assert "Traceback" not in stderr
    letters = letters_by_line(tmp_path / "events.jsonl.dead-letter.jsonl")  # strict JSON
    assert set(letters) == set(range(2, 10))
    assert all(r["dead_letter"]["status_code"] == 400 for r in letters.values())
    assert all(r["dead_letter"]["retryable"] is False for r in letters.values())
    fields = {n: r["dead_letter"]["field"] for n, r in letters.items()}
    assert fields == {
        2: "line",
        3: "properties.price",
        4: "properties.price",
        5: "properties.list[1]",
        6: "properties.big",
        7: "line",
        8: "line",
        9: "line",
    }
    errors = {n: words(r["dead_letter"]["error"]) for n, r in letters.items()}
    assert "not valid UTF-8 (byte 0xe9" in errors[2]
    assert r"Ren\xe9" in letters[2]["message"]  # kept, escaped; nothing replaced
    assert "NaN is not a JSON number" in errors[3]
    assert "-Infinity is not a JSON number" in errors[5]
    assert "nested more than 100 levels deep" in errors[7]
    assert "nested more than 100 levels deep" in errors[8]
    assert "at most 8,192 (--max-line-bytes)" in errors[9]
    assert len(letters[9]["message"]) < 300  # a preview, not the whole line
    read_strict_jsonl(tmp_path / "events.jsonl.checkpoint")  # the journal is strict JSON too
    assert [e.event for e in server.emulator.tracked_events] == ["Signed Up", "Signed Up"]
