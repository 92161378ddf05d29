"""The one error the mapping raises: an event that can never be delivered as it is."""

from __future__ import annotations

__all__ = ["EventError"]


class EventError(ValueError):
    """A message field is missing or unusable. ``field`` is its dotted path in the message."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
