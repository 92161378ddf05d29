"""``--quiet``: one line, the outcome; ``--json``: exactly one summary object on stdout.
Both on ``send``, its dry run and ``demo``; errors go to stderr either way."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rudder_mapper.samples import BAD_LINES, demo_events, seed_examples, workload

from ._support import Account, invoke, jsonl, read_dead_letters, write_jsonl

BAD_IDENTIFY = {"type": "identify", "traits": {"name": "No Email"}}


def _only_json(stdout: str) -> dict[str, Any]:
    """The single JSON object stdout must consist of."""
    lines = stdout.splitlines()
    assert len(lines) == 1, stdout
    document = json.loads(lines[0])
    assert isinstance(document, dict)
    return document


def _events_with_two_bad(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "events.jsonl", [*seed_examples(), "{broken", BAD_IDENTIFY])


def test_quiet_send_prints_one_line(account: Account, tmp_path: Path) -> None:
    events = _events_with_two_bad(tmp_path)

    result = account.send(str(events), "--quiet")

    assert result.exit_code == 1
    assert result.stdout == (
        f"9 events: 7 delivered, 2 undelivered (in {events}.dead-letter.jsonl)\n"
    )
    assert result.stderr == ""
    assert len(read_dead_letters(Path(f"{events}.dead-letter.jsonl"))) == 2


def test_quiet_send_of_a_clean_file(account: Account, tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = account.send(str(events), "-q")

    assert result.exit_code == 0
    assert result.stdout == "7 events: 7 delivered, 0 undelivered\n"


def test_quiet_resume_says_what_the_checkpoint_had(account: Account, tmp_path: Path) -> None:
    events = _events_with_two_bad(tmp_path)
    assert account.send(str(events), "-q").exit_code == 1
    with events.open("a", encoding="utf-8") as more:
        more.write(jsonl(seed_examples()[:1]))

    result = account.send(str(events), "--resume", "-q")

    assert result.exit_code == 1  # the two bad lines of the first run
    assert result.stdout == (
        f"1 events: 1 delivered, 0 undelivered, 2 undelivered by earlier runs "
        f"(in {events}.dead-letter.jsonl); 9 already recorded by the checkpoint\n"
    )


def test_json_send_prints_exactly_one_summary(account: Account, tmp_path: Path) -> None:
    events = _events_with_two_bad(tmp_path)

    result = account.send(str(events), "--json")

    assert result.exit_code == 1
    summary = _only_json(result.stdout)
    assert result.stderr == ""
    assert summary["command"] == "send"
    assert summary["dry_run"] is False
    assert summary["exit_code"] == 1
    counts = {k: summary[k] for k in ("events", "delivered", "undelivered", "rejected")}
    assert counts == {"events": 9, "delivered": 7, "undelivered": 2, "rejected": 2}
    assert summary["requests"] == len(account.emulator.requests) > 0
    assert summary["elapsed_seconds"] >= 0
    assert summary["input"] == str(events)
    assert summary["dead_letter"] == f"{events}.dead-letter.jsonl"
    assert summary["checkpoint"] == f"{events}.checkpoint"
    assert Path(summary["checkpoint"]).is_file()
    assert summary["stopped_after_line"] is None
    assert summary["stop_reason"] is None
    assert summary["error"] is None
    assert [(p["line"], p["status_code"]) for p in summary["problems"]] == [(8, 400), (9, 400)]
    assert summary["problems"][1]["field"] == "traits.email"


def test_json_names_no_dead_letter_file_when_there_is_none(
    account: Account, tmp_path: Path
) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    summary = _only_json(account.send(str(events), "--json").stdout)

    assert summary["exit_code"] == 0
    assert summary["dead_letter"] is None  # nothing undelivered, no file
    assert not Path(f"{events}.dead-letter.jsonl").exists()


def test_json_from_stdin_prints_undelivered_events_on_stderr(account: Account) -> None:
    result = account.send("-", "--json", input=jsonl([seed_examples()[0], "{broken"]))

    assert result.exit_code == 1
    summary = _only_json(result.stdout)
    assert (summary["delivered"], summary["undelivered"]) == (1, 1)
    assert (summary["dead_letter"], summary["checkpoint"]) == (None, None)
    assert result.stderr.startswith("undelivered line 2 (400, not retryable): line 2: not valid")


def test_json_of_a_configuration_error(tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = invoke("send", str(events), "--json")

    assert result.exit_code == 2
    summary = _only_json(result.stdout)
    assert summary["command"] == "send"
    assert summary["exit_code"] == 2
    assert summary["error"].startswith("no account configured")
    assert "error: no account configured" in result.stderr


def _with_a_refused_key(account: Account, tmp_path: Path) -> Path:
    """The seed examples, and the account's config with a wrong API key."""
    config = account.config() | {"apiKey": "not-the-key"}
    account.config_path.write_text(json.dumps(config), encoding="utf-8")
    return write_jsonl(tmp_path / "events.jsonl", seed_examples())


