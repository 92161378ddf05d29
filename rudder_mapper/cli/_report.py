"""The end of ``send``: the tables, what happened to undelivered events, how to resume,
and the exit code."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ..breaker import config_fault_advice
from ..report import render_problems, render_summary
from ..run import DEFAULT_BATCH_SIZE, DEFAULT_GRACE, DEFAULT_MAX_LINE_BYTES, DeliveryRun
from ._app import EXIT_CONFIG, EXIT_RECORDING, err, out
from ._paths import SendPaths
from ._signals import exit_code

__all__ = ["SendOptions", "report_run"]


@dataclass(frozen=True)
class SendOptions:
    """``send``'s settings, as given."""

    resume: bool
    restart: bool
    batch_size: int
    concurrency: int
    bulk_threshold: int
    skip_ambiguous: bool
    max_line_bytes: int
    grace: float

    def resume_command(self, paths: SendPaths) -> str:
        """The command that continues this run, with the same files and settings."""
        parts = ["rudder-activecampaign", "send", paths.events]
        if paths.config is not None:
            parts += ["--config", str(paths.config)]
        if paths.dead_letter_given:
            parts += ["--dead-letter", str(paths.dead_letter)]
        if paths.checkpoint_given:
            parts += ["--checkpoint", str(paths.checkpoint)]
        for flag, value, default in (
            ("--batch-size", self.batch_size, DEFAULT_BATCH_SIZE),
            ("--concurrency", self.concurrency, 8),
            ("--bulk-threshold", self.bulk_threshold, 10),
            ("--max-line-bytes", self.max_line_bytes, DEFAULT_MAX_LINE_BYTES),
            ("--grace", self.grace, DEFAULT_GRACE),
        ):
            if value != default:
                parts += [flag, f"{value:g}" if isinstance(value, float) else str(value)]
        if self.skip_ambiguous:
            parts.append("--skip-ambiguous")
        parts.append("--resume")
        command = shlex.join(parts)
        return command + " < (the same input)" if paths.stdin else command


def _say(text: str) -> None:
    out.print(text, markup=False, highlight=False, soft_wrap=True)


def report_run(run: DeliveryRun, paths: SendPaths, options: SendOptions) -> int:
    """Print the report of a finished or stopped run; its exit code."""
    summary = run.summary
    where = str(paths.dead_letter) if paths.dead_letter else None
    render_problems(out, summary, where=where or "the lines printed above")
    render_summary(out, summary, simulated=False)
    if summary.undelivered and where:
        _say(f"{summary.undelivered:,} undelivered events written to {where}")
    elif summary.undelivered:
        _say(
            f"{summary.undelivered:,} undelivered events printed above (no dead-letter file: "
            "pass --dead-letter FILE to keep them for a replay)"
        )
    if summary.earlier_undelivered and where:
        _say(f"{summary.earlier_undelivered:,} more, from earlier runs, are in {where}")
    if paths.checkpoint is not None:
        resume = f"resume with: {options.resume_command(paths)}"
    else:
        resume = "nothing was journaled (stdin without --checkpoint): send the lines after it again"
    stopped = f"stopped after line {summary.last_line:,}"
    if run.failure is not None:
        err.print(
            f"error: outcomes could not be recorded: {run.failure.strerror}",
            markup=False,
            soft_wrap=True,
        )
        _say(
            f"{stopped}; every outcome recorded before is kept. Free space (or fix the "
            f"file), then {resume}"
        )
        return EXIT_RECORDING
    if run.stop_reason is not None:
        _say(f"{stopped}; {resume}")
        return exit_code(run.stop_reason)
    if run.stopped_early and summary.config_fault is not None:
        err.print(
            f"error: {config_fault_advice(summary.config_fault)}", markup=False, soft_wrap=True
        )
        _say(f"{stopped}; fix the configuration, then {resume}")
        return EXIT_CONFIG
    return summary.exit_code
