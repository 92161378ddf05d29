"""One budget per account per process: clients of one account share their limiters.

ActiveCampaign counts 5 requests a second per *account*, however many clients send them.
So clients built for the same account origin, on the same timeline, book their starts in
one shared ``TicketBook`` held by a process-wide registry; each applies its own
``requests_per_second`` to the starts of all (a client asking 2/s starts only while the
account's last second holds fewer than 2, whoever sent them; one asking 5/s fills the
rest). Bulk import's per-minute budgets go with the account's book.

The registry is keyed by origin *and clock*: a limiter's bookings are readings of one
clock, so clients on another clock (the emulator's simulated one, a test's fake clock)
keep budgets of their own — every ``SystemClock`` reads the same ``time.monotonic`` and
so shares one timeline. It holds its books weakly: a book lives as long as a client
uses it, so unrelated clients (one test and the next) never inherit each other's state.

To opt out, pass ``rate_limiter=RateLimiter(...)``: that object is the budget, shared
with whichever clients you pass it to, and no others.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from ._clock import Clock, SystemClock
from ._limiter import RateLimiter, TicketBook

__all__ = ["account_limiters", "shared_book"]

# Bulk import's own budgets, on top of the account's (ActiveCampaign's bulk import docs).
_BULK_BUDGETS = {"bulk_import": 100, "bulk_import_single": 20}


class _Timeline:
    """A registry key for a clock: the clock itself, except that every SystemClock is one."""

    __slots__ = ("clock",)

    def __init__(self, clock: Clock) -> None:
        self.clock = clock

    def _identity(self) -> object:
        return SystemClock if type(self.clock) is SystemClock else self.clock

    def __hash__(self) -> int:
        return id(self._identity())

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, _Timeline) and self._identity() is other._identity()


_books: weakref.WeakValueDictionary[tuple[str, _Timeline], TicketBook] = (
    weakref.WeakValueDictionary()
)
_registry_lock = threading.Lock()


def shared_book(origin: str, clock: Clock) -> TicketBook:
    """The account budget's book for ``origin`` on ``clock``'s timeline, made if none."""
    key = (origin, _Timeline(clock))
    with _registry_lock:
        found = _books.get(key)
        if found is None:
            found = _books[key] = TicketBook()
        return found


def account_limiters(
    origin: str,
    clock: Clock,
    requests_per_second: float | None,
    rate_limiter: RateLimiter | None,
) -> dict[str, RateLimiter]:
    """The ``api`` limiter and bulk import's, by budget name; none when neither a rate
    nor a limiter is given (no cap)."""
    if rate_limiter is not None:
        api = rate_limiter
    elif requests_per_second is not None:
        api = RateLimiter.on_book(shared_book(origin, clock), requests_per_second)
    else:
        return {}
    limiters = {"api": api}
    for name, per_minute in _BULK_BUDGETS.items():
        limiters[name] = RateLimiter.on_book(api.book.companion(name), per_minute, per=60.0)
    return limiters