def test_json_of_a_refused_key_says_where_it_stopped(account: Account, tmp_path: Path) -> None:
    events = _with_a_refused_key(account, tmp_path)

    result = account.send(str(events), "--json")

    assert result.exit_code == 2
    summary = _only_json(result.stdout)
    assert summary["exit_code"] == 2
    assert summary["stop_reason"] == "configuration"
    assert summary["stopped_after_line"] == 7
    assert summary["next_step"].startswith("fix the configuration, then resume with: ")
    assert summary["next_step"].endswith("--resume")
    assert "Settings > Developer" in summary["error"]
    assert "Settings > Developer" in result.stderr
    assert summary["delivered"] == 0
    assert summary["not_attempted"] == 7


def test_quiet_stop_line_is_part_of_the_outcome(account: Account, tmp_path: Path) -> None:
    events = _with_a_refused_key(account, tmp_path)

    result = account.send(str(events), "-q")

    assert result.exit_code == 2
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        "7 events: 0 delivered, 0 undelivered, 7 left for --resume; stopped after line 7; "
        "fix the configuration, then resume with: rudder-activecampaign send "
    )
    assert "error: " in result.stderr


def test_a_large_dry_run_prints_one_line(account: Account, tmp_path: Path) -> None:
    messages = list(workload(5_000, seed=5, users=300, domains=20))
    events = write_jsonl(tmp_path / "events.jsonl", messages)

    quiet = account.send(str(events), "--dry-run", "--quiet")
    as_json = account.send(str(events), "--dry-run", "--json")
    full = account.send(str(events), "--dry-run")

    assert len(full.stdout.splitlines()) > 5_000  # one line per planned call at least
    assert quiet.exit_code == as_json.exit_code == 0
    assert quiet.stdout == "dry run: 5000 events planned, 0 rejected, nothing sent\n"
    summary = _only_json(as_json.stdout)
    assert summary["dry_run"] is True
    assert (summary["events"], summary["planned"], summary["rejected"]) == (5_000, 5_000, 0)
    assert summary["calls"] == len(full.stdout.splitlines()) - 1 - summary["warnings"]
    assert quiet.stderr == as_json.stderr == ""
    assert account.emulator.requests == []


@pytest.mark.parametrize("flag", ["--quiet", "--json"])
def test_quiet_dry_runs_print_rejections_on_stderr_unless_filed(
    account: Account, tmp_path: Path, flag: str
) -> None:
    events = _events_with_two_bad(tmp_path)
    dead = tmp_path / "dead.jsonl"

    printed = account.send(str(events), "--dry-run", flag)
    filed = account.send(str(events), "--dry-run", flag, "--dead-letter", str(dead))

    assert printed.exit_code == filed.exit_code == 1
    assert printed.stderr.splitlines() == [
        "line 8: rejected line 8: not valid JSON (Expecting property name enclosed in double "
        "quotes)",
        "line 9: rejected traits.email: is required to identify a contact in ActiveCampaign",
    ]
    assert filed.stderr == ""
    assert len(read_dead_letters(dead)) == 2
    if flag == "--json":
        assert _only_json(filed.stdout)["dead_letter"] == str(dead)
        assert [p["line"] for p in _only_json(printed.stdout)["problems"]] == [8, 9]


def test_quiet_demo() -> None:
    result = invoke("demo", "--quiet")

    events = len([line for line in demo_events() if line.strip()])
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert line.startswith(
        f"demo: {events} events: {events - len(BAD_LINES)} delivered, {len(BAD_LINES)} "
        f"undelivered ({len(BAD_LINES)} of them the sample's broken lines); "
    )
    assert line.endswith(" s on the emulator's clock")


def test_json_demo(tmp_path: Path) -> None:
    dead = tmp_path / "dead.jsonl"

    result = invoke("demo", "--json", "--dead-letter", str(dead))

    assert result.exit_code == 0
    summary = _only_json(result.stdout)
    assert summary["command"] == "demo"
    assert summary["exit_code"] == 0
    assert summary["rejected"] == len(BAD_LINES) == len(summary["expected_rejections"])
    assert [p["line"] for p in summary["problems"]] == summary["expected_rejections"]
    assert summary["dead_letter"] == str(dead)
    assert summary["simulated_seconds"] > 0
    assert summary["contacts"] > 0 and summary["tracked_events"] > 0


def test_json_demo_of_a_missing_file(tmp_path: Path) -> None:
    result = invoke("demo", "--json", "--events", str(tmp_path / "nowhere.jsonl"))

    assert result.exit_code == 2
    summary = _only_json(result.stdout)
    assert summary["command"] == "demo"
    assert summary["error"].startswith("cannot open")
