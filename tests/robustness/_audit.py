"""Accounting for every event of a fault run against the emulator's final state.

For each delivery attempt of each line:

* delivered -> its effect is in the account (contact with its tags, names, phone, fields
  and list statuses; the tracked event; the whitelisted domain), and it is not a dead letter;
* not delivered -> it is in the dead-letter file with the same status, flag, error and
  field, and its ``retryable`` flag is the right one for why it failed.

Attributes a later identify may overwrite (names, phone, fields, list statuses) are checked
per contact against the *last* writer: the final value must be the one of the last
delivered identify, or of a later one that failed (a failed identify may have been applied
in part or in full before its failure). Tags only ever accumulate, so each delivered
identify's tags must all be there.

Tracked events are matched to lines by ``eventData.seq``. ``track()`` is at most once: a
trackcmp request is retried only when the server certainly did not act on it (429, refused
connection). A request that timed out or was reset *after* trackcmp recorded the event is
the documented ambiguous case: the event is in the account but its result is a retryable
failure, and a replay of the dead-letter file records it a second time.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from activecampaign_client import ActiveCampaign
from activecampaign_client.testing import (
    ActiveCampaignEmulator,
    EmulatedContact,
    RecordedRequest,
    TrackedEventRecord,
)
from rudder_mapper.samples import DEMO_FIELDS

from ._fault_events import StreamLine
from ._fault_run import Attempt, Pass

__all__ = ["RETRYABLE_STATUSES", "Audit", "audit"]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Failures worth retrying: rate limits, server errors, and network failures (502/504)."""

# A trackcmp request retried after one of these was certainly not acted on by the server.
_NOT_ACTED = frozenset({"429", "429_burst", "connect_error"})
_AFTER_APPLY = frozenset({"timeout_after_apply", "reset_after_apply"})
_FIELD_TYPES = {title.casefold(): kind for title, _, kind in DEMO_FIELDS}

Key = tuple[str, str]


@dataclass
class Audit:
    """Counts and every problem found; a good run has no problems, 0 lost, 0 duplicates."""

    events: int = 0
    delivered: int = 0
    rejected: int = 0
    failed_retryable: int = 0
    lost: int = 0
    duplicates: int = 0
    wrong_flag: int = 0
    ambiguous: int = 0
    double_counted: int = 0
    ambiguous_lines: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        """Record a problem (the first hundred are kept verbatim)."""
        if len(self.problems) < 100:
            self.problems.append(text)


def _traits(message: Mapping[str, Any]) -> Mapping[str, Any]:
    traits = message.get("traits")
    return traits if isinstance(traits, Mapping) else {}


def _email(message: Mapping[str, Any]) -> str:
    if message["type"] == "identify":
        return str(_traits(message)["email"])
    return str(message["context"]["traits"]["email"])


def _field_text(value: Any, kind: str) -> str:
    if isinstance(value, list):
        return "||" + "||".join(str(v) for v in value) + "||"
    if kind == "date":
        return str(value)[:10]
    return str(value)


def identify_writes(message: Mapping[str, Any], field_ids: Mapping[str, str]) -> dict[Key, str]:
    """What an identify sets that a later identify may overwrite, keyed by attribute."""
    traits = _traits(message)
    writes: dict[Key, str] = {}
    if "firstName" in traits or "lastName" in traits:
        writes["name", "first"] = str(traits.get("firstName", ""))
        writes["name", "last"] = str(traits.get("lastName", ""))
    elif "name" in traits:
        first, _, last = str(traits["name"]).partition(" ")
        writes["name", "first"] = first
        if last.strip():  # a one-word name leaves the last name as it was
            writes["name", "last"] = last.strip()
    if "phone" in traits:
        writes["name", "phone"] = str(traits["phone"])
    for title, value in (traits.get("fieldInfo") or {}).items():
        kind = _FIELD_TYPES[title.casefold()]
        writes["field", field_ids[title.casefold()]] = _field_text(value, kind)
    for entry in traits.get("lists") or []:
        writes["list", str(entry["id"])] = "1" if entry["status"] == "subscribe" else "2"
    return writes


def _current(contact: EmulatedContact | None, key: Key) -> str | None:
    if contact is None:
        return None
    kind, name = key
    if kind == "name":
        value = {"first": contact.first_name, "last": contact.last_name}.get(name, contact.phone)
        return value or None
    if kind == "field":
        return contact.field_values.get(name)
    return contact.lists.get(name)


def _seq(request_or_record: RecordedRequest | TrackedEventRecord) -> int | None:
    raw = (
        request_or_record.form.get("eventdata")
        if isinstance(request_or_record, RecordedRequest)
        else request_or_record.eventdata
    )
    try:
        data = json.loads(raw or "")
    except ValueError:
        return None
    seq = data.get("seq") if isinstance(data, dict) else None
    return seq if isinstance(seq, int) else None


