"""Strict line decoding: every kind of bad line is a 400 naming what is wrong, and what
its dead letter keeps is strict JSON."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from rudder_mapper.run import DEFAULT_MAX_LINE_BYTES, Line, LineReader, parse_line
from rudder_mapper.run._dead_letters import dead_letter_record
from rudder_mapper.run._files import json_line


def _strict(text: bytes) -> Any:
    def refuse(literal: str) -> Any:
        raise ValueError(literal)

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        (b'{"traits": {"name": "Ren\xe9"}}', "line", "not valid UTF-8 (byte 0xe9 at offset 24)"),
        (b'{"a": {"b": NaN}}', "a.b", "a.b: NaN is not a JSON number"),
        (b'{"a": [1, Infinity]}', "a[1]", "a[1]: Infinity is not a JSON number"),
        (b'{"a": -Infinity}', "a", "a: -Infinity is not a JSON number"),
        (b'{"a": 1e400}', "a", "a: 1e400 is not a JSON number"),
        (b'{"a": ' + b"[" * 101 + b"]" * 101 + b"}", "line", "nested more than 100 levels"),
        (b"[" * 50_000 + b"]" * 50_000, "line", "nested more than 100 levels"),
        (b'{"a": 1' + b"1" * 5_000 + b"}", "line", "beyond JSON limits"),
        (b"{not json", "line", "not valid JSON"),
        (b"[1, 2]", "line", "not a JSON object"),
    ],
    ids=[
        "invalid-utf8",
        "nan",
        "infinity",
        "minus-infinity",
        "overflowing-float",
        "102-levels",
        "50000-levels",
        "5000-digits",
        "not-json",
        "not-object",
    ],
)
def test_a_bad_line_is_a_400_naming_the_field_and_dead_letters_as_strict_json(
    raw: bytes, field: str, reason: str
) -> None:
    line = parse_line(7, raw)
    assert line is not None and line.problem is not None
    assert (line.problem.status_code, line.problem.retryable) == (400, False)
    assert line.problem.field == field
    assert reason in (line.problem.error or "")
    assert (line.problem.error or "").startswith("line 7: ")
    letter = _strict(json_line(dead_letter_record(line, line.problem, "in.jsonl")))
    assert letter["dead_letter"]["line"] == 7


def test_invalid_utf8_is_kept_escaped_never_replaced() -> None:
    line = parse_line(1, b'{"name": "a\xff\xfeb"}\n')
    assert line is not None
    assert line.message == '{"name": "a\\xff\\xfeb"}'
    assert "\ufffd" not in line.message


def test_a_hundred_levels_are_fine() -> None:
    deep: Any = {}
    for _ in range(98):
        deep = {"d": deep}
    line = parse_line(1, json.dumps({"type": "track", "x": deep}))
    assert line is not None and line.problem is None


def test_a_dead_letter_envelope_keeps_its_origin() -> None:
    raw = json.dumps(
        {
            "dead_letter": {"line": 41, "file": "a.jsonl", "maybe_applied": True},
            "message": {"type": "page"},
        }
    )
    line = parse_line(3, raw)
    assert line == Line(
        3, {"type": "page"}, maybe_applied=True, origin_line=41, origin_file="a.jsonl"
    )
    assert line.line == 41
    record = dead_letter_record(line, parse_line(1, "[]").problem, "replay.jsonl")  # type: ignore[union-attr, arg-type]
    assert (record["dead_letter"]["line"], record["dead_letter"]["file"]) == (41, "a.jsonl")


def test_blank_lines_and_a_byte_order_mark() -> None:
    assert parse_line(4, b"  \r\n") is None
    first = parse_line(1, b'\xef\xbb\xbf{"type": "page"}')
    assert first is not None and first.message == {"type": "page"}


def test_an_over_long_line_is_rejected_without_being_held_and_the_next_one_is_read() -> None:
    stream = io.BytesIO(b'{"type": "page", "x": "' + b"y" * 5_000 + b'"}\n{"type": "page"}\n')
    first, second = LineReader(stream, max_line_bytes=1_000)
    assert first.problem is not None and first.problem.status_code == 400
    assert "is 5,026 bytes long; at most 1,000" in (first.problem.error or "")
    assert len(first.message) < 300
    assert (second.number, second.message, second.problem) == (2, {"type": "page"}, None)
    assert DEFAULT_MAX_LINE_BYTES == 1024 * 1024
