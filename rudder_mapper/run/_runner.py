"""``DeliveryRun``: lines through an async destination, every outcome recorded as it comes.

Per batch: the read mark is written to the checkpoint, then the batch is sent; each event
is recorded the moment its result is known (a start mark before its first request, then
``ok`` or its dead letter + ``dead``); at the batch end the dead-letter file, then the
checkpoint, are fsynced. Recording comes first: when a write fails (disk full) the run
halts the destination and aborts what is in flight at once, so nothing is sent whose
outcome could not be kept.

Stopping: ``request_stop()`` (a signal) stops reading and halts the destination (no event
starts any more) and gives the events in flight ``grace`` seconds; a second call, or the
end of the grace period, aborts them. A configuration fault stops reading after its batch;
with a checkpoint, events refused for the configuration or never started get no outcome
(``--resume`` sends them), without one they are dead-lettered with the fault.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from ..destination import AsyncActiveCampaignDestination
from ..results import DeliveryResult
from ._checkpoint import Checkpoint, CheckpointState
from ._dead_letters import DeadLetterSink
from ._errors import RecordingError
from ._feed import Feed
from ._lines import Line
from ._reader import ReadMark
from ._summary import Summary

__all__ = ["DEFAULT_BATCH_SIZE", "DEFAULT_GRACE", "DeliveryRun"]

DEFAULT_BATCH_SIZE = 500
DEFAULT_GRACE = 10.0
"""Seconds events in flight get to finish after a stop is requested."""
_LINGER = 0.5  # a slow producer's lines go out after this long, batch full or not


class _ResumeFilter:
    """Leaves out lines a checkpoint has an outcome for, and holds back the others read
    before the checkpoint's read mark until the reader has checked that part of the input
    (it raises on a mismatch before yielding the line that ends at the mark)."""

    def __init__(self, state: CheckpointState | None, summary: Summary) -> None:
        self._state = state
        self._summary = summary
        self._mark_end = state.mark.end if state is not None and state.mark else 0
        self._held: list[Line] = []

    def admit(self, line: Line) -> list[Line]:
        state = self._state
        if state is None:
            return [line]
        if state.has_outcome(line.number):
            self._summary.already_recorded += 1
            self._summary.last_line = max(self._summary.last_line, line.number)
            return []
        if line.end < self._mark_end:
            self._held.append(line)
            return []
        released, self._held = [*self._held, line], []
        return released

    def flush(self) -> list[Line]:
        released, self._held = self._held, []
        return released


class DeliveryRun:
    """One run of ``lines`` through ``destination``.

    ``dead_letters`` receives undelivered events; ``checkpoint`` (optional) every outcome,
    ``resume`` the state of an earlier run to continue. ``skip_ambiguous`` leaves out track
    events that may already be recorded: dead letters marked ``maybe_applied`` and, when
    resuming, tracks that were in flight when the earlier run stopped. ``read_in_thread``
    reads ``lines`` on a thread of their own (see ``Feed``). ``stop_on_config_fault``: stop
    reading after the batch in which the destination met a configuration fault (else the
    breaker answers the rest without requests). ``on_batch`` is called with each batch's
    last line once the batch is recorded; ``on_outcome`` with each event the moment its
    outcome is counted — its result (delivered or dead-lettered), or None when it was left
    out on purpose (``skip_ambiguous``) — for a progress display. Events left without an
    outcome (a stop, a configuration fault) and those a resumed checkpoint already had are
    not reported.
    """

    def __init__(
        self,
        destination: AsyncActiveCampaignDestination,
        lines: Iterable[Line],
        *,
        dead_letters: DeadLetterSink,
        checkpoint: Checkpoint | None = None,
        resume: CheckpointState | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        skip_ambiguous: bool = False,
        grace: float = DEFAULT_GRACE,
        read_in_thread: bool = False,
        stop_on_config_fault: bool = True,
        on_batch: Callable[[Line], None] | None = None,
        on_outcome: Callable[[Line, DeliveryResult | None], None] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        self.destination: AsyncActiveCampaignDestination = destination
        self.dead_letters: DeadLetterSink = dead_letters
        self.checkpoint: Checkpoint | None = checkpoint
        self.resume: CheckpointState | None = resume
        self.batch_size: int = batch_size
        self.skip_ambiguous: bool = skip_ambiguous
        self.grace: float = grace
        self.on_batch: Callable[[Line], None] | None = on_batch
        self.on_outcome: Callable[[Line, DeliveryResult | None], None] | None = on_outcome
        self.stop_on_config_fault: bool = stop_on_config_fault
        self.summary: Summary = Summary()
        self.stop_reason: str | None = None
        """Why ``request_stop`` was called (e.g. ``"SIGTERM"``), None if it was not."""
        self.failure: RecordingError | None = None
        """Why outcomes could not be recorded, if they could not."""
        self._feed = Feed(lines, threaded=read_in_thread, capacity=2 * batch_size)
        self._filter = _ResumeFilter(resume, self.summary)
        self._earlier_in_flight = resume.in_flight if resume is not None else set()
        self._marked_end = resume.mark.end if resume is not None and resume.mark else 0
        self._stop = asyncio.Event()
        self._abort = asyncio.Event()
        self._grace_timer: asyncio.TimerHandle | None = None
        if resume is not None:
            self.summary.earlier_undelivered = len(resume.dead)

    # -- stopping -------------------------------------------------------------------

    @property
    def stopped_early(self) -> bool:
        """Whether the run ended before the end of its input."""
        return bool(self.stop_reason or self.failure or self._config_stop)

    @property
    def _config_stop(self) -> bool:
        return self.stop_on_config_fault and self.summary.config_fault is not None

    def request_stop(self, reason: str = "stop") -> None:
        """Stop reading, start no more events, give those in flight ``grace`` seconds;
        called again, abort them now. Call it on the run's event loop."""
        if self.stop_reason is not None:
            self.abort()
            return
        self.stop_reason = reason
        self._stop.set()
        self.destination.halt()
        loop = asyncio.get_running_loop()
        self._grace_timer = loop.call_later(self.grace, self.abort)

    def abort(self) -> None:
        """Cancel the events in flight now (their outcomes stay unknown: in flight)."""
        self._stop.set()
        self.destination.halt()
        self._abort.set()

    # -- recording --------------------------------------------------------------------

    def _fail(self, error: RecordingError) -> None:
        if self.failure is None:
            self.failure = error
        self.abort()

    def _record(self, write: Callable[..., Any], *args: Any) -> None:
        if self.failure is not None:
            return
        try:
            write(*args)
        except RecordingError as exc:
            self._fail(exc)

    def _settle(self, line: Line, result: DeliveryResult) -> None:
        """Count a result and record it: delivered, or dead-lettered."""
        self.summary.add(line, result)
        if self.on_outcome is not None:
            self.on_outcome(line, result)
        if self.failure is not None:
            return
        checkpoint = self.checkpoint
        try:
            if result.delivered:
                if checkpoint is not None:
                    checkpoint.delivered(line.number)
                return
            end = self.dead_letters.write(line, result)
            if checkpoint is not None:
                checkpoint.dead(line.number, result, end)
        except RecordingError as exc:
            self._fail(exc)

    def _outcome(self, line: Line, result: DeliveryResult, *, started: bool) -> None:
        if result.config_fault and self.summary.config_fault is None:
            self.summary.config_fault = result
        if self.checkpoint is not None and (result.config_fault or not result.attempted):
            # Resumable: no outcome. If its start was recorded, say it was certainly not
            # applied, or a resume would count it as in flight (ambiguous).
            if started:
                self._record(self.checkpoint.not_applied, line.number)
            self.summary.leave(started=False)
            return
        self._settle(line, result)

    def _sync(self) -> None:
        if self.failure is not None:
            return
        try:
            self.dead_letters.sync()  # letters first: the checkpoint points into them
            if self.checkpoint is not None:
                self.checkpoint.sync()
        except RecordingError as exc:
            self._fail(exc)

    # -- running ------------------------------------------------------------------------

    async def _next_batch(self) -> tuple[list[Line], bool]:
        """The next batch and whether the input is exhausted; ``[]`` once stopping."""
        loop = asyncio.get_running_loop()
        batch: list[Line] = []
        deadline: float | None = None
        eof = False
        while len(batch) < self.batch_size:
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            chunk = await self._feed.take(self.batch_size - len(batch), self._stop, timeout)
            if self._stop.is_set():
                return [], False  # lines taken but not sent stay unread for --resume
            if chunk is None:
                eof = True
                break
            if not chunk:
                break  # the producer paused: send what there is
            for line in chunk:
                batch.extend(self._filter.admit(line))
            if batch and deadline is None:
                deadline = loop.time() + _LINGER
        if eof:
            batch.extend(self._filter.flush())
        return batch, eof

    async def _dispatch(self, batch: list[Line]) -> None:
        last = batch[-1]
        if self.checkpoint is not None and last.digest is not None and last.end > self._marked_end:
            self._record(self.checkpoint.read, ReadMark.after(last))
            self._marked_end = last.end
        self.summary.last_line = max(self.summary.last_line, last.number)
        to_send: list[Line] = []
        for line in batch:
            if line.problem is not None:
                self._settle(line, line.problem)
                continue
            was_in_flight = line.number in self._earlier_in_flight
            if self.skip_ambiguous and (line.maybe_applied or (was_in_flight and line.is_track)):
                self.summary.skip()
                if self.on_outcome is not None:
                    self.on_outcome(line, None)
                if self.checkpoint is not None:
                    self._record(self.checkpoint.skipped, line.number)
                continue
            self.summary.resent += was_in_flight
            to_send.append(line)
        if to_send and self.failure is None:
            await self._send(to_send)
        elif to_send:
            for _ in to_send:
                self.summary.leave(started=False)

    async def _send(self, lines: list[Line]) -> None:
        started: set[int] = set()
        settled: set[int] = set()

        def on_start(index: int) -> None:
            started.add(index)
            if self.checkpoint is not None:
                self._record(self.checkpoint.started, lines[index].number)

        def on_result(index: int, result: DeliveryResult) -> None:
            settled.add(index)
            self._outcome(lines[index], result, started=index in started)

        task = asyncio.ensure_future(
            self.destination.process_batch(
                [line.message for line in lines], on_start=on_start, on_result=on_result
            )
        )
        aborted = asyncio.ensure_future(self._abort.wait())
        try:
            await asyncio.wait({task, aborted}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            aborted.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if not task.cancelled():
            task.result()  # a bug of ours, not an outcome: let it be seen
        for index in range(len(lines)):
            if index not in settled:
                self.summary.leave(started=index in started)

    async def run(self) -> Summary:
        """Deliver every line (or until stopped); the summary of this run."""
        client = self.destination.client
        started = time.perf_counter()
        clock_start = client.clock.now()
        requests_before = client.requests_sent
        if self.checkpoint is not None:
            self._record(partial(self.checkpoint.run_started, resume=self.resume is not None))
        eof = False
        error: BaseException | None = None
        try:
            while not eof and not self.stopped_early:
                batch, eof = await self._next_batch()
                if batch:
                    await self._dispatch(batch)
                    self._sync()
                    if self.on_batch is not None:
                        self.on_batch(batch[-1])
        except BaseException as exc:
            error = exc
            raise
        finally:
            self._feed.close()
            if self._grace_timer is not None:
                self._grace_timer.cancel()
            self.summary.elapsed = time.perf_counter() - started
            self.summary.requests = client.requests_sent - requests_before
            self.summary.simulated_seconds = client.clock.now() - clock_start
            self._close(finished=eof and not self.stopped_early, error=error)
        return self.summary

    def _close(self, *, finished: bool, error: BaseException | None) -> None:
        checkpoint = self.checkpoint
        if checkpoint is not None:
            line = self.summary.last_line
            if finished:
                self._record(checkpoint.finished, line)
            else:
                if self.failure is not None:
                    reason = "outcomes could not be recorded"
                elif error is not None:
                    reason = f"{type(error).__name__}: {error}"
                elif self.stop_reason is not None:
                    reason = self.stop_reason
                else:
                    reason = "configuration fault"
                self._record(checkpoint.stopped, reason, line)
        self._sync()
