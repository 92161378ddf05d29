"""SimulatedClock: sleeps cost nothing, and concurrent sleepers share one timeline."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from activecampaign_client import Clock
from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper import ActiveCampaignDestination
from rudder_mapper.samples import DEMO_FIELDS, DEMO_LISTS, workload


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


def _in_threads(count: int, work: Callable[[int], float]) -> list[float]:
    """Run ``work(n)`` in ``count`` threads at once; their results in order."""
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(work, range(count)))


def test_threads_sleeping_side_by_side_share_the_timeline() -> None:
    # One reading moved by every thread's sleep added them up: 8 threads sleeping one
    # second each ended at 8.0. Participating threads wake together at 1.0.
    clock = SimulatedClock()
    together = threading.Barrier(8, timeout=30)

    def sleeper(n: int) -> float:
        with clock.active():
            together.wait()  # all participate before anyone sleeps
            clock.sleep(1.0)
            return clock.now()

    assert _in_threads(8, sleeper) == [1.0] * 8
    assert clock.now() == 1.0


def test_chained_sleeps_add_up_per_thread() -> None:
    clock = SimulatedClock()
    together = threading.Barrier(3, timeout=30)

    def worker(n: int) -> float:
        with clock.active():
            together.wait()
            for _ in range((2, 6, 4)[n]):
                clock.sleep(0.5)
            return clock.now()

    assert _in_threads(3, worker) == [1.0, 3.0, 2.0]
    assert clock.now() == 3.0


def test_a_busy_thread_is_not_overtaken_by_time() -> None:
    clock = SimulatedClock()
    sleeping, started, done = threading.Event(), threading.Event(), threading.Event()
    seen: list[float] = []

    def sleeper() -> None:
        with clock.active():
            sleeping.set()
            clock.sleep(10.0)

    def busy() -> None:
        with clock.active():
            started.set()
            sleeping.wait(30)
            for _ in range(50):  # real time passes; simulated time may not
                seen.append(clock.now())
            done.set()

    with clock.active():  # the main thread holds time until both take part
        first = threading.Thread(target=sleeper)
        second = threading.Thread(target=busy)
        first.start()
        second.start()
        started.wait(30)
        with clock.blocked():  # then only the busy thread does
            done.wait(30)
    first.join(30)
    second.join(30)
    assert seen == [0.0] * 50
    assert clock.now() == 10.0


def test_a_thread_blocked_on_another_holds_no_time_back() -> None:
    clock = SimulatedClock()
    lock = threading.Lock()
    holding = threading.Event()

    def holder(n: int) -> float:
        with clock.active(), lock:
            holding.set()
            clock.sleep(2.0)
        return clock.now()

    def waiter(n: int) -> float:
        with clock.active():
            holding.wait(30)
            with clock.blocked():
                lock.acquire()
            lock.release()
            clock.sleep(1.0)
            return clock.now()

    assert _in_threads(2, lambda n: (holder, waiter)[n](n)) == [2.0, 3.0]


def test_threads_sharing_a_sync_client_keep_to_the_emulated_account_limit() -> None:
    # The sync destination's case: a pool of threads on one client, the emulator
    # enforcing 5 requests a second on the shared clock, each answer taking 300 ms. With
    # every thread's sleeps added to one reading, the answers alone took 128 x 0.3 s.
    emu = ActiveCampaignEmulator(latency=0.3)
    with emu.client() as client:

        def create_tags(n: int) -> float:
            for k in range(8):
                client.tags.create(f"tag {n}-{k}")
            return emu.clock.now()

        _in_threads(16, create_tags)
    times = [r.time for r in emu.requests]
    assert len(times) == 128
    assert {r.status for r in emu.requests} == {201}  # no 429
    assert max(_starts_within_a_second(times)) == 5
    # 128 requests at 5 a second (windows of 1.03 s): 25 windows, then one answer's time.
    # A thread between two calls holds no time back, so a little more is possible.
    assert 25 * 1.03 + 0.3 <= emu.clock.now() < 30.0


def test_the_sync_destination_on_a_simulated_clock_earns_no_429() -> None:
    emu = ActiveCampaignEmulator(latency=0.05)
    for title, perstag, kind in DEMO_FIELDS:
        emu.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emu.add_list(name)
    with emu.client() as client:
        results = ActiveCampaignDestination(client).process_batch(workload(600, seed=3))
    assert all(result.delivered for result in results)
    assert 429 not in {r.status for r in emu.requests}
    account = [r.time for r in emu.requests if r.host != "trackcmp.net"]
    assert max(_starts_within_a_second(account)) <= 5


def _starts_within_a_second(times: list[float]) -> list[int]:
    ordered = sorted(times)
    return [sum(1 for t in ordered if s <= t < s + 1.0) for s in ordered]


def test_a_semaphore_hands_its_slot_on_before_time_moves() -> None:
    # Three threads, one slot, each holding it for a second: the waiters hold no time
    # back, and each gets the slot the moment it is released, not after time moved on.
    clock = SimulatedClock()
    slot = clock.semaphore(1)
    together = threading.Barrier(3, timeout=30)

    def worker(n: int) -> float:
        with clock.active():
            together.wait()
            with slot:
                got = clock.now()
                clock.sleep(1.0)
            return got

    assert sorted(_in_threads(3, worker)) == [0.0, 1.0, 2.0]
    assert clock.now() == 3.0
    assert slot.acquire(blocking=False)
    assert not slot.acquire(blocking=False)


def test_the_sync_client_tells_a_simulated_clock_about_its_threads() -> None:
    from activecampaign_client._clock import ThreadAwareClock

    assert isinstance(SimulatedClock(), ThreadAwareClock)
