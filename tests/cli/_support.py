"""Helpers for driving ``rudder-activecampaign`` against the emulator.

``send`` builds its destination through ``rudder_mapper.cli.send.build_destination``; the
``account`` fixture replaces that function with one that keeps everything the CLI decided
(the config it loaded, its options) and swaps only the network for the emulator's
transport and the wall clock for the emulator's simulated clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner, Result

from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock
from rudder_mapper import cli
from rudder_mapper.destination import AsyncActiveCampaignDestination
from rudder_mapper.samples import DEMO_FIELDS, DEMO_LISTS

# Distinctive values, so a leak is found by searching the output for them.
API_KEY = "ak-7c41f09e2b5dSECRETKEY"
ACTID = "649183207551"
EVENT_KEY = "ek-93ab0d7e41c8SECRETEVENT"
SECRETS = (API_KEY, ACTID, EVENT_KEY)

ENV_KEYS = (
    "ACTIVECAMPAIGN_API_URL",
    "ACTIVECAMPAIGN_API_KEY",
    "ACTIVECAMPAIGN_ACTID",
    "ACTIVECAMPAIGN_EVENT_KEY",
    "ACTIVECAMPAIGN_TRACKING_URL",
)

# A wide, colourless terminal, and no account leaking in from the developer's shell.
BASE_ENV: dict[str, str | None] = {
    "COLUMNS": "200",
    "NO_COLOR": "1",
    "FORCE_COLOR": None,
    "TTY_COMPATIBLE": None,
    **{name: None for name in ENV_KEYS},
}

SUMMARY_LABELS = {
    "events read": "events",
    "delivered": "delivered",
    "rejected (bad events, not retryable)": "rejected",
    "failed, retryable": "failed_retryable",
    "warnings (values not applied)": "warnings",
    "requests made": "requests",
}
_ROW = re.compile(r"^[│|]\s*(?P<label>[^│|]+?)\s*[│|]\s*(?P<value>[\d,]+)\s*[│|]\s*$")
_PROBLEM_ROW = re.compile(r"^[│|]\s*(?P<line>\d+)\s*[│|]\s*(?P<status>\d+)\s*[│|]\s*(yes|no)\s")


def new_emulator() -> ActiveCampaignEmulator:
    """The demo's account (fields, lists, one tag), with distinctive credentials."""
    emulator = ActiveCampaignEmulator(
        api_key=API_KEY, actid=ACTID, event_key=EVENT_KEY, clock=SimulatedClock()
    )
    for title, perstag, kind in DEMO_FIELDS:
        emulator.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emulator.add_list(name)
    emulator.add_tag("Returning User")
    return emulator


@dataclass
class Account:
    """An emulated account ``send`` delivers to, and a config file pointing at it."""

    emulator: ActiveCampaignEmulator
    config_path: Path
    built: list[dict[str, Any]] = field(default_factory=list)
    destinations: list[AsyncActiveCampaignDestination] = field(default_factory=list)

    def config(self) -> dict[str, str]:
        """RudderStack's destination config for this account."""
        return {
            "apiUrl": self.emulator.api_url,
            "apiKey": self.emulator.api_key,
            "actid": self.emulator.actid,
            "eventKey": self.emulator.event_key,
        }

    def env(self) -> dict[str, str | None]:
        """The same account as ``ACTIVECAMPAIGN_*`` environment variables."""
        config = self.config()
        return {
            "ACTIVECAMPAIGN_API_URL": config["apiUrl"],
            "ACTIVECAMPAIGN_API_KEY": config["apiKey"],
            "ACTIVECAMPAIGN_ACTID": config["actid"],
            "ACTIVECAMPAIGN_EVENT_KEY": config["eventKey"],
        }

    def build(self, config: Mapping[str, Any]) -> AsyncActiveCampaignDestination:
        """Stand-in for ``cli.build_destination``: the real config, the emulator's wire."""
        self.built.append(dict(config))
        destination = AsyncActiveCampaignDestination.from_config(
            config,
            http_client=httpx.AsyncClient(transport=self.emulator.async_transport()),
            clock=self.emulator.clock,
        )
        self.destinations.append(destination)
        return destination

    def send(self, *args: str, input: str | bytes | None = None, **env: str | None) -> Result:
        """``rudder-activecampaign send ARGS --config <this account>``."""
        return invoke("send", *args, "--config", str(self.config_path), input=input, **env)

    def account_requests(self) -> int:
        """Requests the emulator received on the account host (trackcmp.net excluded)."""
        return sum(1 for r in self.emulator.requests if r.host != "trackcmp.net")


def invoke(*args: str, input: str | bytes | None = None, **env: str | None) -> Result:
    """Run the real typer app; an unexpected exception fails the test with its traceback."""
    result = CliRunner().invoke(cli.app, list(args), input=input, env={**BASE_ENV, **env})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI crashed:\n{result.output}") from result.exception
    return result


def summary(stdout: str) -> dict[str, int]:
    """The numbers of the closing "Delivery summary" table, by short name."""
    found: dict[str, int] = {}
    for text in stdout.splitlines():
        match = _ROW.match(text.strip())
        if match and match["label"] in SUMMARY_LABELS:
            found[SUMMARY_LABELS[match["label"]]] = int(match["value"].replace(",", ""))
    missing = set(SUMMARY_LABELS.values()) - set(found)
    assert not missing, f"summary rows {sorted(missing)} not found in:\n{stdout}"
    return found


def problem_lines(stdout: str) -> dict[int, int]:
    """Line number to status code, from the "Events not delivered" table."""
    rows: dict[int, int] = {}
    for text in stdout.splitlines():
        match = _PROBLEM_ROW.match(text.strip())
        if match:
            rows[int(match["line"])] = int(match["status"])
    return rows


def jsonl(messages: Iterable[Any]) -> str:
    """JSON lines; strings are taken as lines already written."""
    return "".join((m if isinstance(m, str) else json.dumps(m)) + "\n" for m in messages)


def write_jsonl(path: Path, messages: Iterable[Any]) -> Path:
    """Write ``messages`` as a JSONL file; returns the path."""
    path.write_text(jsonl(messages), encoding="utf-8")
    return path


def read_dead_letters(path: Path) -> list[dict[str, Any]]:
    """The records of a dead-letter file, in order."""
    records = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        assert set(record) == {"dead_letter", "message"}, record
        assert set(record["dead_letter"]) == {
            "line",
            "file",
            "status_code",
            "retryable",
            "error",
            "field",
            "maybe_applied",
        }, record
    return records


def letters_by_line(records: Sequence[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """Dead-letter records keyed by their input line number."""
    return {record["dead_letter"]["line"]: record for record in records}


def squeeze(text: str) -> str:
    """Letters and digits only: a secret folded across table cells is still found."""
    return "".join(c for c in text if c.isalnum())
