"""Output that is not a terminal is never wrapped; a terminal still gets fitted tables;
``--version``."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.table import Table

import rudder_mapper
from rudder_mapper.cli._output import StreamConsole, print_table, say
from rudder_mapper.samples import seed_examples

from ._support import Account, invoke, problem_lines, write_jsonl

LONG_NAME = "Ada " + "Augusta-" * 30 + "Lovelace"  # a 250-character name
LONG_EVENT = {"type": "track", "event": "E" * 40, "properties": {"email": "e@example.com"}}
LONG_REASON = (
    "event: is 40 characters; the limit is 32 (ActiveCampaign records event names of at "
    "most 32 characters; shorten it in the tracking plan)"
)  # longer than 80 columns


def _identify(email: str, name: str) -> dict[str, object]:
    return {"type": "identify", "userId": email, "traits": {"email": email, "name": name}}


def test_a_console_on_a_pipe_prints_each_record_on_one_line() -> None:
    stream = io.StringIO()
    console = StreamConsole(file=stream)
    table = Table("line", "reason")
    table.add_row("7", "x" * 300)

    say(console, "word " * 100)
    print_table(console, table)

    lines = stream.getvalue().splitlines()
    assert lines[0].rstrip() == ("word " * 100).rstrip()
    (row,) = [line for line in lines if "│ 7 " in line]
    assert "x" * 300 in row
    assert len(lines) == 1 + 5  # the text, then top, header, rule, row, bottom


def test_a_console_on_a_terminal_still_fits_its_width() -> None:
    stream = io.StringIO()
    console = StreamConsole(file=stream, force_terminal=True, width=60, color_system=None)
    table = Table("line", "reason")
    table.add_row("7", "word " * 60)

    say(console, "word " * 100)  # soft-wrapped text is left to the terminal
    print_table(console, table)

    table_lines = stream.getvalue().splitlines()[1:]
    assert len(table_lines) > 5
    assert max(len(line) for line in table_lines) <= 60


def test_columns_does_not_wrap_a_pipe(account: Account, tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", [_identify("ada@example.com", LONG_NAME)])

    result = account.send(str(events), "--dry-run", COLUMNS="80")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"line 1: POST /api/3/contact/sync ada@example.com ({LONG_NAME})",
        "dry run: 1 events planned, 0 rejected, nothing sent",
    ]


def test_the_report_tables_keep_one_row_per_line(account: Account, tmp_path: Path) -> None:
    events = write_jsonl(tmp_path / "events.jsonl", [*seed_examples(), LONG_EVENT])

    result = account.send(str(events), COLUMNS="80")

    assert result.exit_code == 1
    (row,) = [line for line in result.stdout.splitlines() if line.startswith("│    8 │")]
    assert row == f"│    8 │    400 │ no     │ {LONG_REASON} │"  # the whole reason, one line
    assert problem_lines(result.stdout) == {8: 400}


def test_printed_undelivered_events_are_one_line_each(account: Account) -> None:
    result = account.send("-", "--quiet", input=json.dumps(LONG_EVENT) + "\n", COLUMNS="80")

    assert result.exit_code == 1
    assert result.stderr == f"undelivered line 1 (400, not retryable): {LONG_REASON}\n"


def test_version_prints_the_installed_version() -> None:
    result = invoke("--version")

    assert result.exit_code == 0
    assert result.stdout == f"rudder-activecampaign {rudder_mapper.__version__}\n"


def test_help_gives_the_exit_codes_of_send_and_demo() -> None:
    for command in ("send", "demo"):
        result = invoke(command, "--help")

        assert result.exit_code == 0
        text = " ".join(result.stdout.replace("│", " ").split())
        assert "Exit codes (send and demo alike): 0 every event delivered;" in text, command
        assert "--quiet" in text and "--json" in text, command
