"""What a delivery result means for a stored event: pure decisions, no I/O.

Delivered settles it; a result a later attempt may fix waits for its retry (backoff
from 10 s to 5 min, or the server's Retry-After) until the event is ``max_age`` old, then
becomes a dead letter; a bad event is a dead letter at once; a configuration fault
leaves the event untouched and pauses the account.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from ..results import DeliveryResult
from .store import Outcome, OutcomeKind, PendingEvent

__all__ = ["RetryPolicy", "Verdict", "judge", "next_batch"]


@dataclass(frozen=True)
class RetryPolicy:
    """How long failed deliveries are retried."""

    initial_delay: float = 10.0
    max_delay: float = 300.0
    max_age: float = 3 * 3600.0
    """Seconds since arrival after which a still-failing event becomes a dead letter."""
    jitter: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def delay(self, attempts: int, retry_after: float | None = None) -> float:
        """Seconds before attempt ``attempts + 1`` (``attempts`` already made)."""
        backoff = min(self.initial_delay * 2.0 ** max(attempts - 1, 0), self.max_delay)
        backoff *= 1 - 0.2 * self.jitter()  # keep events that failed together apart
        return max(backoff, retry_after or 0.0)


@dataclass(frozen=True)
class Verdict:
    """The outcome to record, or None when the event stays as it was: nothing was sent
    for it (held behind its user's earlier event, or the worker stopping), or a
    configuration fault — ``pause`` then says why the account stops."""

    outcome: Outcome | None
    pause: str | None = None


def _outcome(event: PendingEvent, kind: OutcomeKind, result: DeliveryResult) -> Outcome:
    return Outcome(
        event.id,
        kind,
        result.status_code,
        retryable=result.retryable,
        error=result.error,
        field=result.field,
        maybe_applied=result.maybe_applied,
        warnings=result.warnings,
    )


def judge(event: PendingEvent, result: DeliveryResult, policy: RetryPolicy) -> Verdict:
    """Decide what one result means for ``event``."""
    if result.delivered:
        return Verdict(replace(_outcome(event, "delivered", result), latency=event.age))
    if result.config_fault:
        return Verdict(None, pause=result.error or "destination configuration fault")
    if not result.attempted:  # held behind its user's failed event, or halted: untouched
        return Verdict(None)
    if not result.retryable:
        return Verdict(_outcome(event, "dead", result))
    attempts = event.attempts + 1
    delay = policy.delay(attempts, result.retry_after)
    if event.age + delay > policy.max_age:
        reason = f"gave up after {attempts} attempts over {event.age / 60:.0f} min: {result.error}"
        return Verdict(replace(_outcome(event, "dead", result), error=reason))
    return Verdict(replace(_outcome(event, "retry", result), retry_in=delay))


def next_batch(
    events: Iterable[PendingEvent], size: int, blocked: set[str] | None = None
) -> list[PendingEvent]:
    """The events to deliver now, in arrival order, at most ``size``.

    An event waiting for its retry holds back every later event of the same user (any
    shared identity), and so does every event held back: one user's events are
    delivered in their order, retries included. ``blocked`` carries the identities held
    back by earlier pages of the same walk (it is updated).
    """
    held = blocked if blocked is not None else set()
    chosen: list[PendingEvent] = []
    for event in events:
        if len(chosen) >= size:
            break
        if not event.due or not held.isdisjoint(event.identities):
            held.update(event.identities)
            continue
        chosen.append(event)
    return chosen
