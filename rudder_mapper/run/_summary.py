"""The counts of one run, for the closing report and the exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..results import DeliveryResult
from ._lines import Line

__all__ = ["Summary"]


@dataclass
class Summary:
    """What one run did. ``events`` counts the lines it handled; lines a checkpoint already
    had an outcome for are only counted in ``already_recorded``."""

    events: int = 0
    delivered: int = 0
    rejected: int = 0
    failed_retryable: int = 0
    config: int = 0
    """Dead-lettered with a configuration fault (only without a checkpoint to resume)."""
    maybe_applied: int = 0
    skipped: int = 0
    not_attempted: int = 0
    """No outcome recorded, nothing sent (the run stopped, or the configuration was
    refused): ``--resume`` sends them."""
    interrupted: int = 0
    """Started, then aborted before their result: they may have been applied; ``--resume``
    sends them again."""
    already_recorded: int = 0
    resent: int = 0
    """Lines in flight when an earlier run stopped, sent again by this one."""
    earlier_undelivered: int = 0
    """Dead letters recorded by earlier runs of the same checkpoint."""
    warnings: int = 0
    requests: int = 0
    elapsed: float = 0.0
    simulated_seconds: float | None = None
    last_line: int = 0
    """The last line this run read (every line up to it was handled, recorded or left for
    ``--resume``)."""
    config_fault: DeliveryResult | None = None
    """The first configuration fault met, if any."""
    problems: list[tuple[int, DeliveryResult]] = field(default_factory=list)

    def add(self, line: Line, result: DeliveryResult, keep_problems: int = 50) -> None:
        """Count one result; keep the first problems (by original line) for the report."""
        self.events += 1
        self.warnings += len(result.warnings)
        if result.delivered:
            self.delivered += 1
            return
        self.maybe_applied += result.maybe_applied
        if result.config_fault:
            self.config += 1
        elif result.retryable:
            self.failed_retryable += 1
        else:
            self.rejected += 1
        if len(self.problems) < keep_problems:
            self.problems.append((line.line, result))

    def skip(self) -> None:
        """Count a line left out on purpose (it may already be recorded by trackcmp)."""
        self.events += 1
        self.skipped += 1

    def leave(self, *, started: bool) -> None:
        """Count a line left without an outcome, for ``--resume``."""
        self.events += 1
        if started:
            self.interrupted += 1
        else:
            self.not_attempted += 1

    @property
    def undelivered(self) -> int:
        """Lines of this run now in the dead letters (or printed)."""
        return self.rejected + self.failed_retryable + self.config

    @property
    def left_for_resume(self) -> int:
        """Lines of this run without an outcome."""
        return self.not_attempted + self.interrupted

    @property
    def requests_per_event(self) -> float:
        """API and trackcmp requests per event handled."""
        return self.requests / self.events if self.events else 0.0

    @property
    def exit_code(self) -> int:
        """0 when every event (earlier runs' included) was delivered or skipped on purpose,
        1 otherwise."""
        done = self.delivered + self.skipped == self.events
        return 0 if done and not self.earlier_undelivered else 1
