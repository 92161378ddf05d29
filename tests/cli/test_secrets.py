"""Secrets given in ``--config`` or ``ACTIVECAMPAIGN_*`` never reach stdout, stderr or the
dead-letter file, whatever happens: success, API errors, refused keys, config errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import Result

from rudder_mapper.samples import seed_examples

from ._support import SECRETS, Account, invoke, squeeze, write_jsonl

WRONG_API_KEY = "ak-0d5e2f8c91WRONGKEY"
WRONG_EVENT_KEY = "ek-77b1c3a9e0WRONGEVENT"


def _assert_hidden(secrets: tuple[str, ...], *texts: str) -> None:
    for text in texts:
        for secret in secrets:
            assert secret not in text
            # Also when a table folded it across lines or cells.
            assert squeeze(secret) not in squeeze(text)


def _everything(result: Result, *files: Path) -> tuple[str, ...]:
    written = tuple(p.read_text(encoding="utf-8") for p in files if p.exists())
    return (result.stdout, result.stderr, *written)


def _events_with_failures(account: Account, tmp_path: Path) -> Path:
    """Seed examples plus bad lines, and faults that put error texts in the output (the
    login page is a refused key: the run stops there with 2, the rest left to resume)."""
    faults = account.emulator.faults
    faults.script("POST trackcmp.net/event", ["503"])
    faults.script("POST /api/3/prism/urlWhitelistings", ["login_page"])
    faults.script("GET /api/3/tags", ["malformed_json"] * 3)
    bad = ["{not json", "[1]", json.dumps({"type": "identify", "traits": {"email": "x"}})]
    return write_jsonl(tmp_path / "events.jsonl", [*seed_examples(), *bad])


def _assert_secrets_were_used(account: Account) -> None:
    # The API key registered the event names before the login page stopped the run (the
    # identifies fail anyway: they need the tag list, answered with broken JSON). The
    # tracking keys are in the config all the same; test_refused_keys_stay_hidden sees
    # them used.
    assert account.emulator.event_names()


def test_config_file_secrets_stay_hidden(account: Account, tmp_path: Path) -> None:
    events = _events_with_failures(account, tmp_path)
    dead = tmp_path / "dead.jsonl"

    result = account.send(str(events), "--dead-letter", str(dead))

    assert result.exit_code == 2
    assert "Settings > Developer" in " ".join(result.stderr.split())
    assert len(dead.read_text(encoding="utf-8").splitlines()) >= 3  # errors were written
    _assert_secrets_were_used(account)
    _assert_hidden(SECRETS, *_everything(result, dead, events.with_suffix(".jsonl.checkpoint")))


def test_environment_secrets_stay_hidden(account: Account, tmp_path: Path) -> None:
    events = _events_with_failures(account, tmp_path)
    dead = tmp_path / "dead.jsonl"

    result = invoke("send", str(events), "--dead-letter", str(dead), **account.env())

    assert result.exit_code == 2
    _assert_secrets_were_used(account)
    _assert_hidden(SECRETS, *_everything(result, dead, events.with_suffix(".jsonl.checkpoint")))


def test_refused_keys_stay_hidden(account: Account, tmp_path: Path) -> None:
    config = {**account.config(), "apiKey": WRONG_API_KEY, "eventKey": WRONG_EVENT_KEY}
    path = tmp_path / "wrong.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())
    dead = tmp_path / "dead.jsonl"

    result = invoke("send", str(events), "--config", str(path), "--dead-letter", str(dead))

    # A refused key stops the run after one request; no event is dead-lettered, all of
    # them are left to --resume once the key is fixed.
    assert result.exit_code == 2
    assert not dead.exists()
    assert len(account.emulator.requests) == 1
    assert account.emulator.contacts() == []
    checkpoint = events.with_suffix(".jsonl.checkpoint")
    assert checkpoint.exists()
    _assert_hidden(
        (WRONG_API_KEY, WRONG_EVENT_KEY, *SECRETS), *_everything(result, dead, checkpoint)
    )


@pytest.mark.parametrize(
    "change",
    [
        {"apiUrl": "http://emulated.api-us1.com"},
        {"apiUrl": "not a url at all"},
        {"apiKey": "ak-7c41f09e2b5d\nSECRETKEY"},
        {"actid": ["649183207551"]},
        {"eventKey": {"key": "ek-93ab0d7e41c8SECRETEVENT"}},
    ],
    ids=["plain-http", "bad-url", "line-break", "actid-list", "event-key-object"],
)
def test_config_errors_do_not_echo_secrets(
    account: Account, tmp_path: Path, change: dict[str, object]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**account.config(), **change}), encoding="utf-8")
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = invoke("send", str(events), "--config", str(path))

    assert result.exit_code == 2
    assert "error:" in result.stderr
    _assert_hidden(SECRETS, result.stdout, result.stderr)


def test_env_config_error_does_not_echo_secrets(account: Account, tmp_path: Path) -> None:
    env = account.env()
    env["ACTIVECAMPAIGN_API_URL"] = "ftp://emulated.api-us1.com"
    events = write_jsonl(tmp_path / "events.jsonl", seed_examples())

    result = invoke("send", str(events), **env)

    assert result.exit_code == 2
    assert "api_url must be an absolute https URL" in " ".join(result.stderr.split())
    _assert_hidden(SECRETS, result.stdout, result.stderr)
