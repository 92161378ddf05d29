"""The parts of ``--json`` summaries that ``send``, its dry run and ``demo`` share.

Every summary is one JSON object on one line of stdout with at least ``command`` and
``exit_code``; a command that failed before it ran anything adds ``error`` (the message
also printed on stderr) and nothing else. The full shape of each is in the README ("The
command line").
"""

from __future__ import annotations

from typing import Any

from ..run import Summary

__all__ = ["PROBLEMS_SHOWN", "error_summary", "problems", "run_counts"]

PROBLEMS_SHOWN = 20
"""Undelivered events listed in a summary (the first ones, by line); all are in the
dead-letter file."""


def run_counts(summary: Summary) -> dict[str, Any]:
    """The counts of a run, by the names the README documents."""
    return {
        "events": summary.events,
        "delivered": summary.delivered,
        "undelivered": summary.undelivered,
        "rejected": summary.rejected,
        "failed_retryable": summary.failed_retryable,
        "config": summary.config,
        "maybe_applied": summary.maybe_applied,
        "skipped": summary.skipped,
        "not_attempted": summary.not_attempted,
        "interrupted": summary.interrupted,
        "already_recorded": summary.already_recorded,
        "resent": summary.resent,
        "earlier_undelivered": summary.earlier_undelivered,
        "warnings": summary.warnings,
        "requests": summary.requests,
        "elapsed_seconds": round(summary.elapsed, 3),
    }


def problems(summary: Summary, limit: int = PROBLEMS_SHOWN) -> list[dict[str, Any]]:
    """The first undelivered events: line, status, retryable, error, field."""
    return [
        {
            "line": line,
            "status_code": result.status_code,
            "retryable": result.retryable,
            "error": result.error,
            "field": result.field,
        }
        for line, result in summary.problems[:limit]
    ]


def error_summary(command: str, exit_code: int, message: str) -> dict[str, Any]:
    """The summary of a command that stopped before running anything."""
    return {"command": command, "exit_code": exit_code, "error": message}
