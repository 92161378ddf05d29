"""Small helpers the resource modules share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from .._exceptions import InvalidInputError
from ..models._base import parse_response, unwrap
from ..models.contacts import FieldValueInput
from ..models.tracking import TrackingStatus

__all__ = [
    "DateArg",
    "FieldValuesArg",
    "date_param",
    "field_values_input",
    "query_text",
    "require_text",
    "tracking_status",
]

DateArg = dt.date | dt.datetime | str
"""A date filter: a ``date`` (``YYYY-MM-DD``), a ``datetime`` (ISO 8601, with its offset
when it has one) or text passed as it is."""

FieldValuesArg = (
    Mapping[str, str] | Mapping[int, str] | Sequence[FieldValueInput | Mapping[str, Any]]
)
"""Custom field values: ``{field_id: value}``, or a list of ``{"field": id, "value": v}``."""


def field_values_input(values: FieldValuesArg | None) -> list[dict[str, Any]] | None:
    """Normalise the accepted shapes of field values to ``[{"field", "value"}]``."""
    if values is None:
        return None
    if isinstance(values, Mapping):
        return [{"field": key, "value": value} for key, value in values.items()]
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise InvalidInputError("field_values", "must be a mapping or a list of {field, value}")
    return [v.model_dump() if isinstance(v, FieldValueInput) else dict(v) for v in values]


def require_text(value: object, *, name: str, max_length: int | None = None) -> str:
    """A non-empty single-line string argument, stripped."""
    if not isinstance(value, str):
        raise InvalidInputError(name, f"must be a string, not {type(value).__name__}")
    text = value.strip()
    if not text:
        raise InvalidInputError(name, "must not be empty")
    if any(c in text for c in "\r\n\x00"):
        raise InvalidInputError(name, "must not contain line breaks or NUL characters")
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(
                name, "must be valid Unicode text (it holds a lone surrogate)"
            ) from None
    if max_length is not None and len(text) > max_length:
        raise InvalidInputError(name, f"is {len(text)} characters; the limit is {max_length}")
    return text


def query_text(value: object, *, name: str) -> str:
    """A search text for a query string, sent exactly as given (spaces included)."""
    if not isinstance(value, str):
        raise InvalidInputError(name, f"must be a string, not {type(value).__name__}")
    return value


def date_param(value: object, *, name: str) -> str:
    """A date filter's query value (see ``DateArg``)."""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return require_text(value, name=name, max_length=64)


def tracking_status(data: Any, key: str) -> TrackingStatus:
    """The ``{key: {"enabled": ...}}`` answer of ``/eventTracking`` or ``/siteTracking``."""
    return parse_response(TrackingStatus, unwrap(data, key, what=key), what=key)