def _track_requests(requests: Iterable[RecordedRequest]) -> dict[int, list[RecordedRequest]]:
    by_seq: dict[int, list[RecordedRequest]] = defaultdict(list)
    for request in requests:
        if request.host == "trackcmp.net":
            seq = _seq(request)
            if seq is not None:
                by_seq[seq].append(request)
    return by_seq


def _certainly_not_acted(request: RecordedRequest) -> bool:
    return request.fault in _NOT_ACTED or (request.fault is None and request.status == 429)


class _State:
    """The emulator's final state, indexed for the checks."""

    def __init__(self, emulator: ActiveCampaignEmulator) -> None:
        self.contacts = {c.email.casefold(): c for c in emulator.contacts()}
        self.domains = set(emulator.domains().values())
        self.tracked: dict[int | None, list[TrackedEventRecord]] = defaultdict(list)
        for record in emulator.tracked_events:
            self.tracked[_seq(record)].append(record)
        self.field_ids = {title.casefold(): fid for fid, title in emulator.fields().items()}


def _effect_missing(message: Mapping[str, Any], state: _State) -> str | None:
    kind = message["type"]
    if kind == "page":
        host = urlsplit(message["properties"]["url"]).hostname or ""
        domain = host.removeprefix("www.")
        return None if domain in state.domains else f"domain {domain} not whitelisted"
    if kind in ("track", "screen"):
        seq = message["properties"]["eventData"]["seq"]
        name = message.get("event") or message.get("name")
        email = _email(message)
        found = [r for r in state.tracked.get(seq, []) if r.event == name and r.email == email]
        return None if found else f"event {name!r} for {email} not tracked"
    contact = state.contacts.get(_email(message).casefold())
    if contact is None:
        return "contact missing"
    have = {t.casefold() for t in contact.tags}
    wanted = {str(t).strip().casefold() for t in _traits(message).get("tags") or []}
    return f"tags {sorted(wanted - have)} missing" if wanted - have else None


def _expected_retryable(line: StreamLine, attempt: Attempt, report: Audit) -> bool | None:
    result = attempt.result
    where = f"line {line.number}"
    if line.invalid_field is not None:
        if result.status_code != 400 or result.field != line.invalid_field:
            report.problem(f"{where}: expected a 400 naming {line.invalid_field}, got {result}")
        elif line.invalid_field not in (result.error or ""):
            report.problem(f"{where}: the error does not name {line.invalid_field}: {result}")
        return False
    if result.status_code == 401:
        if "HTML page" not in (result.error or ""):
            report.problem(f"{where}: a 401 that is not the HTML login page: {result}")
        return False
    if result.status_code in RETRYABLE_STATUSES:
        return True
    report.problem(f"{where}: unexpected failure of a valid event: {result}")
    return None


def _check_dead_letter(line: StreamLine, attempt: Attempt, report: Audit) -> None:
    result, letter = attempt.result, attempt.dead_letter
    assert letter is not None
    meta = letter["dead_letter"]
    written = (meta["status_code"], meta["retryable"], meta["error"], meta["field"])
    if written != (result.status_code, result.retryable, result.error, result.field):
        report.problem(f"line {line.number}: dead letter {meta} differs from {result}")
    try:
        original: Any = json.loads(line.text)
    except ValueError:
        original = line.text
    if letter["message"] != original:
        report.problem(f"line {line.number}: dead letter holds another message")


def _check_attempt(line: StreamLine, attempt: Attempt, state: _State, report: Audit) -> None:
    result = attempt.result
    if result.delivered:
        if attempt.dead_letter is not None:
            report.problem(f"line {line.number}: delivered yet dead-lettered")
        if line.invalid_field is not None or line.message is None:
            report.problem(f"line {line.number}: an undeliverable line was delivered")
            return
        missing = _effect_missing(line.message, state)
        if missing is not None:
            report.lost += 1
            report.problem(f"line {line.number}: delivered but {missing}")
        return
    if attempt.dead_letter is None:
        report.lost += 1
        report.problem(f"line {line.number}: failed ({result}) and not in the dead-letter file")
    else:
        _check_dead_letter(line, attempt, report)
    expected = _expected_retryable(line, attempt, report)
    if expected is not None and result.retryable is not expected:
        report.wrong_flag += 1
        report.problem(f"line {line.number}: retryable={result.retryable}, expected {expected}")


