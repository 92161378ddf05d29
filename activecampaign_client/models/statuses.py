"""Status codes the API writes as digit strings, as enums that still compare equal to them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

__all__ = ["ListStatus", "ListStatusValue"]


class ListStatus(str, Enum):
    """A contact's status on a list (``contactList.status``; the ``status`` filter of
    ``contacts.list``). A ``str`` enum: ``ListStatus.SUBSCRIBED == "1"`` is True.

    Writing, the API takes ``1`` (subscribe) and ``2`` (unsubscribe); reading, a
    membership may also be unconfirmed (``0``) or bounced (``3``).
    """

    UNCONFIRMED = "0"
    """Waiting for the contact to confirm (double opt-in)."""
    SUBSCRIBED = "1"
    """Active: the contact receives the list's mailings."""
    UNSUBSCRIBED = "2"
    """Unsubscribed from the list."""
    BOUNCED = "3"
    """The address bounced."""


def _list_status(value: Any) -> Any:
    # The API sends "1" in listings and 1 in the answer to POST /contactLists.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        try:
            return ListStatus(value.strip())
        except ValueError:
            return value
    return value


ListStatusValue = Annotated[
    ListStatus | str, Field(union_mode="left_to_right"), BeforeValidator(_list_status)
]
"""A ``ListStatus`` when the code is one the client knows; otherwise the API's own string,
kept rather than refused (a status added later must not break reading a membership)."""
