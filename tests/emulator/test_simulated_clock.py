"""SimulatedClock: sleeps cost nothing, and concurrent sleepers share one timeline."""

from __future__ import annotations

import asyncio

import pytest

from activecampaign_client import Clock
from activecampaign_client.testing import SimulatedClock


def test_is_a_clock_and_starts_where_told() -> None:
    clock = SimulatedClock(start=12.5)
    assert isinstance(clock, Clock)
    assert clock.now() == 12.5


def test_sync_sleep_moves_time_forward() -> None:
    clock = SimulatedClock()
    clock.sleep(1.5)
    clock.sleep(0)
    clock.sleep(-3)  # ignored, like time.sleep would refuse it
    clock.advance(0.5)
    assert clock.now() == 2.0


async def test_one_task_sleeping() -> None:
    clock = SimulatedClock()
    await clock.asleep(2.0)
    assert clock.now() == 2.0
    await clock.asleep(0)
    assert clock.now() == 2.0


async def test_concurrent_sleeps_advance_to_the_longest_not_the_sum() -> None:
    clock = SimulatedClock()
    await asyncio.gather(*(clock.asleep(1.0) for _ in range(100)))
    assert clock.now() == pytest.approx(1.0)


async def test_tasks_wake_in_deadline_order_at_their_deadlines() -> None:
    clock = SimulatedClock()
    woke: list[tuple[str, float]] = []

    async def sleeper(name: str, seconds: float) -> None:
        await clock.asleep(seconds)
        woke.append((name, clock.now()))

    await asyncio.gather(sleeper("c", 3.0), sleeper("a", 1.0), sleeper("b", 2.0))
    assert woke == [("a", 1.0), ("b", 2.0), ("c", 3.0)]


async def test_chained_sleeps_add_up_per_task() -> None:
    clock = SimulatedClock()

    async def worker(steps: int) -> float:
        for _ in range(steps):
            await clock.asleep(0.5)
        return clock.now()

    finished = await asyncio.gather(worker(2), worker(6), worker(4))
    assert list(finished) == [1.0, 3.0, 2.0]
    assert clock.now() == 3.0


async def test_busy_tasks_are_not_overtaken_by_time() -> None:
    """Time only jumps when every task waits: a task doing work sees no time pass."""
    clock = SimulatedClock()
    seen: list[float] = []

    async def busy() -> None:
        for _ in range(50):
            seen.append(clock.now())
            await asyncio.sleep(0)  # yields, but stays ready

    await asyncio.gather(busy(), clock.asleep(10.0))
    assert seen == [0.0] * 50
    assert clock.now() == 10.0


async def test_a_cancelled_sleeper_does_not_move_time() -> None:
    clock = SimulatedClock()
    long = asyncio.ensure_future(clock.asleep(100.0))
    await asyncio.sleep(0)
    long.cancel()
    await clock.asleep(1.0)
    assert clock.now() == 1.0
    assert long.cancelled()
    assert clock.pending() == 0


async def test_wait_for_with_a_timeout_on_simulated_time() -> None:
    clock = SimulatedClock()
    event = asyncio.Event()

    async def set_later() -> None:
        await clock.asleep(5.0)
        event.set()

    async def wait_with_deadline() -> str:
        waiter = asyncio.ensure_future(event.wait())
        deadline = asyncio.ensure_future(clock.asleep(2.0))
        done, _ = await asyncio.wait({waiter, deadline}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        return "event" if waiter in done else "deadline"

    first, _ = await asyncio.gather(wait_with_deadline(), set_later())
    assert first == "deadline"
    assert clock.now() == 5.0


async def test_two_clocks_on_one_loop_do_not_block_each_other() -> None:
    a, b = SimulatedClock(), SimulatedClock(start=100.0)
    await asyncio.gather(a.asleep(1.0), b.asleep(2.0), a.asleep(3.0))
    assert (a.now(), b.now()) == (3.0, 102.0)


def test_a_clock_serves_one_event_loop_after_another() -> None:
    clock = SimulatedClock()
    asyncio.run(clock.asleep(1.0))
    asyncio.run(clock.asleep(1.0))
    assert clock.now() == 2.0


def test_repr_shows_the_time() -> None:
    assert repr(SimulatedClock(start=3)) == "SimulatedClock(now=3)"


def test_loops_without_a_ready_queue_get_a_few_idle_rounds() -> None:
    from activecampaign_client.testing._clock import _IDLE_ROUNDS, _loop_busy, _LoopWaiters

    waiters = _LoopWaiters()
    opaque_loop = object()  # nothing to inspect, like uvloop
    rounds = [_loop_busy(opaque_loop, waiters) for _ in range(_IDLE_ROUNDS + 1)]  # type: ignore[arg-type]
    assert rounds == [True] * _IDLE_ROUNDS + [False]