def _check_last_writers(
    lines: Mapping[int, StreamLine], attempts: Sequence[Attempt], state: _State, report: Audit
) -> None:
    allowed: dict[str, dict[Key, set[str | None]]] = defaultdict(dict)
    for attempt in attempts:
        message = lines[attempt.line].message
        if (
            message is None
            or message.get("type") != "identify"
            or lines[attempt.line].invalid_field
        ):
            continue
        per_contact = allowed[_email(message).casefold()]
        for key, value in identify_writes(message, state.field_ids).items():
            stored = value or None
            if attempt.result.delivered:
                per_contact[key] = {stored}
            else:
                per_contact.setdefault(key, {None}).add(stored)
    for email, keys in allowed.items():
        contact = state.contacts.get(email)
        for key, values in keys.items():
            now = _current(contact, key)
            if now not in values:
                report.lost += 1
                report.problem(f"{email}: {key} is {now!r}, expected one of {values}")


def _check_tracking(
    lines: Mapping[int, StreamLine], passes: Sequence[Pass], state: _State, report: Audit
) -> None:
    # Each attempt of a track should be recorded once if delivered or if trackcmp acted on a
    # request that then failed (the ambiguous case), and otherwise not at all.
    expected: Counter[int] = Counter()
    for run in passes:
        requests = _track_requests(run.requests)
        for seq, sent in requests.items():
            # At most once: only requests the server certainly did not act on are repeated.
            if any(not _certainly_not_acted(r) for r in sent[:-1]):
                faults = [r.fault or r.status for r in sent]
                report.problem(f"line {seq}: trackcmp request repeated after {faults}")
        for attempt in run.attempts:
            message = lines[attempt.line].message
            if message is None or message.get("type") not in ("track", "screen"):
                continue
            applied_then_failed = any(
                r.fault in _AFTER_APPLY for r in requests.get(attempt.line, [])
            )
            if attempt.result.delivered or applied_then_failed:
                expected[attempt.line] += 1
            if applied_then_failed and not attempt.result.delivered:
                report.ambiguous += 1
                report.ambiguous_lines.append(attempt.line)
    for number, records in state.tracked.items():
        if number is None:
            report.duplicates += len(records)
            report.problem(f"{len(records)} tracked events belong to no line")
            continue
        want = expected[number]
        if len(records) > want:
            report.duplicates += len(records) - want
            report.problem(f"line {number}: tracked {len(records)} times, expected {want}")
        elif len(records) < want:
            report.lost += 1
            report.problem(f"line {number}: tracked {len(records)} times, expected {want}")
        if len(records) > 1:
            report.double_counted += 1


def _duplicates_in(what: str, names: Iterable[str], report: Audit) -> None:
    for name, count in Counter(names).items():
        if count > 1:
            report.duplicates += count - 1
            report.problem(f"{what} {name!r} exists {count} times")


def _check_account_duplicates(
    emulator: ActiveCampaignEmulator, listing: ActiveCampaign, report: Audit
) -> None:
    _duplicates_in("contact", (c.email.casefold() for c in emulator.contacts()), report)
    _duplicates_in("tag", (name.casefold() for name in emulator.tags().values()), report)
    _duplicates_in("event name", emulator.event_names(), report)
    _duplicates_in("domain", emulator.domains().values(), report)
    for contact in emulator.contacts():
        _duplicates_in(
            f"{contact.email}: tag link",
            (t.tag for t in listing.contact_tags.list(contact.id)),
            report,
        )
        _duplicates_in(
            f"{contact.email}: list membership",
            (m.list for m in listing.contact_lists.list(contact.id)),
            report,
        )
        _duplicates_in(
            f"{contact.email}: field value",
            (v.field or "" for v in listing.field_values.list(contact.id)),
            report,
        )


def audit(
    lines: Sequence[StreamLine], passes: Sequence[Pass], emulator: ActiveCampaignEmulator
) -> Audit:
    """Check every attempt of every pass (in order) against the emulator's state now.

    Counts (delivered, rejected, failed_retryable) describe each line's *last* attempt.
    Call it with faults cleared: duplicates are looked up through the API.
    """
    report = Audit(events=len(lines))
    by_number = {line.number: line for line in lines}
    state = _State(emulator)
    attempts = [attempt for run in passes for attempt in run.attempts]
    last: dict[int, Attempt] = {}
    for run in passes:
        for letter in run.unmatched_dead_letters:
            report.problem(f"dead letter for no attempt: {letter['dead_letter']}")
    for attempt in attempts:
        _check_attempt(by_number[attempt.line], attempt, state, report)
        last[attempt.line] = attempt
    missing = set(by_number) - set(last)
    if missing:
        report.lost += len(missing)
        report.problem(f"lines never attempted: {sorted(missing)[:10]}")
    for attempt in last.values():
        if attempt.result.delivered:
            report.delivered += 1
        elif attempt.result.retryable:
            report.failed_retryable += 1
        else:
            report.rejected += 1
    _check_last_writers(by_number, attempts, state, report)
    _check_tracking(by_number, passes, state, report)
    with emulator.client() as listing:
        _check_account_duplicates(emulator, listing, report)
    return report
