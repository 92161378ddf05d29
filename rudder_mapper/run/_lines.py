"""One input line, decoded strictly: what a JSONL line holds, or why it is a bad line.

Strict means nothing is silently changed: bytes that are not UTF-8, ``NaN``/``Infinity``
(and numbers too large for a float, which Python would read as infinity) and nesting
deeper than ``MAX_NESTING`` make the line a 400 naming what is wrong, instead of being
replaced, written into dead letters strict JSON readers refuse, or crashing a writer.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from ..results import DeliveryResult

__all__ = ["MAX_NESTING", "Line", "bad_line", "nesting_depth", "parse_line"]

MAX_NESTING = 100
"""Deepest nesting of arrays and objects accepted in a message. Our choice: RudderStack
events nest a few levels; 100 is far beyond them and far below the depth at which Python's
own JSON encoder and decoder give up (about 1,000)."""

_BOM = "\ufeff"


@dataclass(frozen=True)
class Line:
    """One non-blank input line: its number, the decoded message (or, for a bad line, its
    text) and the problem that makes it undeliverable, if any.

    ``origin_line``/``origin_file`` come from a dead-letter envelope being replayed: where
    the event was first read. ``end`` is the byte offset just after the line and
    ``digest`` the SHA-256 state of every byte up to there (set by ``LineReader``).
    """

    number: int
    message: Any
    problem: DeliveryResult | None = None
    maybe_applied: bool = False
    origin_line: int | None = None
    origin_file: str | None = None
    end: int = 0
    digest: Any = field(default=None, compare=False, repr=False)

    @property
    def line(self) -> int:
        """The line number to report: the original one for a replayed dead letter."""
        return self.origin_line if self.origin_line is not None else self.number

    @property
    def is_track(self) -> bool:
        """Whether the message is a track or screen event (trackcmp has no idempotency)."""
        kind = self.message.get("type") if isinstance(self.message, dict) else None
        return isinstance(kind, str) and kind.strip().lower() in ("track", "screen")


def bad_line(number: int, kept: Any, reason: str, **context: Any) -> Line:
    """A line that is not a deliverable message: a 400 naming the line; ``kept`` is what
    its dead letter holds (the text, or the decoded value when it is valid JSON)."""
    problem = DeliveryResult(400, False, f"line {number}: {reason}", field="line")
    return Line(number, kept, problem, **context)


class _NonFinite:
    """A NaN, Infinity or overflowing number met while decoding, kept to find its path."""

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal


class _NonFiniteFound(ValueError):
    pass


def _refuse_constant(literal: str) -> Any:
    raise _NonFiniteFound(literal)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise _NonFiniteFound(literal)
    return value


# The fast path decodes once and only raises; the slow one, for the rare bad line, decodes
# again keeping a marker where the value was, so the error can name the field.
_STRICT = json.JSONDecoder(parse_constant=_refuse_constant, parse_float=_finite_float)
_MARKING = json.JSONDecoder(
    parse_constant=_NonFinite,
    parse_float=lambda s: v if math.isfinite(v := float(s)) else _NonFinite(s),
)


def _children(node: Any, path: str) -> list[tuple[Any, str]]:
    if isinstance(node, dict):
        return [(value, f"{path}.{key}" if path else str(key)) for key, value in node.items()]
    if isinstance(node, list):
        return [(value, f"{path}[{index}]") for index, value in enumerate(node)]
    return []


def _non_finite_path(value: Any) -> tuple[str, str]:
    """Path and literal of the first non-finite number, in document order."""
    stack = [(value, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _NonFinite):
            return path or "line", node.literal
        stack.extend(reversed(_children(node, path)))
    return "line", "NaN"  # not reached: the strict decoder found one


def nesting_depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _unwrap(value: Any) -> tuple[Any, dict[str, Any]]:
    """A dead-letter envelope's message and where it came from; other values as they are."""
    if not (
        isinstance(value, dict)
        and isinstance(value.get("dead_letter"), dict)
        and "message" in value
    ):
        return value, {}
    letter = value["dead_letter"]
    origin: dict[str, Any] = {"maybe_applied": letter.get("maybe_applied") is True}
    line = letter.get("line")
    if isinstance(line, int) and not isinstance(line, bool) and line > 0:
        origin["origin_line"] = line
    source = letter.get("file")
    if isinstance(source, str) and source:
        origin["origin_file"] = source
    return value["message"], origin


def parse_line(number: int, raw: bytes | str, **position: Any) -> Line | None:
    """Decode line ``number``; None for a blank line. ``position`` (``end``, ``digest``)
    is passed on to the Line. Never raises."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            return bad_line(
                number,
                raw.rstrip(b"\r\n").decode("utf-8", "backslashreplace"),
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); the "
                "line is kept with its undecodable bytes written as \\xNN",
                **position,
            )
    else:
        text = raw
    if number == 1:
        text = text.removeprefix(_BOM)
    if not text.strip():
        return None
    try:
        value = _STRICT.decode(text)
    except _NonFiniteFound:
        marked = _MARKING.decode(text)
        path, literal = _non_finite_path(marked)
        origin = _unwrap(marked)[1]
        if origin:  # a replayed dead letter: name the field in the message
            path = path.removeprefix("message.")
        problem = DeliveryResult(
            400,
            False,
            f"line {number}: {path}: {literal} is not a JSON number (strict JSON has no "
            "NaN or Infinity; numbers must fit a double)",
            field=path,
        )
        return Line(number, text.rstrip("\r\n"), problem, **origin, **position)
    except json.JSONDecodeError as exc:
        return bad_line(number, text.rstrip("\r\n"), f"not valid JSON ({exc.msg})", **position)
    except RecursionError:
        reason = f"nested more than {MAX_NESTING} levels deep"
        return bad_line(number, text.rstrip("\r\n"), reason, **position)
    except ValueError:  # an integer of more than 4,300 digits
        return bad_line(number, text.rstrip("\r\n"), "beyond JSON limits", **position)
    value, origin = _unwrap(value)
    # Counting brackets is cheap and bounds the depth: most lines need no walk at all.
    if text.count("[") + text.count("{") > MAX_NESTING and nesting_depth(value) > MAX_NESTING:
        reason = f"nested more than {MAX_NESTING} levels deep"
        return bad_line(number, text.rstrip("\r\n"), reason, **position)
    if not isinstance(value, dict):
        return bad_line(number, value, "not a JSON object", **origin, **position)
    return Line(number, value, **origin, **position)
