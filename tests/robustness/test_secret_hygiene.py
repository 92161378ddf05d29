"""The Api-Token and the event key appear nowhere they could leak: log records at any level
(ours, httpx's), exception messages, reprs and tracebacks, CLI output, dead-letter files,
the emulator's request log. (Cassettes are checked by tests/test_cassette_secrets.py.)

Every check searches for the distinctive secrets of ``_support`` plainly and URL-encoded,
after a run that made the code paths that handle them work: faults of every kind, event
tracking, errors."""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import rudder_mapper.cli as cli
from activecampaign_client import ActiveCampaignError
from activecampaign_client.testing import FAULT_KINDS, ActiveCampaignEmulator
from rudder_mapper import AsyncActiveCampaignDestination
from rudder_mapper.config import DestinationConfig
from rudder_mapper.pipeline import DeadLetterWriter, run_stream

from ._fault_events import fault_run_lines
from ._fault_run import configure_faults
from ._scenario import FaultRun
from ._support import ACTID, API_KEY, API_URL, EVENT_KEY, leaked, seeded_emulator

CONFIG = {"apiUrl": API_URL, "apiKey": API_KEY, "actid": ACTID, "eventKey": EVENT_KEY}


def errors_of_every_fault(emulator: ActiveCampaignEmulator) -> list[ActiveCampaignError]:
    """One error per fault kind (and a few refusals), raised by real client calls."""
    emulator.add_event_name("Signed Up")
    errors: list[ActiveCampaignError] = []

    def collect(call: Callable[[], object]) -> None:
        try:
            call()
        except ActiveCampaignError as error:
            errors.append(error)

    with emulator.client(max_retries=0) as client:
        targets: list[tuple[str, Callable[[], object]]] = [
            ("POST /api/3/contact/sync", lambda: client.contacts.sync("a@example.com")),
            (
                "POST trackcmp.net/event",
                lambda: client.event_tracking.track("Signed Up", email="a@example.com"),
            ),
        ]
        for kind in FAULT_KINDS:
            for target, call in targets:
                emulator.faults.clear()
                emulator.faults.script(target, [kind])
                collect(call)
        emulator.faults.clear()
        collect(lambda: client.event_tracking.track("Not Registered", email="a@example.com"))
        collect(lambda: client.contacts.sync("not-an-address@"))
        collect(lambda: client.tags.get(999))
    with emulator.client(api_key="wrong-key") as wrong:
        collect(lambda: wrong.contacts.sync("a@example.com"))
    return errors


def describe(error: BaseException) -> str:
    """Everything an error shows: str, repr, attributes, the formatted traceback chain."""
    parts = [str(error), repr(error), repr(vars(error))]
    parts += traceback.format_exception(type(error), error, error.__traceback__)
    return "\n".join(parts)


def test_no_log_record_at_any_level_holds_a_secret(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "activecampaign_client", "rudder_mapper"):
        caplog.set_level(logging.DEBUG, logger=name)
    emulator = seeded_emulator()
    errors_of_every_fault(emulator)
    configure_faults(emulator, rate=0.3, seed=3)
    lines = [line.text for line in fault_run_lines(300, seed=3)]
    destination = AsyncActiveCampaignDestination(emulator.async_client())
    asyncio.run(run_stream(destination, lines, dead_letter=DeadLetterWriter(None)))
    records = caplog.records
    assert any(r.name.startswith("httpx") for r in records)  # the capture does see httpx
    for record in records:
        text = " ".join(
            [record.getMessage(), repr(record.args), record.exc_text or "", str(vars(record))]
        )
        assert leaked(text) == [], f"{record.name}: {record.getMessage()}"


def test_no_error_message_repr_or_traceback_holds_a_secret() -> None:
    errors = errors_of_every_fault(seeded_emulator())
    assert len(errors) >= len(FAULT_KINDS)
    for error in errors:
        assert leaked(describe(error)) == [], repr(error)


def test_reprs_of_everything_holding_a_secret_hide_it() -> None:
    emulator = seeded_emulator()
    with emulator.client() as client:
        client.contacts.sync("a@example.com")
        destination = AsyncActiveCampaignDestination(emulator.async_client())
        objects: list[Any] = [
            client,
            client.config,
            destination.client,
            destination.catalog,
            DestinationConfig.from_mapping(CONFIG),
            emulator,
            emulator.requests,
        ]
        for thing in objects:
            assert leaked(repr(thing)) == [], type(thing).__name__
            assert leaked(str(thing)) == [], type(thing).__name__


