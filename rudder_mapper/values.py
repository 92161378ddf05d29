"""Pure conversion of trait values into the text ActiveCampaign stores for a field type."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any

from .events import preview

__all__ = ["MULTI_VALUE_TYPES", "ValueProblem", "field_value_text"]

# Field types whose values are written as ||a||b||.
MULTI_VALUE_TYPES = frozenset({"checkbox", "listbox", "multiselect"})


class ValueProblem(ValueError):
    """A value that cannot be written to a field of its type; reported as a warning."""


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Epoch numbers: milliseconds when they are too large to be seconds.
        seconds = value / 1000 if abs(value) > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ValueProblem(f"{preview(value)} is not a date or ISO 8601 date-time")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    raise ValueProblem(f"unsupported value of type {type(value).__name__}")


def field_value_text(value: Any, field_type: str) -> str:
    """The text to store for ``value`` in a field of ``field_type``.

    Arrays become ``||a||b||`` (for any field type: that is how multi-value fields take
    them, and a text field shows them readably); date fields get ``YYYY-MM-DD`` and
    datetime fields ISO 8601. Raises ValueProblem for values that cannot fit, including
    values Python cannot turn into text (integers over 4,300 digits, nesting deeper than
    the recursion limit, dates out of range) and text with lone surrogates.
    """
    try:
        text = _field_value_text(value, field_type)
        if not text.isascii():
            text.encode("utf-8")
    except ValueProblem:
        raise
    except UnicodeEncodeError:
        raise ValueProblem("is not valid Unicode text (it holds a lone surrogate)") from None
    except (ValueError, OverflowError, OSError, RecursionError) as exc:
        raise ValueProblem(f"cannot be written as text ({type(exc).__name__})") from None
    return text


def _field_value_text(value: Any, field_type: str) -> str:
    kind = field_type.lower()
    if isinstance(value, (list, tuple)):
        items = [_scalar_text(v) for v in value if v is not None]
        if any(isinstance(v, (Mapping, list, tuple)) for v in value):
            raise ValueProblem("nested objects or arrays cannot be stored in a field")
        return "||" + "||".join(items) + "||" if items else ""
    if kind in MULTI_VALUE_TYPES and value is not None and not isinstance(value, Mapping):
        text = _scalar_text(value)
        return text if text.startswith("||") else f"||{text}||"
    if kind == "date":
        return _parse_datetime(value).date().isoformat()
    if kind == "datetime":
        parsed = _parse_datetime(value)
        return parsed.isoformat(timespec="seconds")
    return _scalar_text(value)
