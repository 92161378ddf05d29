"""Request budgets: at most N requests in any window of N / rate seconds.

A sliding window rather than a token bucket, because that is how ActiveCampaign counts:
a refilling bucket would let 5 + 4 requests through within one second and earn 429s.

A request *books* a start (a ``Ticket``) under a short lock and is told how long to wait;
it sleeps, then *confirms* the start, which checks the window again against what really
happened meanwhile — so one instance serves threads (sync client) and tasks (async
client) alike, and nothing it holds outlives its caller:

* a caller that gives up before its start (a cancelled task, a closed generator, a
  deadline) *cancels* its booking, and the slot is free again at once;
* a started request is counted at the moment it is *written* to the connection, not
  when it left the limiter: a new connection's set-up (a TLS handshake, a pool wait)
  delays it, and the server counts it on arrival. Callers that confirm later see the
  later time and wait for it;
* a request whose connection was never made is *unsent*: the server never counted it.

When the server refuses anyway (a 429), ``hold_until`` pauses every start until its
Retry-After. The state of one budget (``TicketBook``) can be shared by several
``RateLimiter``s, each applying its own rate to the starts of all (see ``_budgets``).
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from ._constants import LIMITER_MARGIN_FRACTION, LIMITER_MARGIN_SECONDS

__all__ = ["Booking", "RateLimiter", "TicketBook", "book", "reserve_all"]

# A slot free this close to now is free now (clock readings after a sleep may round short).
_FREE_TOLERANCE = 1e-9


@dataclass(eq=False)
class Ticket:
    """One booked start. ``time`` is when it may start (queued), when it started, or when
    it was written (``settled``: the time will not move again)."""

    time: float
    seq: int
    started: bool = False
    settled: bool = False


class TicketBook:
    """The shared state of one budget: its tickets, its 429 pause and its lock."""

    def __init__(self) -> None:
        self.lock: threading.Lock = threading.Lock()
        self.tickets: list[Ticket] = []
        self.held_until: float = -math.inf
        # How far back a start can matter to any limiter using this book (its longest window).
        self.horizon: float = 0.0
        self._seq = itertools.count()
        self._companions: dict[str, TicketBook] = {}

    def companion(self, name: str) -> TicketBook:
        """Another book that belongs with this one (bulk import's per-minute budgets go
        with the account's per-second one): whoever shares this book shares it too."""
        with self.lock:
            return self._companions.setdefault(name, TicketBook())

    def next_seq(self) -> int:
        """Booking order (caller holds the lock)."""
        return next(self._seq)

    def companions(self) -> dict[str, TicketBook]:
        """The books that go with this one, by name."""
        with self.lock:
            return dict(self._companions)

    def starts(self, now: float) -> list[float]:
        """When the requests that still count started (clock readings, oldest first)."""
        with self.lock:
            self.prune(now)
            return sorted(t.time for t in self.tickets if t.started)

    def seed(self, times: Iterable[float]) -> None:
        """Count requests that started at ``times`` (clock readings) elsewhere — another
        process of the same account, say — as if this book had seen them."""
        with self.lock:
            for time in times:
                self.tickets.append(Ticket(time, self.next_seq(), started=True, settled=True))

    def prune(self, now: float) -> None:
        """Forget started, settled tickets too old to matter (caller holds the lock)."""
        cutoff = now - self.horizon - _FREE_TOLERANCE
        self.tickets = [t for t in self.tickets if not (t.settled and t.time < cutoff)]


class RateLimiter:
    """Spaces request starts so no window of ``window`` seconds holds more than ``burst``.

    ``rate`` requests per ``per`` seconds: ``RateLimiter(5)`` is 5 a second,
    ``RateLimiter(100, per=60.0)`` 100 a minute. One instance may be shared on purpose by
    several clients (``rate_limiter=``): they then keep to one budget together.
    """

    def __init__(self, rate: float, *, per: float = 1.0) -> None:
        if not rate > 0 or math.isinf(rate):
            raise ValueError(f"requests_per_second must be a positive number, got {rate!r}")
        if not per > 0:
            raise ValueError(f"per must be a positive number of seconds, got {per!r}")
        self.rate: float = rate
        self.per: float = per
        self.burst: int = max(1, int(rate))
        self.window: float = per * self.burst / rate
        # The (burst + 1)-th start waits a window plus this after the first (see _constants).
        self.margin: float = self.window * LIMITER_MARGIN_FRACTION + LIMITER_MARGIN_SECONDS
        self.book: TicketBook = TicketBook()
        self.book.horizon = self.window + self.margin

    @classmethod
    def on_book(cls, book: TicketBook, rate: float, *, per: float = 1.0) -> RateLimiter:
        """A limiter of this rate counting the starts of ``book``, shared with others."""
        limiter = cls(rate, per=per)
        limiter.book = book
        with book.lock:
            book.horizon = max(book.horizon, limiter.window + limiter.margin)
        return limiter

    @property
    def held_until(self) -> float:
        """No start is booked before this clock reading (a 429's Retry-After)."""
        return self.book.held_until

    def reserve(self, now: float) -> float:
        """Book and take the next free start at once; return seconds to wait until it.

        The start counts from the moment it is booked: for callers that cannot be
        cancelled. Requests of the client use ``book`` and ``Booking.confirm``.
        """
        return reserve_all((self,), now)

    def hold_until(self, t: float) -> None:
        """Book no start before ``t`` (a clock reading): the server said to wait until then.

        Shared by every thread or task using this budget, so one 429 pauses them all
        instead of each spending the budget on a refusal of its own. Holds only extend.
        """
        with self.book.lock:
            self.book.held_until = max(self.book.held_until, t)

    def recent_starts(self, now: float) -> dict[str, list[float]]:
        """The starts that still count against this budget and the ones that go with it
        (bulk import's), by budget name (``"api"`` for this one): to hand the budget to
        another process (see ``seed``)."""
        books = {"api": self.book, **self.book.companions()}
        return {name: found.starts(now) for name, found in books.items()}

    def seed(self, starts: Mapping[str, Iterable[float]]) -> None:
        """Count requests another process started (``recent_starts``'s shape, times on
        this limiter's clock), so the budget holds across processes taking turns."""
        for name, times in starts.items():
            target = self.book if name == "api" else self.book.companion(name)
            target.seed(times)

    def pending(self) -> int:
        """Tickets booked and not yet started (for tests and diagnostics)."""
        with self.book.lock:
            return sum(1 for t in self.book.tickets if not t.started)

    def _span(self) -> float:
        return self.window + self.margin

    def _earliest(self, now: float, before: Sequence[float]) -> float:
        # Caller holds the lock. ``before``: the times of the tickets this start comes
        # after, sorted. Never before one of them: starts stay in booking order, which is
        # what makes the burst-th latest the edge of the window.
        start = max(now, self.book.held_until)
        if before:
            start = max(start, before[-1])
            if len(before) >= self.burst:
                start = max(start, before[-self.burst] + self._span())
        return start

    def _may_start(self, ticket: Ticket, now: float) -> bool:
        # Caller holds the lock. Started tickets within a window either side of now (one
        # booked by ``reserve`` may lie ahead), and queued ones booked earlier that are
        # due: they start now too, or give their slot back.
        if self.book.held_until > now + _FREE_TOLERANCE:
            return False
        span = self._span() - _FREE_TOLERANCE
        busy = 0
        for other in self.book.tickets:
            if other is ticket:
                continue
            if other.started:
                busy += abs(other.time - now) < span
            else:
                busy += other.seq < ticket.seq and other.time <= now + _FREE_TOLERANCE
        return busy < self.burst

    def _rebook(self, ticket: Ticket, now: float) -> float:
        # Caller holds the lock. The earliest start after the starts and the earlier
        # bookings (those due count as starting now).
        before = sorted(
            other.time if other.started else max(other.time, now)
            for other in self.book.tickets
            if other is not ticket and (other.started or other.seq < ticket.seq)
        )
        return self._earliest(now, before)

    def __repr__(self) -> str:
        return f"RateLimiter(burst={self.burst}, window={self.window:g}s)"


@contextmanager
def _locked(limiters: Sequence[RateLimiter]) -> Iterator[None]:
    # Every book involved, each once, in a fixed order: two bookings never deadlock.
    books = sorted({id(limiter.book): limiter.book for limiter in limiters}.values(), key=id)
    with ExitStack() as stack:
        for book_ in books:
            stack.enter_context(book_.lock)
        yield


class Booking:
    """One request's start, booked in every budget it spends (bulk import: its own and the
    account's), at one time. Not thread-safe itself: it belongs to one call."""

    def __init__(self, entries: list[tuple[RateLimiter, Ticket]]) -> None:
        self._entries = entries

    @property
    def time(self) -> float:
        """When the start is booked (or happened)."""
        return max((ticket.time for _, ticket in self._entries), default=-math.inf)

    def confirm(self, now: float) -> float:
        """Start now if every budget still allows it: 0.0. Otherwise the start is booked
        again, after what happened meanwhile (a 429's pause, an earlier request written
        later than booked), and the seconds to wait for it are returned."""
        if not self._entries:
            return 0.0
        limiters = [limiter for limiter, _ in self._entries]
        with _locked(limiters):
            if all(ticket.started for _, ticket in self._entries):
                return 0.0
            booked = self.time
            if booked > now + _FREE_TOLERANCE:  # woken early: never start before the booking
                return booked - now
            if all(limiter._may_start(ticket, now) for limiter, ticket in self._entries):
                for _, ticket in self._entries:
                    ticket.time, ticket.started = now, True
                return 0.0
            start = max(limiter._rebook(ticket, now) for limiter, ticket in self._entries)
            for _, ticket in self._entries:
                ticket.time = start
        return max(start - now, _FREE_TOLERANCE)

    def written(self, now: float) -> None:
        """The request was written to the connection now: it counts from now on."""
        if not self._entries:
            return
        with _locked([limiter for limiter, _ in self._entries]):
            for _, ticket in self._entries:
                if ticket.started and not ticket.settled:
                    ticket.time = max(ticket.time, now)
                    ticket.settled = True

    def settle(self) -> None:
        """The exchange is over: a started request keeps the time it has. One that never
        started (its caller gave up while it waited) gives its slot back."""
        if not self._entries:
            return
        self._drop(lambda ticket: not ticket.started)
        with _locked([limiter for limiter, _ in self._entries]):
            for _, ticket in self._entries:
                ticket.settled = True

    def cancel(self) -> None:
        """The caller gave up before its start: give every slot back."""
        self._drop(lambda ticket: not ticket.started)

    def unsend(self) -> None:
        """The request never reached the server (no connection was made): give its slots
        back, started or not."""
        self._drop(lambda ticket: True)

    def _drop(self, which: Callable[[Ticket], bool]) -> None:
        if not self._entries:
            return
        with _locked([limiter for limiter, _ in self._entries]):
            for limiter, ticket in self._entries:
                if which(ticket) and ticket in limiter.book.tickets:
                    limiter.book.tickets.remove(ticket)


def book(
    limiters: Sequence[RateLimiter], now: float, *, first: Sequence[RateLimiter] = ()
) -> tuple[Booking | None, float]:
    """Book one start in every limiter at the earliest time all of them allow — unless a
    limiter of ``first`` has no slot free at ``now``: then book nothing.

    Returns ``(booking, seconds to wait)``; ``(None, wait)`` when not booked, the wait
    being until ``first`` has a slot free, when the caller asks again. A request that
    spends several budgets (bulk import: its per-minute one and the account's) is booked
    at the same moment in each — the moment it really starts — so no budget counts it
    earlier than it happens. And since each budget keeps its bookings in time order,
    booking the account budget while the import still waits for its minute would hold
    every later account call behind it: ``first`` (the slow budget) is waited for before
    anything is booked.
    """
    everyone = list(dict.fromkeys([*limiters, *first]))
    if not everyone:
        return Booking([]), 0.0
    with _locked(everyone):
        for limiter in everyone:
            limiter.book.prune(now)

        def earliest(limiter: RateLimiter) -> float:
            return limiter._earliest(now, sorted(t.time for t in limiter.book.tickets))

        gate = max((earliest(limiter) for limiter in first), default=now)
        if gate > now + _FREE_TOLERANCE:
            return None, gate - now
        start = max(earliest(limiter) for limiter in everyone)
        entries = []
        seen: set[int] = set()
        for limiter in everyone:
            if id(limiter.book) in seen:  # two views of one book: one ticket
                continue
            seen.add(id(limiter.book))
            ticket = Ticket(start, limiter.book.next_seq())
            limiter.book.tickets.append(ticket)
            entries.append((limiter, ticket))
        return Booking(entries), start - now


def reserve_all(limiters: Sequence[RateLimiter], now: float) -> float:
    """Book one start in every limiter, at the earliest time all of them allow, and take
    it at once (it counts from its booked time); return seconds to wait."""
    booking, wait = book(limiters, now)
    assert booking is not None
    with _locked(limiters):
        for _, ticket in booking._entries:
            ticket.started = ticket.settled = True
    return wait
