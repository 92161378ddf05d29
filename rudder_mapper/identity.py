"""Who an event is about: the keys that tie one user's events together.

The destination keeps each user's events in order within a batch; a service storing
events between batches needs the same keys to keep that order across batches and retries.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._prepare import Prepared, prepare
from .events import Message

__all__ = ["user_identities"]


def user_identities(message: object) -> tuple[str, ...]:
    """``userId:…``, ``anonymousId:…`` and ``email:…`` keys of a message (the email only
    when the message can be planned; empty for one that names nobody).

    Two events sharing any key are the same user's: the destination applies them in
    their original order, and so must anything that queues them.
    """
    prepared = prepare(message)
    if isinstance(prepared, Prepared):
        return prepared.identities
    return Message(message).identities if isinstance(message, Mapping) else ()
