"""``--resume``, ``--restart`` and the checkpoint: what a second run may and may not do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rudder_mapper.samples import seed_examples

from ._support import Account, invoke, jsonl, read_dead_letters, summary, write_jsonl


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def events(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "events.jsonl", [*seed_examples(), "{not json"])


def test_a_finished_run_is_not_sent_again_by_accident(account: Account, events: Path) -> None:
    first = account.send(str(events))
    assert first.exit_code == 1
    requests = len(account.emulator.requests)

    again = account.send(str(events))

    assert again.exit_code == 2
    message = _words(again.stderr)
    assert "holds the outcomes of an earlier run (finished)" in message
    assert "--resume" in message and "--restart" in message
    assert len(account.emulator.requests) == requests
    assert len(read_dead_letters(events.with_name("events.jsonl.dead-letter.jsonl"))) == 1


def test_resume_of_a_finished_run_sends_nothing(account: Account, events: Path) -> None:
    account.send(str(events))
    requests = len(account.emulator.requests)

    again = account.send(str(events), "--resume")

    assert again.exit_code == 1  # the bad line of the first run is still undelivered
    assert len(account.emulator.requests) == requests
    assert "already recorded by the checkpoint (not sent)" in again.stdout
    assert summary(again.stdout)["events"] == 0
    assert "1 more, from earlier runs, are in" in _words(again.stdout)


def test_resume_sends_lines_appended_since(account: Account, events: Path) -> None:
    account.send(str(events))
    with events.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps({"type": "page", "properties": {"url": "https://new.example.com"}}))

    again = account.send(str(events), "--resume")

    assert summary(again.stdout)["delivered"] == 1
    assert "new.example.com" in account.emulator.domains().values()


def test_restart_sends_everything_again(account: Account, events: Path) -> None:
    account.send(str(events))
    tracked = len(account.emulator.tracked_events)

    again = account.send(str(events), "--restart")

    assert again.exit_code == 1
    assert summary(again.stdout)["delivered"] == 7
    assert len(account.emulator.tracked_events) == 2 * tracked


def test_a_changed_input_is_refused(account: Account, events: Path) -> None:
    account.send(str(events))
    events.write_text(jsonl([*reversed(seed_examples()), "{not json"]), encoding="utf-8")
    requests = len(account.emulator.requests)

    again = account.send(str(events), "--resume")

    assert again.exit_code == 2
    assert "the input differs from the one the checkpoint was written for" in _words(again.stderr)
    assert len(account.emulator.requests) == requests


def test_another_account_is_refused(account: Account, events: Path, tmp_path: Path) -> None:
    account.send(str(events))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**account.config(), "apiUrl": "https://other.api-us1.com"}))

    again = invoke("send", str(events), "--resume", "--config", str(other))

    assert again.exit_code == 2
    assert "was written for the account" in _words(again.stderr)


def test_another_dead_letter_file_is_refused(
    account: Account, events: Path, tmp_path: Path
) -> None:
    account.send(str(events))

    again = account.send(str(events), "--resume", "--dead-letter", str(tmp_path / "x.jsonl"))

    assert again.exit_code == 2
    assert "resume with the same --dead-letter" in _words(again.stderr)


def test_resume_without_a_checkpoint_is_refused(account: Account, events: Path) -> None:
    result = account.send(str(events), "--resume")

    assert result.exit_code == 2
    assert "there is no checkpoint" in _words(result.stderr)
    assert account.emulator.requests == []


def test_resume_from_stdin_needs_a_named_checkpoint(account: Account, tmp_path: Path) -> None:
    data = jsonl(seed_examples())
    assert account.send("-", "--resume", input=data).exit_code == 2
    checkpoint = tmp_path / "stdin.checkpoint"
    first = account.send("-", "--checkpoint", str(checkpoint), input=data)
    assert first.exit_code == 0, first.output
    requests = len(account.emulator.requests)

    again = account.send("-", "--checkpoint", str(checkpoint), "--resume", input=data)

    assert again.exit_code == 0
    assert len(account.emulator.requests) == requests
    assert "already recorded by the checkpoint" in again.stdout


@pytest.mark.parametrize(
    ("option", "target", "what"),
    [
        ("--dead-letter", "config", "the config"),
        ("--dead-letter", "checkpoint", "the checkpoint"),
        ("--checkpoint", "events", "the events file"),
        ("--checkpoint", "config", "the config"),
    ],
)
def test_output_files_may_not_be_the_inputs(
    account: Account, events: Path, tmp_path: Path, option: str, target: str, what: str
) -> None:
    paths = {"config": account.config_path, "events": events, "checkpoint": tmp_path / "c.ckpt"}
    extra = ["--checkpoint", str(paths["checkpoint"])] if target == "checkpoint" else []
    before = {name: p.read_bytes() for name, p in paths.items() if p.exists()}

    result = account.send(str(events), *extra, option, str(paths[target]))

    assert result.exit_code == 2
    assert f"is {what} itself" in _words(result.stderr)
    assert {name: p.read_bytes() for name, p in paths.items() if p.exists()} == before
    assert account.emulator.requests == []


@pytest.mark.parametrize(
    ("key", "value"),
    [("apiKey", "ak-7c41f09e2b5d\u200bSECRETKEY"), ("eventKey", "ek-93ab0d7e41c8\x00SECRET")],
    ids=["zero-width-space", "nul"],
)
def test_a_key_that_is_not_printable_ascii_is_refused_by_name(
    account: Account, events: Path, tmp_path: Path, key: str, value: str
) -> None:
    config = tmp_path / "bad.json"
    config.write_text(json.dumps({**account.config(), key: value}), encoding="utf-8")

    result = invoke("send", str(events), "--config", str(config))

    assert result.exit_code == 2
    assert f"destination config {key} holds a character that is not printable ASCII" in _words(
        result.stderr
    )
    assert "SECRET" not in result.stdout + result.stderr
    assert account.emulator.requests == []
    assert not events.with_name("events.jsonl.checkpoint").exists()
