"""Trait values become the text each custom field type expects."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

import pytest

from rudder_mapper.values import ValueProblem, field_value_text


@pytest.mark.parametrize(
    ("value", "field_type", "expected"),
    [
        ("Electronics", "text", "Electronics"),
        (["Cricket", "Tennis"], "checkbox", "||Cricket||Tennis||"),
        (["Cricket", "Tennis"], "text", "||Cricket||Tennis||"),
        ("Cricket", "listbox", "||Cricket||"),
        ("||a||b||", "checkbox", "||a||b||"),
        (42, "text", "42"),
        (4.0, "text", "4"),
        (True, "text", "true"),
        ("2021-05-02T10:11:12Z", "date", "2021-05-02"),
        ("2021-05-02", "date", "2021-05-02"),
        (date(2020, 1, 31), "date", "2020-01-31"),
        ("2021-05-02T10:11:12.345+02:00", "datetime", "2021-05-02T10:11:12+02:00"),
        ("2021-05-02", "datetime", "2021-05-02T00:00:00"),
        (
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            "datetime",
            "2020-01-02T03:04:05+00:00",
        ),
        (1_600_000_000_000, "date", "2020-09-13"),
        ({"a": 1}, "textarea", '{"a":1}'),
    ],
)
def test_field_value_text(value: Any, field_type: str, expected: str) -> None:
    assert field_value_text(value, field_type) == expected


@pytest.mark.parametrize(
    ("value", "field_type"),
    [("next tuesday", "date"), ([{"a": 1}], "checkbox"), (object(), "text"), ([[1]], "text")],
)
def test_values_that_cannot_fit_are_problems(value: Any, field_type: str) -> None:
    with pytest.raises(ValueProblem):
        field_value_text(value, field_type)
