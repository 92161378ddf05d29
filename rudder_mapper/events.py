"""Lenient, typed access to RudderStack messages.

RudderStack messages are loosely typed JSON. Rather than one strict model that rejects a
whole event for an unrelated odd field, each action reads exactly the fields it needs
through these accessors, which either return a typed value or raise EventError naming
the dotted path of the field at fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import EventError

__all__ = ["Message", "describe_type", "preview", "scalar_text"]

_MAX_TEXT = 10_000
# Dotted paths split once: the planners look up the same few dozen paths for every event.
_PATHS: dict[str, tuple[str, ...]] = {}


def describe_type(value: object) -> str:
    """JSON-ish name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "array"
    return type(value).__name__


def preview(value: object, limit: int = 80) -> str:
    """A short repr of a value for an error message; never raises (a huge integer or a
    deeply nested value has no repr Python will build)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return describe_type(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scalar_text(value: str | int | float, path: str) -> str:
    """A string or number as text; EventError for values that cannot be sent as text:
    integers too long to write out (Python refuses over 4,300 digits) and strings holding
    lone surrogates (not encodable as UTF-8)."""
    try:
        text = str(value)
        if not text.isascii():  # a flag check: the common case costs nothing
            text.encode("utf-8")
    except UnicodeEncodeError:
        raise EventError(path, "must be valid Unicode text (it holds a lone surrogate)") from None
    except ValueError:
        raise EventError(path, "is a number too large to send") from None
    return text


@dataclass(frozen=True)
class Message:
    """A RudderStack message (identify, track, screen, page) as received."""

    raw: Mapping[str, Any]

    @classmethod
    def parse(cls, message: object) -> Message:
        """Wrap a decoded message; anything but a JSON object is refused."""
        if not isinstance(message, Mapping):
            raise EventError("message", f"must be a JSON object, got {describe_type(message)}")
        return cls(message)

    @property
    def type(self) -> str:
        """The lower-cased event type; missing or non-string types are refused."""
        value = self.raw.get("type")
        if not isinstance(value, str) or not value.strip():
            raise EventError("type", f"must be a non-empty string, got {describe_type(value)}")
        return value.strip().lower()

    @property
    def message_id(self) -> str | None:
        """``messageId`` when it is a string, for correlating results."""
        value = self.raw.get("messageId")
        return value if isinstance(value, str) else None

    @property
    def identities(self) -> tuple[str, ...]:
        """Who the event is about (``userId:…``, ``anonymousId:…``), for keeping one
        user's events in order."""
        found: list[str] = []
        for path in ("userId", "anonymousId"):
            value = self.raw.get(path)
            if isinstance(value, (str, int)) and not isinstance(value, bool):
                try:
                    text = str(value)
                except ValueError:  # an integer too long to write out
                    continue
                if text:
                    found.append(f"{path}:{text}")
        return tuple(found)

    def lookup(self, path: str) -> Any:
        """The value at a dotted path, or None if any step is missing or not an object."""
        parts = _PATHS.get(path)
        if parts is None:
            parts = _PATHS[path] = tuple(path.split("."))
        node: Any = self.raw
        for part in parts:
            # dict first: decoded JSON is always one, and the Mapping ABC check is slow.
            if not isinstance(node, dict) and not isinstance(node, Mapping):
                return None
            node = node.get(part)
        return node

    def obj(self, path: str) -> Mapping[str, Any] | None:
        """An optional object; present but not an object is an error."""
        value = self.lookup(path)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            raise EventError(path, f"must be an object, got {describe_type(value)}")
        return value

    def text(self, path: str, *, max_length: int = _MAX_TEXT) -> str | None:
        """An optional string (numbers are accepted and turned into text).

        Empty strings count as absent; other types, line breaks in short identifiers are
        the caller's business.
        """
        value = self.lookup(path)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise EventError(path, f"must be a string, got {describe_type(value)}")
        text = scalar_text(value, path).strip()
        if len(text) > max_length:
            raise EventError(path, f"is {len(text)} characters long; at most {max_length}")
        if "\x00" in text:
            raise EventError(path, "must not contain NUL characters")
        return text or None

    def first_text(self, *paths: str, max_length: int = _MAX_TEXT) -> tuple[str, str] | None:
        """The first of ``paths`` holding a non-empty string, with the path it came from."""
        for path in paths:
            value = self.text(path, max_length=max_length)
            if value is not None:
                return path, value
        return None
