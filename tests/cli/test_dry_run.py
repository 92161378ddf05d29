"""``send --dry-run``: map and validate, print the planned calls, send nothing."""

from __future__ import annotations

import json
from pathlib import Path

from rudder_mapper.samples import seed_examples

from ._support import Account, invoke, jsonl, read_dead_letters, write_jsonl

SEED_PLAN = [
    "line 1: POST /api/3/contact/sync name@surname.com (John Doe)",
    "line 2: POST /api/3/contact/sync name@surname.com (John Doe)",
    "line 2: POST /api/3/contactTags tag 'Returning User'",
    "line 2: POST /api/3/contactTags tag 'Coupon Used'",
    "line 3: POST /api/3/contact/sync name@surname.com (John Doe) fields: Interest, Country, "
    "Hobbies",
    "line 3: POST /api/3/contactTags tag 'Returning User'",
    "line 3: POST /api/3/contactTags tag 'Coupon Used'",
    "line 4: POST /api/3/contact/sync name@surname.com (John Doe) fields: Interest, Country, "
    "Hobbies",
    "line 4: POST /api/3/contactTags tag 'Returning User'",
    "line 4: POST /api/3/contactTags tag 'Coupon Used'",
    "line 4: POST /api/3/contactLists list 2 subscribe",
    "line 4: POST /api/3/contactLists list 3 unsubscribe",
    "line 5: POST https://trackcmp.net/event 'Product Purchased' for name@surname.com "
    'eventdata="Rubik\'s Cube"',
    "line 6: POST https://trackcmp.net/event 'Screen Viewed' for name@surname.com "
    "eventdata='Screen Viewed'",
    "line 7: POST /api/3/prism/urlWhitelistings rudderlabs.com (if not yet whitelisted)",
    "line 7: warning properties.url 'url' has no usable host; used context.page.url",
    "dry run: 7 events planned, 0 rejected, nothing sent",
]


def test_dry_run_prints_planned_calls_and_sends_nothing(account: Account, tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = account.send(str(events), "--dry-run")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == SEED_PLAN
    assert account.emulator.requests == []
    assert account.built == []  # no client, no connection, not even a config check
    assert account.emulator.contacts() == []


def test_dry_run_needs_no_account(tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = invoke("send", str(events), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "dry run: 7 events planned, 0 rejected, nothing sent" in result.stdout


def test_dry_run_reports_bad_lines_and_dead_letters_them(account: Account, tmp_path: Path) -> None:
    bad_identify = {"type": "identify", "traits": {"name": "No Email"}}
    lines = [seed_examples()[0], "{not json", "", "[]", bad_identify, seed_examples()[6]]
    events = write_jsonl(tmp_path / "events.jsonl", lines)
    dead = tmp_path / "dead.jsonl"

    result = account.send(str(events), "--dry-run", "--dead-letter", str(dead))

    assert result.exit_code == 1
    printed = " ".join(result.stdout.split())
    assert "line 2: rejected line 2: not valid JSON" in printed
    assert "line 4: rejected line 4: not a JSON object" in printed
    assert "line 5: rejected traits.email: is required" in printed
    assert "dry run: 2 events planned, 3 rejected, nothing sent" in printed
    letters = read_dead_letters(dead)
    assert [(r["dead_letter"]["line"], r["message"]) for r in letters] == [
        (2, "{not json"),
        (4, []),
        (5, bad_identify),
    ]
    assert account.emulator.requests == []


def test_dry_run_from_stdin(account: Account) -> None:
    result = account.send("-", "--dry-run", input=jsonl(seed_examples()))

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == SEED_PLAN
    assert account.emulator.requests == []


def test_dry_run_of_a_dead_letter_file_plans_the_original_messages(
    account: Account, tmp_path: Path
) -> None:
    letter = {
        "dead_letter": {
            "line": 9,
            "status_code": 503,
            "retryable": True,
            "error": "POST /api/3/contact/sync -> 503",
            "field": None,
        },
        "message": seed_examples()[0],
    }
    events = tmp_path / "dead.jsonl"
    events.write_text(json.dumps(letter) + "\n", encoding="utf-8")

    result = account.send(str(events), "--dry-run")

    assert result.exit_code == 0, result.output
    # Reported with the line it was first read from, not its place in the dead-letter file.
    assert SEED_PLAN[0].replace("line 1:", "line 9:") in result.stdout.splitlines()
    assert account.emulator.requests == []
