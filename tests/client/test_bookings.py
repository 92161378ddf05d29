"""Bookings: booked, confirmed when their time comes, moved to the moment the request is
written, given back when unused. Pure: times are plain numbers (an injected clock)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activecampaign_client import RateLimiter
from activecampaign_client._limiter import Booking, book

from ._support import assert_window_respected

SPAN = 1.0 + 0.02 + 0.01  # a window of 5 a second, with its margin


def _started(limiter: RateLimiter, now: float, count: int) -> list[Booking]:
    bookings = []
    for _ in range(count):
        booking, wait = book([limiter], now)
        assert booking is not None and wait == 0.0
        assert booking.confirm(now) == 0.0
        bookings.append(booking)
    return bookings


def test_a_request_written_late_pushes_the_next_window() -> None:
    # Five start at 0 on new connections: written at 0.15, after the TLS handshake.
    limiter = RateLimiter(5)
    burst = _started(limiter, 0.0, 5)
    sixth, wait = book([limiter], 0.0)
    assert sixth is not None and wait == pytest.approx(SPAN)  # booked before any write
    for booking in burst:
        booking.written(0.15)
    # When its time comes, the sixth sees the real writes: a window after them.
    assert sixth.confirm(SPAN) == pytest.approx(0.15)
    assert sixth.confirm(0.15 + SPAN) == 0.0


def test_a_request_written_on_time_keeps_its_booking() -> None:
    limiter = RateLimiter(5)
    for booking in _started(limiter, 0.0, 5):
        booking.written(0.0)
    sixth, _ = book([limiter], 0.0)
    assert sixth is not None and sixth.confirm(SPAN) == 0.0


def test_a_booking_never_starts_before_its_time() -> None:
    limiter = RateLimiter(5)
    _started(limiter, 0.0, 5)
    sixth, _ = book([limiter], 0.0)
    assert sixth is not None
    assert sixth.confirm(0.5) == pytest.approx(SPAN - 0.5)


def test_cancelled_bookings_free_their_slots_at_once() -> None:
    limiter = RateLimiter(5)
    _started(limiter, 0.0, 5)
    waiting = [book([limiter], 0.0)[0] for _ in range(20)]
    for booking in waiting:
        assert booking is not None
        booking.cancel()
    assert limiter.pending() == 0
    late, wait = book([limiter], 0.5)
    assert late is not None and wait == pytest.approx(SPAN - 0.5)  # behind the 5 only


def test_a_request_never_sent_gives_its_slot_back() -> None:
    limiter = RateLimiter(5)
    burst = _started(limiter, 0.0, 5)
    burst[0].unsend()  # the connection was refused: the server never counted it
    booking, wait = book([limiter], 0.0)
    assert booking is not None and wait == 0.0


def test_a_hold_set_while_waiting_is_respected_on_confirm() -> None:
    limiter = RateLimiter(5)
    booking, _ = book([limiter], 0.0)
    assert booking is not None
    limiter.hold_until(3.0)  # a 429 elsewhere: Retry-After 3
    assert booking.confirm(0.0) == pytest.approx(3.0)
    assert booking.confirm(3.0) == 0.0


def test_one_start_is_booked_in_every_budget_it_spends() -> None:
    per_minute, per_second = RateLimiter(3, per=60.0), RateLimiter(2)
    _started(per_second, 0.0, 2)
    both, wait = book([per_minute, per_second], 0.0)
    assert both is not None and wait == pytest.approx(1.0 + 0.03)
    assert both.confirm(wait) == 0.0
    assert per_minute.book.tickets[0].time == per_second.book.tickets[-1].time == wait
    # Gated on the slow budget: nothing is booked while it has no slot.
    _started(per_minute, wait, 2)
    gated, gate_wait = book([per_minute, per_second], wait, first=[per_minute])
    assert gated is None and gate_wait > 59
    assert per_second.pending() == 0


@given(
    delays=st.lists(st.floats(0.0, 0.9), min_size=6, max_size=40),
    gaps=st.lists(st.floats(0.0, 0.5), min_size=6, max_size=40),
)
def test_writes_delayed_within_a_window_never_crowd_one(
    delays: list[float], gaps: list[float]
) -> None:
    # Requests arrive at a limiter one after another; each is written up to 0.9 s after
    # it starts — within a window, so before the next window's requests confirm (the
    # guarantee's condition, README). Whatever the delays, no window of written times
    # holds more than 5.
    limiter = RateLimiter(5)
    now, written, queue = 0.0, [], []
    for delay, gap in zip(delays, gaps, strict=False):
        now += gap
        booking, _ = book([limiter], now)
        assert booking is not None
        queue.append((booking, delay))
        # Every booking whose time has come is confirmed, and written after its delay.
        for pending, pending_delay in list(queue):
            for _ in range(100):  # bounded: a booking settles in a few confirmations
                wait = pending.confirm(max(now, pending.time))
                if wait == 0.0:
                    break
            start = pending.time
            pending.written(start + pending_delay)
            written.append(start + pending_delay)
            queue.remove((pending, pending_delay))
            now = max(now, start)
    assert_window_respected(written, limiter)
