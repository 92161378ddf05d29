"""2,000 mixed events through the CLI's pipeline with ~20% of requests faulted: every event
is delivered (and its effect is in the account) or dead-lettered with the right flag;
nothing is lost, nothing duplicated; the dead letters replay cleanly.

The checks themselves are in ``_audit.py``; ``make soak`` runs the same at 20,000 events.
"""

from __future__ import annotations

import json
from collections import Counter

from ._audit import RETRYABLE_STATUSES
from ._fault_events import INVALID_LINES
from ._fault_run import LOGIN_STRETCH, RANDOM_FAULTS
from ._scenario import FaultRun


def test_every_event_is_delivered_or_dead_lettered_with_the_right_flag(
    ci_fault_run: FaultRun,
) -> None:
    audit = ci_fault_run.before_replay
    assert audit.problems == []
    assert (audit.lost, audit.wrong_flag) == (0, 0)
    assert audit.delivered + audit.rejected + audit.failed_retryable == audit.events == 2_000


def test_the_run_met_every_kind_of_fault_and_both_identify_paths(ci_fault_run: FaultRun) -> None:
    requests = ci_fault_run.first.requests
    faults = Counter(r.fault for r in requests if r.fault)
    assert set(faults) >= set(RANDOM_FAULTS) | {"login_page"}
    assert faults["login_page"] == LOGIN_STRETCH
    assert 0.15 < sum(faults.values()) / len(requests) < 0.30
    paths = Counter(r.path for r in requests)
    assert paths["/api/3/import/bulk_import"] > 0
    assert paths["/api/3/contact/sync"] > 0


def test_failures_are_of_the_kinds_the_faults_explain(ci_fault_run: FaultRun) -> None:
    failed = [a.result for a in ci_fault_run.first.attempts if not a.result.delivered]
    by_status = Counter(r.status_code for r in failed)
    assert set(by_status) <= RETRYABLE_STATUSES | {400, 401}
    assert by_status[400] == sum(1 for line in ci_fault_run.lines if line.invalid_field)
    assert by_status[401] > 0  # the login pages: a refused key, not worth retrying as is
    assert sum(by_status[s] for s in RETRYABLE_STATUSES) > 0


def test_summary_and_dead_letter_file_agree_with_the_results(ci_fault_run: FaultRun) -> None:
    summary, audit = ci_fault_run.first.summary, ci_fault_run.before_replay
    assert (summary.events, summary.delivered) == (audit.events, audit.delivered)
    # The audit counts a refused key (the login pages) as not retryable; the summary keeps
    # such configuration faults apart from bad events.
    assert summary.config > 0
    assert (summary.rejected + summary.config, summary.failed_retryable) == (
        audit.rejected,
        audit.failed_retryable,
    )
    letters = ci_fault_run.first.dead_letter_path.read_text(encoding="utf-8").splitlines()
    assert len(letters) == summary.events - summary.delivered
    assert ci_fault_run.first.unmatched_dead_letters == []


def test_replaying_the_dead_letters_on_a_healthy_account_delivers_them_all(
    ci_fault_run: FaultRun,
) -> None:
    invalid = {line.number: line.invalid_field for line in ci_fault_run.lines if line.invalid_field}
    replay = ci_fault_run.replay
    assert (
        len(replay.attempts)
        == ci_fault_run.before_replay.events - ci_fault_run.before_replay.delivered
    )
    undelivered = {a.line: a.result for a in replay.attempts if not a.result.delivered}
    assert set(undelivered) == set(invalid)
    assert all(r.status_code == 400 and r.field == invalid[n] for n, r in undelivered.items())
    again = [json.loads(text)["dead_letter"] for text in replay.dead_letter_path.open()]
    assert len(again) == len(invalid)
    assert Counter(letter["field"] for letter in again) == Counter(invalid.values())
    assert replay.unmatched_dead_letters == []
    after = ci_fault_run.after_replay
    assert after.problems == []
    assert after.delivered == after.events - len(invalid)
    assert len(invalid) == after.rejected > 0
    assert {field for _, field in INVALID_LINES} >= set(invalid.values())


def test_retries_never_duplicate_contacts_tags_lists_or_fields(ci_fault_run: FaultRun) -> None:
    assert ci_fault_run.before_replay.duplicates == 0
    assert ci_fault_run.after_replay.duplicates == 0
    emulator = ci_fault_run.emulator
    emails = [c.email.casefold() for c in emulator.contacts()]
    assert len(emails) == len(set(emails)) > 100
    tags = [name.casefold() for name in emulator.tags().values()]
    assert len(tags) == len(set(tags))
    # The fans' tags come in several letter cases; each is one tag.
    assert {"vip", "beta tester", "coupon used"} <= set(tags)


def test_a_track_applied_then_timed_out_is_at_most_once_until_replayed(
    ci_fault_run: FaultRun,
) -> None:
    # track() is at most once: a trackcmp request that timed out or was reset after the
    # event was recorded is not retried, so the event is in the account once and its
    # result is a retryable failure (504/502). Replaying the dead letters is the pipeline's
    # at-least-once step: exactly those events are then counted twice, as documented.
    before, after = ci_fault_run.before_replay, ci_fault_run.after_replay
    assert before.ambiguous > 0
    assert before.double_counted == 0
    assert after.double_counted == before.ambiguous
    results = {a.line: a.result for a in ci_fault_run.first.attempts}
    for line in before.ambiguous_lines:
        assert results[line].retryable
        assert results[line].status_code in (502, 504)  # reset / timed out
    replayed = {a.line for a in ci_fault_run.replay.attempts if a.result.delivered}
    assert set(before.ambiguous_lines) <= replayed
