"""Bulk imports ActiveCampaign may still be processing, and waiting for them.

An accepted import is only queued: ActiveCampaign applies it later (``GET /import/info``
tells when: ``completed``, or ``failed``/``interrupted``, after which it changes nothing
more). A sync of the same contact sent before then could be overwritten by the older
imported values. So the destination remembers, per contact, the import it is in until
the import is seen finished, and a later identify of that contact — in any later batch,
one by one or in the next import — first waits for it: polls with growing pauses
(``ImportWait``), each poll one request within the account's budget. If the import is
still processing when the wait's bound runs out, the identify is not sent: its result is
a retryable 503, never older values applied after newer ones.

An import ``GET /import/info`` no longer knows (404) is taken as finished: it was
accepted long enough ago for ActiveCampaign to have dropped it. Only imports of this
destination are known: another process importing the same contacts is not seen.

The waiting is pure: ``settle`` yields the polls to run (operations) and the pauses to
take, and the destination's driver (sync or async) carries them out.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from activecampaign_client import (
    ActiveCampaign,
    ActiveCampaignError,
    AsyncActiveCampaign,
    NotFoundError,
    Operation,
)

__all__ = ["ImportWait", "Pause", "PendingImports", "Step", "poll_imports", "settle"]


@dataclass(frozen=True)
class ImportWait:
    """How a later identify waits for an earlier import of its contact: a poll at once,
    then polls after pauses growing from ``first_pause`` by ``factor`` up to ``max_pause``,
    for at most ``timeout`` seconds in all."""

    first_pause: float = 1.0
    factor: float = 2.0
    max_pause: float = 8.0
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if not (self.first_pause > 0 and self.factor >= 1 and self.max_pause > 0):
            raise ValueError("pauses must be positive and must not shrink")
        if not self.timeout >= 0:
            raise ValueError("timeout must be 0 (poll once) or more seconds")

    def pauses(self) -> Iterator[float]:
        """0 (the first poll), then each pause before the next poll; they add up to at
        most ``timeout``."""
        yield 0.0
        waited, pause = 0.0, self.first_pause
        while waited < self.timeout:
            step = min(pause, self.timeout - waited)
            yield step
            waited += step
            pause = min(pause * self.factor, self.max_pause)


@dataclass(frozen=True)
class Pause:
    """Wait this many seconds (on the client's clock), then go on."""

    seconds: float


Step = Pause | Operation[Any]
"""What ``settle`` asks its driver to do: pause, or run an operation and send back its result."""


class PendingImports:
    """Contacts (by lower-cased email) in imports not yet seen finished, by batch id.

    At most ``max_tracked`` imports are remembered without asking: beyond that, the oldest
    are polled at the next wait (``overflow``) so memory stays bounded in a long run.
    Shared by a destination's threads; every method holds a lock.
    """

    def __init__(self, max_tracked: int = 200) -> None:
        self.max_tracked: int = max_tracked
        self.polls: int = 0
        """``GET /import/info`` requests made, over the destination's life."""
        self._batches: dict[str, frozenset[str]] = {}  # in the order they were accepted
        self._by_email: dict[str, str] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._batches)

    def record(self, batch_id: str, emails: Iterable[str]) -> None:
        """An import was accepted with these contacts."""
        keys = frozenset(email.casefold() for email in emails)
        with self._lock:
            self._batches[batch_id] = keys
            for key in keys:
                self._by_email[key] = batch_id

    def waiting_on(self, emails: Iterable[str]) -> list[str]:
        """Imports holding any of ``emails`` that may still be processing, oldest first."""
        with self._lock:
            if not self._by_email:
                return []
            found = {self._by_email.get(email.casefold()) for email in emails}
            return [batch_id for batch_id in self._batches if batch_id in found]

    def blocked(self, emails: Iterable[str]) -> set[str]:
        """Those of ``emails`` whose import may still be processing."""
        with self._lock:
            return {email for email in emails if email.casefold() in self._by_email}

    def overflow(self) -> list[str]:
        """The oldest imports beyond ``max_tracked``, to be polled and forgotten."""
        with self._lock:
            extra = len(self._batches) - self.max_tracked
            return list(self._batches)[:extra] if extra > 0 else []

    def finished(self, batch_id: str) -> None:
        """The import will change nothing more: forget it (unless a later import holds
        the same contact, which then stays)."""
        with self._lock:
            for key in self._batches.pop(batch_id, frozenset()):
                if self._by_email.get(key) == batch_id:
                    del self._by_email[key]

    def count_poll(self) -> None:
        """Count one status request."""
        with self._lock:
            self.polls += 1


def poll_imports(
    client: ActiveCampaign | AsyncActiveCampaign, pending: PendingImports, batch_ids: list[str]
) -> Operation[list[str]]:
    """Ask once about each import; forget the finished ones; return those still processing.

    A failed poll (5xx, timeout, ...) says nothing: that import counts as processing.
    """
    processing: list[str] = []
    for batch_id in batch_ids:
        pending.count_poll()
        try:
            info = yield from client.bulk_import.status.operation(batch_id)
        except NotFoundError:
            pending.finished(batch_id)  # no longer known: long done
            continue
        except ActiveCampaignError:
            processing.append(batch_id)
            continue
        if info.finished:
            pending.finished(batch_id)
        else:
            processing.append(batch_id)
    return processing


def settle(
    client: ActiveCampaign | AsyncActiveCampaign,
    pending: PendingImports,
    emails: Iterable[str],
    wait: ImportWait,
) -> Generator[Step, Any, set[str]]:
    """Wait, within ``wait``'s bound, until no import holding one of ``emails`` may still
    be processing; return the emails whose import still may (not to be sent now).

    The first poll also asks about imports beyond ``max_tracked`` (``overflow``).
    """
    emails = list(emails)
    waiting = pending.waiting_on(emails)
    extra = [batch_id for batch_id in pending.overflow() if batch_id not in waiting]
    if not waiting and not extra:
        return set()
    for pause in wait.pauses():
        if pause:
            yield Pause(pause)
        still: list[str] = yield poll_imports(client, pending, waiting + extra)
        extra = []
        waiting = [batch_id for batch_id in waiting if batch_id in still]
        if not waiting:
            break
    return pending.blocked(emails)
