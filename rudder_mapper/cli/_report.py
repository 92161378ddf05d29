"""The end of ``send``: its exit code, and the report as the output mode asks — the
tables (normal), one line (``--quiet``) or one JSON object (``--json``). Errors go to
stderr in every mode."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..breaker import config_fault_advice
from ..report import render_problems, render_summary
from ..run import DEFAULT_BATCH_SIZE, DEFAULT_GRACE, DEFAULT_MAX_LINE_BYTES, DeliveryRun
from ._app import EXIT_CONFIG, EXIT_RECORDING, err, out
from ._json_summary import problems, run_counts
from ._output import OutputMode, print_json, say
from ._paths import SendPaths
from ._signals import exit_code

__all__ = ["RunVerdict", "SendOptions", "judge_run", "report_run"]


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


@dataclass(frozen=True)
class RunVerdict:
    """How a run ended: its exit code, the error to print on stderr (if any), and for a run
    that stopped early, where and what to do next."""

    code: int
    error: str | None = None
    stop_reason: str | None = None
    """Why it stopped early: ``SIGINT``, ``SIGTERM``, ``configuration`` or ``recording``."""
    stopped_after: int | None = None
    next_step: str | None = None
    """What the stop line says after ``stopped after line N;``."""

    @property
    def stop_line(self) -> str | None:
        """``stopped after line N; <next step>``, for a run that stopped early."""
        if self.stopped_after is None:
            return None
        return f"stopped after line {self.stopped_after:,}; {self.next_step}"


def judge_run(run: DeliveryRun, paths: SendPaths, options: SendOptions) -> RunVerdict:
    """The exit code and the closing messages of a finished or stopped run."""
    summary = run.summary
    if paths.checkpoint is not None:
        resume = f"resume with: {options.resume_command(paths)}"
    else:
        resume = "nothing was journaled (stdin without --checkpoint): send the lines after it again"
    line = summary.last_line
    if run.failure is not None:
        return RunVerdict(
            EXIT_RECORDING,
            error=f"outcomes could not be recorded: {run.failure.strerror}",
            stop_reason="recording",
            stopped_after=line,
            next_step="every outcome recorded before is kept. Free space (or fix the file), "
            f"then {resume}",
        )
    if run.stop_reason is not None:
        return RunVerdict(
            exit_code(run.stop_reason),
            stop_reason=run.stop_reason,
            stopped_after=line,
            next_step=resume,
        )
    if run.stopped_early and summary.config_fault is not None:
        return RunVerdict(
            EXIT_CONFIG,
            error=config_fault_advice(summary.config_fault),
            stop_reason="configuration",
            stopped_after=line,
            next_step=f"fix the configuration, then {resume}",
        )
    return RunVerdict(summary.exit_code)


def _where(paths: SendPaths) -> str | None:
    return str(paths.dead_letter) if paths.dead_letter else None


def _print_report(run: DeliveryRun, paths: SendPaths) -> None:
    summary = run.summary
    where = _where(paths)
    render_problems(out, summary, where=where or "the lines printed above")
    render_summary(out, summary, simulated=False)
    if summary.undelivered and where:
        say(out, f"{summary.undelivered:,} undelivered events written to {where}")
    elif summary.undelivered:
        say(
            out,
            f"{summary.undelivered:,} undelivered events printed above (no dead-letter file: "
            "pass --dead-letter FILE to keep them for a replay)",
        )
    if summary.earlier_undelivered and where:
        say(out, f"{summary.earlier_undelivered:,} more, from earlier runs, are in {where}")


def outcome_line(run: DeliveryRun, paths: SendPaths, verdict: RunVerdict) -> str:
    """The whole outcome in one line (``--quiet``)."""
    summary = run.summary
    where = _where(paths)
    parts = [f"{summary.delivered:,} delivered", f"{summary.undelivered:,} undelivered"]
    if summary.undelivered:
        parts[-1] += f" (in {where})" if where else " (printed on stderr)"
    if summary.skipped:
        parts.append(f"{summary.skipped:,} skipped")
    if summary.left_for_resume:
        parts.append(f"{summary.left_for_resume:,} left for --resume")
    if summary.earlier_undelivered and where:
        parts.append(f"{summary.earlier_undelivered:,} undelivered by earlier runs (in {where})")
    text = f"{summary.events:,} events: " + ", ".join(parts)
    if summary.already_recorded:
        text += f"; {summary.already_recorded:,} already recorded by the checkpoint"
    return text if verdict.stop_line is None else f"{text}; {verdict.stop_line}"


def _existing(path: Path | None) -> str | None:
    return str(path) if path is not None and path.exists() else None


def json_report(run: DeliveryRun, paths: SendPaths, verdict: RunVerdict) -> dict[str, Any]:
    """The ``--json`` summary of a run."""
    return {
        "command": "send",
        "dry_run": False,
        "exit_code": verdict.code,
        **run_counts(run.summary),
        "input": paths.events,
        "dead_letter": _existing(paths.dead_letter),
        "checkpoint": _existing(paths.checkpoint),
        "stopped_after_line": verdict.stopped_after,
        "stop_reason": verdict.stop_reason,
        "next_step": verdict.next_step,
        "error": verdict.error,
        "problems": problems(run.summary),
    }


def report_run(run: DeliveryRun, paths: SendPaths, options: SendOptions, mode: OutputMode) -> int:
    """Print the report of a finished or stopped run as ``mode`` asks; its exit code."""
    verdict = judge_run(run, paths, options)
    if mode is OutputMode.NORMAL:
        _print_report(run, paths)
    if verdict.error is not None:
        say(err, f"error: {verdict.error}")
    if mode is OutputMode.NORMAL:
        if verdict.stop_line is not None:
            say(out, verdict.stop_line)
    elif mode is OutputMode.QUIET:
        say(out, outcome_line(run, paths, verdict))
    else:
        print_json(json_report(run, paths, verdict))
    return verdict.code
