"""Exit code 2: usage and configuration errors, each with a message that says what to fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rudder_mapper.samples import seed_examples

from ._support import Account, invoke, write_jsonl


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def events(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "events.jsonl", seed_examples())


def _assert_usage_error(account: Account, result_output: str, *expected: str) -> None:
    message = _words(result_output)
    for text in expected:
        assert text in message, f"{text!r} not in {message!r}"
    assert account.emulator.requests == []


def test_no_account_configured(account: Account, events: Path) -> None:
    result = invoke("send", str(events))

    assert result.exit_code == 2
    _assert_usage_error(
        account,
        result.stderr,
        "no account configured",
        "--config dest.json",
        "ACTIVECAMPAIGN_API_URL and ACTIVECAMPAIGN_API_KEY",
    )
    assert result.stdout == ""
    assert account.built == []


def test_environment_without_api_key(account: Account, events: Path) -> None:
    result = invoke("send", str(events), ACTIVECAMPAIGN_API_URL=account.emulator.api_url)

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, "ACTIVECAMPAIGN_API_KEY")
    assert account.built == []


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "cannot read config"),
        ("a directory", "cannot read config"),
        ('{"apiUrl": ', "is not valid JSON"),
        ("", "is not valid JSON"),
        ('["apiUrl", "apiKey"]', "must be a JSON object with apiUrl, apiKey, actid, eventKey"),
    ],
    ids=["missing", "directory", "truncated-json", "empty", "not-an-object"],
)
def test_unusable_config_file(
    account: Account, events: Path, tmp_path: Path, content: str | None, expected: str
) -> None:
    config = tmp_path / "broken.json"
    if content == "a directory":
        config.mkdir()
    elif content is not None:
        config.write_text(content, encoding="utf-8")

    result = invoke("send", str(events), "--config", str(config))

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, expected, str(config))
    assert account.built == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"apiKey": None}, "destination config apiKey: Field required"),
        ({"apiUrl": None}, "destination config apiUrl: Field required"),
        ({"apiUrl": "http://emulated.api-us1.com"}, "api_url must use https"),
        ({"apiUrl": "https://emulated.api-us1.com/admin"}, "api_url has an unexpected path"),
        ({"apiKey": ""}, "api_key is required"),
    ],
    ids=["no-api-key", "no-api-url", "plain-http", "wrong-path", "empty-api-key"],
)
def test_invalid_config_values(
    account: Account, events: Path, tmp_path: Path, change: dict[str, str | None], expected: str
) -> None:
    config = {k: v for k, v in {**account.config(), **change}.items() if v is not None}
    path = tmp_path / "dest-invalid.json"
    path.write_text(json.dumps(config), encoding="utf-8")

    result = invoke("send", str(events), "--config", str(path))

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, "error:", expected)


def test_missing_events_file(account: Account, tmp_path: Path) -> None:
    result = account.send(str(tmp_path / "nowhere.jsonl"))

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, "cannot read", "nowhere.jsonl", "No such file")


def test_events_path_is_a_directory(account: Account, tmp_path: Path) -> None:
    result = account.send(str(tmp_path))

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, f"cannot read {tmp_path}")


def test_dead_letter_file_cannot_be_written(account: Account, events: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "dead.jsonl"

    result = account.send(str(events), "--dead-letter", str(target))

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, f"cannot write dead-letter file {target}")


@pytest.mark.parametrize("dry_run", [False, True], ids=["send", "dry-run"])
def test_dead_letter_file_must_not_be_the_events_file(
    account: Account, events: Path, dry_run: bool
) -> None:
    before = events.read_text(encoding="utf-8")

    result = account.send(str(events), "--dead-letter", str(events), *(["--dry-run"] * dry_run))

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, "is the events file itself", "another file")
    assert events.read_text(encoding="utf-8") == before


def test_config_error_keeps_an_earlier_dead_letter_file(
    account: Account, events: Path, tmp_path: Path
) -> None:
    dead = tmp_path / "dead.jsonl"
    dead.write_text('{"dead_letter": {}, "message": {"type": "identify"}}\n', encoding="utf-8")
    before = dead.read_text(encoding="utf-8")

    result = invoke("send", str(events), "--dead-letter", str(dead))

    assert result.exit_code == 2
    assert dead.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--batch-size", "0"], "Invalid value for '--batch-size'"),
        (["--concurrency", "0"], "Invalid value for '--concurrency'"),
        (["--bulk-threshold", "-1"], "Invalid value for '--bulk-threshold'"),
        (["--batch-size", "many"], "Invalid value for '--batch-size'"),
        (["--no-such-option"], "No such option: --no-such-option"),
    ],
)
def test_bad_options(account: Account, events: Path, args: list[str], expected: str) -> None:
    result = account.send(str(events), *args)

    assert result.exit_code == 2
    _assert_usage_error(account, result.stderr, expected)
    assert account.built == []


def test_missing_events_argument(account: Account) -> None:
    result = invoke("send")

    assert result.exit_code == 2
    assert "missing argument 'events'" in _words(result.stderr).lower()
    assert account.emulator.requests == []


def test_unknown_command() -> None:
    result = invoke("replay")

    assert result.exit_code == 2
    assert "No such command 'replay'" in _words(result.stderr)