def test_the_emulator_request_log_masks_both_secrets() -> None:
    emulator = seeded_emulator()
    emulator.add_event_name("Signed Up")
    with emulator.client() as client:
        client.contacts.sync("a@example.com")
        client.event_tracking.track("Signed Up", email="a@example.com")
    account, trackcmp = emulator.requests
    assert account.headers["api-token"] == "***"
    assert trackcmp.form["key"] == "***"
    assert leaked(repr(emulator.requests)) == []


def test_dead_letter_files_hold_no_secret(ci_fault_run: FaultRun) -> None:
    for path in (ci_fault_run.first.dead_letter_path, ci_fault_run.replay.dead_letter_path):
        text = path.read_text(encoding="utf-8")
        assert text  # the run did write dead letters
        assert leaked(text) == [], path.name


def test_the_fault_run_sent_the_token_to_the_account_host_only(ci_fault_run: FaultRun) -> None:
    requests = ci_fault_run.first.requests + ci_fault_run.replay.requests
    account = [r for r in requests if r.host == "robust.api-us1.com"]
    trackcmp = [r for r in requests if r.host == "trackcmp.net"]
    assert account and trackcmp
    assert all(r.headers.get("api-token") == "***" for r in account)  # present, masked
    assert not any("api-token" in r.headers for r in trackcmp)
    assert {r.host for r in requests} == {"robust.api-us1.com", "trackcmp.net"}


@pytest.fixture
def cli_emulator(monkeypatch: pytest.MonkeyPatch) -> ActiveCampaignEmulator:
    """``send`` delivers to this emulator (faults on) instead of the network."""
    emulator = seeded_emulator()
    configure_faults(emulator, rate=0.3, seed=5)
    emulator.faults.stretch("login_page", 5, target="/api/3/*", after=3)

    def build(config: dict[str, Any]) -> AsyncActiveCampaignDestination:
        arguments = DestinationConfig.from_mapping(config).client_arguments()
        assert arguments["api_key"] == API_KEY  # the CLI read the secret from the config
        return AsyncActiveCampaignDestination(emulator.async_client())

    monkeypatch.setattr(cli.send, "build_destination", build)
    return emulator


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli.app, list(args))
    return result.output + (str(result.exception) if result.exception else "")


def test_cli_output_and_dead_letters_hold_no_secret(
    cli_emulator: ActiveCampaignEmulator, tmp_path: Path
) -> None:
    config = tmp_path / "dest.json"
    config.write_text(json.dumps(CONFIG), encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(line.text for line in fault_run_lines(200, seed=5)) + "\n")
    dead = tmp_path / "dead.jsonl"
    output = run_cli("send", str(events), "--config", str(config), "--dead-letter", str(dead))
    assert "Delivery summary" in output
    assert "Events not delivered" in output  # error messages were printed too
    assert dead.read_text(encoding="utf-8")
    assert leaked(output) == []
    assert leaked(dead.read_text(encoding="utf-8")) == []
    dry = run_cli("send", str(events), "--dry-run")
    assert "dry run" in dry
    assert leaked(dry) == []


@pytest.mark.parametrize(
    "change",
    [
        {"apiUrl": "http://acct.api-us1.com"},
        {"apiUrl": f"https://x:{API_KEY}@acct.api-us1.com"},
        {"apiUrl": "not a url"},
        {"apiKey": API_KEY + "\n"},
        {"eventKey": ["a", EVENT_KEY]},
        {"apiKey": {"nested": API_KEY}},
    ],
    ids=["http", "key-in-url", "garbage-url", "key-with-newline", "key-in-list", "key-in-object"],
)
def test_configuration_errors_in_the_cli_hold_no_secret(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    config = tmp_path / "dest.json"
    config.write_text(json.dumps({**CONFIG, **change}), encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text('{"type": "page", "properties": {"url": "https://a.example.com"}}\n')
    result = CliRunner().invoke(cli.app, ["send", str(events), "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert leaked(result.output) == []
