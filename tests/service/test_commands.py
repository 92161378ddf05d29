"""The service's commands on a real PostgreSQL: migrate, dead letters, account status."""

from __future__ import annotations

import json

import psycopg
from typer.testing import CliRunner

from rudder_mapper.cli import app
from rudder_mapper.service.accounts import source_id

runner = CliRunner()
ACCOUNT = "acct.api-us1.com"


def invoke(database_url: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(
        app,
        list(args),
        env={"ACTIVECAMPAIGN_DATABASE_URL": database_url, "COLUMNS": "200"},
        input=input,
    )
    return result.exit_code, result.stdout, result.stderr


def dead_letter(database_url: str, message_id: str, error: str, *, source: str = "wk") -> None:
    body = json.dumps({"type": "track", "event": "x" * 40, "messageId": message_id})
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "INSERT INTO rudder_events (source, account, message_id, body, state, attempts,"
            " status_code, retryable, error, settled_at)"
            " VALUES (%s, %s, %s, %s, 'dead', 1, 400, false, %s, clock_timestamp())",
            (source_id(source), ACCOUNT, message_id, body, error),
        )


def states(database_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT message_id, state FROM rudder_events ORDER BY id").fetchall()
    return [(m, s) for m, s in rows]


def test_migrate_is_idempotent(clean_database: str) -> None:
    for _ in range(2):
        code, out, _ = invoke(clean_database, "db", "migrate")
        assert code == 0
        assert "service tables ready" in out


def test_dead_letters_are_listed_shown_replayed_and_purged(clean_database: str) -> None:
    dead_letter(clean_database, "m-1", "event: at most 32 characters")
    dead_letter(clean_database, "m-2", "another reason", source="other")

    code, out, _ = invoke(clean_database, "dead-letters", "list", "--account", "wk", "--json")
    assert code == 0
    [letter] = [json.loads(line) for line in out.splitlines()]
    assert (letter["message_id"], letter["error"]) == ("m-1", "event: at most 32 characters")
    assert letter["source"] == source_id("wk")

    code, out, _ = invoke(clean_database, "dead-letters", "show", str(letter["id"]))
    assert code == 0 and json.loads(out)["message"]["messageId"] == "m-1"
    code, _, err = invoke(clean_database, "dead-letters", "show", "999")
    assert code == 2 and "no dead letter" in err

    code, out, _ = invoke(clean_database, "dead-letters", "list", "--since", "1h")
    assert code == 0 and "m-1" not in out  # the table shows ids and reasons
    assert "event: at most 32 characters" in out

    code, out, _ = invoke(clean_database, "dead-letters", "replay", "--id", str(letter["id"]))
    assert code == 0 and "1 account" in out
    assert states(clean_database) == [("m-2", "dead"), ("m-1", "pending")]

    code, _, _ = invoke(clean_database, "dead-letters", "purge", "--account", ACCOUNT, input="n\n")
    assert code == 1  # not confirmed: nothing deleted
    code, out, _ = invoke(clean_database, "dead-letters", "purge", "--account", ACCOUNT, "--yes")
    assert code == 0 and "1 dead letters deleted" in out
    assert states(clean_database) == [("m-1", "pending")]


def test_account_status_shows_backlog_and_pauses(clean_database: str) -> None:
    dead_letter(clean_database, "m-1", "bad")
    with psycopg.connect(clean_database) as conn:
        conn.execute(
            "INSERT INTO rudder_accounts (account, paused_reason, paused_at)"
            " VALUES (%s, 'ActiveCampaign refused the API key', clock_timestamp())",
            (ACCOUNT,),
        )
    code, out, _ = invoke(clean_database, "accounts", "status", "--json")
    assert code == 0
    [status] = [json.loads(line) for line in out.splitlines()]
    assert status["account"] == ACCOUNT
    assert (status["dead_letters"], status["backlog"]) == (1, 0)
    assert status["paused_reason"] == "ActiveCampaign refused the API key"
    code, out, _ = invoke(clean_database, "accounts", "status")
    assert code == 0 and "paused: ActiveCampaign refused the API key" in out


def test_an_unreachable_database_is_one_line_and_exit_2() -> None:
    code, _, err = invoke("postgresql://postgres@127.0.0.1:1/none", "accounts", "status")
    assert code == 2
    assert err.startswith("error: cannot reach the database")
    assert "Traceback" not in err
