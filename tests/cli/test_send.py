"""``send``: the summary matches what the emulated account received, and the exit code."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from rudder_mapper.samples import seed_examples

from ._support import (
    Account,
    invoke,
    jsonl,
    problem_lines,
    read_dead_letters,
    summary,
    write_jsonl,
)

SEED_EMAIL = "name@surname.com"


def _identify(email: str, **traits: object) -> dict[str, object]:
    return {"type": "identify", "userId": email.split("@")[0], "traits": {"email": email, **traits}}


def _track(email: str, event: str) -> dict[str, object]:
    return {"type": "track", "event": event, "context": {"traits": {"email": email}}}


def _page(url: str) -> dict[str, object]:
    return {"type": "page", "properties": {"url": url}}


def _assert_seed_state(account: Account) -> None:
    emulator = account.emulator
    contact = emulator.contact(SEED_EMAIL)
    assert contact is not None
    assert (contact.first_name, contact.last_name, contact.phone) == ("John", "Doe", "2364556")
    assert contact.tags == {"Returning User", "Coupon Used"}
    titles = emulator.fields()
    assert {titles[k]: v for k, v in contact.field_values.items()} == {
        "Interest": "Electronics",
        "Country": "USA",
        "Hobbies": "||Cricket||Tennis||",
    }
    assert contact.lists == {"2": "1", "3": "2"}
    assert [(e.event, e.email) for e in emulator.tracked_events] == [
        ("Product Purchased", SEED_EMAIL),
        ("Screen Viewed", SEED_EMAIL),
    ]
    assert set(emulator.domains().values()) == {"rudderlabs.com"}


def test_every_event_delivered_exits_0_with_matching_summary(
    account: Account, tmp_path: Path
) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = account.send(str(events))

    assert result.exit_code == 0, result.output
    assert summary(result.stdout) == {
        "events": 7,
        "delivered": 7,
        "rejected": 0,
        "failed_retryable": 0,
        "warnings": 1,  # the page's properties.url is "url": context.page.url is used
        "requests": len(account.emulator.requests),
    }
    assert "Events not delivered" not in result.stdout
    assert account.built == [account.config()]  # the config file reached the destination as is
    _assert_seed_state(account)


def test_events_from_stdin(account: Account) -> None:
    result = account.send("-", input=jsonl(seed_examples()))

    assert result.exit_code == 0, result.output
    numbers = summary(result.stdout)
    assert (numbers["events"], numbers["delivered"]) == (7, 7)
    assert numbers["requests"] == len(account.emulator.requests)
    _assert_seed_state(account)


def test_account_from_environment(account: Account, tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = invoke("send", str(events), **account.env())

    assert result.exit_code == 0, result.output
    assert account.built == [account.config()]
    assert summary(result.stdout)["delivered"] == 7
    _assert_seed_state(account)


def test_environment_without_tracking_keys_stops_at_the_first_track(
    account: Account, tmp_path: Path
) -> None:
    env = account.env()
    env["ACTIVECAMPAIGN_ACTID"] = env["ACTIVECAMPAIGN_EVENT_KEY"] = None
    events = write_jsonl(
        tmp_path / "events.jsonl",
        [_identify("a@example.com"), _track("a@example.com", "Signed Up")],
    )

    result = invoke("send", str(events), **env)

    # Missing tracking keys are a configuration fault, not a bad event: the track is left
    # for --resume (no dead letter), the run stops with 2 and says what to set.
    assert result.exit_code == 2, result.output
    numbers = summary(result.stdout)
    assert (numbers["delivered"], numbers["rejected"], numbers["failed_retryable"]) == (1, 0, 0)
    assert "not attempted (left for --resume)" in result.stdout
    assert "Settings > Tracking > Event Tracking" in " ".join(result.stderr.split())
    assert "resume with: rudder-activecampaign send" in " ".join(result.stdout.split())
    assert not (tmp_path / "events.jsonl.dead-letter.jsonl").exists()
    assert account.emulator.contact("a@example.com") is not None
    assert account.emulator.tracked_events == []


def test_bad_lines_are_reported_with_their_line_numbers(account: Account, tmp_path: Path) -> None:
    lines = [
        json.dumps(_identify("a@example.com")),  # 1
        "{not json",  # 2
        "",  # 3: blank lines are skipped, not counted
        "[1, 2]",  # 4
        "42",  # 5
        '"just a string"',  # 6
        "null",  # 7
        json.dumps(_track("a@example.com", "Signed Up")),  # 8
        json.dumps({"type": "alias", "userId": "x"}),  # 9
    ]
    events = write_jsonl(tmp_path / "events.jsonl", lines)

    result = account.send(str(events))

    assert result.exit_code == 1
    numbers = summary(result.stdout)
    assert (numbers["events"], numbers["delivered"], numbers["rejected"]) == (8, 2, 6)
    assert numbers["failed_retryable"] == 0
    assert problem_lines(result.stdout) == {2: 400, 4: 400, 5: 400, 6: 400, 7: 400, 9: 400}
    output = " ".join(result.stdout.split())
    assert "line 2: not valid JSON" in output
    for number in (4, 5, 6, 7):
        assert f"line {number}: not a JSON object" in output
    assert "type: 'alias' is not supported" in output
    assert [e.event for e in account.emulator.tracked_events] == ["Signed Up"]


def test_retryable_failure_exits_1_and_counts_every_attempt(
    account: Account, tmp_path: Path
) -> None:
    account.emulator.faults.script("POST /api/3/contact/sync", ["503", "503", "503"])
    events = write_jsonl(
        tmp_path / "events.jsonl",
        [_identify("a@example.com"), _page("https://www.shop.example.com/x")],
    )

    result = account.send(str(events))

    assert result.exit_code == 1
    numbers = summary(result.stdout)
    assert numbers["events"] == 2
    assert (numbers["delivered"], numbers["rejected"], numbers["failed_retryable"]) == (1, 0, 1)
    requests = account.emulator.requests
    assert numbers["requests"] == len(requests)
    assert [r.fault for r in requests if r.path == "/api/3/contact/sync"] == ["503"] * 3
    assert problem_lines(result.stdout) == {1: 503}
    assert account.emulator.contact("a@example.com") is None
    assert set(account.emulator.domains().values()) == {"shop.example.com"}


def test_options_reach_the_destination(account: Account, tmp_path: Path) -> None:
    identifies = [_identify(f"user{n}@example.com") for n in range(12)]
    events = write_jsonl(tmp_path / "events.jsonl", identifies)

    result = account.send(str(events), "--concurrency", "3", "--bulk-threshold", "0")

    assert result.exit_code == 0, result.output
    (destination,) = account.destinations
    assert (destination.max_concurrency, destination.bulk_threshold) == (3, 0)
    paths = Counter(r.path for r in account.emulator.requests)
    assert paths["/api/3/contact/sync"] == 12
    assert paths["/api/3/import/bulk_import"] == 0
    assert len(account.emulator.contacts()) == 12


def test_identify_batches_switch_to_bulk_import(account: Account, tmp_path: Path) -> None:
    identifies = [_identify(f"user{n}@example.com") for n in range(12)]
    events = write_jsonl(tmp_path / "events.jsonl", identifies)

    result = account.send(str(events), "--bulk-threshold", "10")

    assert result.exit_code == 0, result.output
    paths = Counter(r.path for r in account.emulator.requests)
    assert paths["/api/3/import/bulk_import"] == 1
    assert paths["/api/3/contact/sync"] == 0
    assert summary(result.stdout)["requests"] == len(account.emulator.requests)
    assert len(account.emulator.contacts()) == 12


def test_small_batches_never_reach_the_bulk_threshold(account: Account, tmp_path: Path) -> None:
    identifies = [_identify(f"user{n}@example.com") for n in range(12)]
    events = write_jsonl(tmp_path / "events.jsonl", identifies)

    result = account.send(str(events), "--batch-size", "5", "--bulk-threshold", "10")

    assert result.exit_code == 0, result.output
    paths = Counter(r.path for r in account.emulator.requests)
    assert (paths["/api/3/import/bulk_import"], paths["/api/3/contact/sync"]) == (0, 12)


def test_empty_input_delivers_nothing_and_exits_0(account: Account, tmp_path: Path) -> None:
    events = tmp_path / "empty.jsonl"
    events.write_text("\n\n", encoding="utf-8")
    dead = tmp_path / "dead.jsonl"

    result = account.send(str(events), "--dead-letter", str(dead))

    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["events"] == 0
    assert not dead.exists()  # no undelivered events, no dead-letter file
    assert account.emulator.requests == []


def test_event_text_is_printed_verbatim_never_as_markup(account: Account, tmp_path: Path) -> None:
    # Rich would read "[/x]" as a closing tag and crash on it.
    events = write_jsonl(tmp_path / "events.jsonl", [{"type": "[/x]"}, {"type": "[bold]y"}])

    result = account.send(str(events))

    assert result.exit_code == 1
    assert "type: '[/x]' is not supported" in result.stdout
    assert "type: '[bold]y' is not supported" in result.stdout


def test_undecodable_stdin_bytes_are_a_bad_line_not_a_crash(
    account: Account, tmp_path: Path
) -> None:
    good = json.dumps(_identify("a@example.com")).encode()
    dead = tmp_path / "dead.jsonl"

    result = account.send("-", "--dead-letter", str(dead), input=good + b"\n\xff\xfe{bad\n")

    assert result.exit_code == 1
    numbers = summary(result.stdout)
    assert (numbers["delivered"], numbers["rejected"]) == (1, 1)
    (letter,) = read_dead_letters(dead)
    assert letter["dead_letter"]["line"] == 2
    assert "not valid UTF-8 (byte 0xff" in letter["dead_letter"]["error"]
    assert letter["message"] == "\\xff\\xfe{bad"  # the bytes, escaped; nothing replaced


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_a_byte_order_mark_is_not_part_of_the_first_line(
    account: Account, tmp_path: Path, source: str
) -> None:
    data = b"\xef\xbb\xbf" + jsonl(seed_examples()).encode()
    events = tmp_path / "bom.jsonl"
    events.write_bytes(data)

    from_file = source == "file"
    result = account.send(str(events) if from_file else "-", input=None if from_file else data)

    assert result.exit_code == 0, result.output
    assert summary(result.stdout)["delivered"] == 7
