"""The service's commands: ``serve``, ``worker``, ``db migrate``, ``dead-letters ...`` and
``accounts status``, registered on the ``rudder-activecampaign`` app.

Each takes ``--database-url`` (or ``ACTIVECAMPAIGN_DATABASE_URL``). Expected failures
(an unreachable database, a bad accounts file) print one line and exit 2.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, TypeVar

import psycopg
import typer
from psycopg_pool import PoolTimeout
from rich.table import Table
from rich.text import Text

from activecampaign_client import ConfigurationError

from ..cli._app import EXIT_CONFIG, fail
from ..cli._output import err, out, print_json, print_table, say
from .admin import Admin, DeadLetter
from .delivery import DeliverySettings
from .ingest import DEFAULT_DEDUP_WINDOW, IngestSettings
from .intake import DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_REQUEST_BYTES, IntakeLimits
from .jobs import ServiceJobs
from .outcomes import RetryPolicy
from .runner import DEFAULT_RETENTION, WorkerSettings, migrate, open_pool, serve, work

__all__ = ["register"]

T = TypeVar("T")


DatabaseOpt = Annotated[
    str,
    typer.Option(
        "--database-url",
        envvar="ACTIVECAMPAIGN_DATABASE_URL",
        help="PostgreSQL URL, e.g. postgresql://user@host:5432/dbname.",
        show_envvar=True,
    ),
]
AccountsOpt = Annotated[
    str,
    typer.Option(
        "--accounts", help='JSON file: {"<writeKey>": {"apiUrl", "apiKey", "actid", "eventKey"}}.'
    ),
]
WhoOpt = Annotated[
    str | None,
    typer.Option("--account", help="An account's API host, a source id or a write key."),
]
LogLevelOpt = Annotated[
    str,
    typer.Option(
        "--log-level",
        help="debug, info, warning or error: what the process logs on stderr "
        "(never a secret; debug adds procrastinate's own per-job lines).",
    ),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(help="Only those dead-lettered since: an ISO date/time or an age (30m, 2h, 7d)."),
]


def _fail(message: str) -> typer.Exit:
    return fail(message, EXIT_CONFIG)


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine; expected failures become one line and exit 2."""
    try:
        return asyncio.run(coro)
    except ConfigurationError as exc:
        raise _fail(str(exc)) from None
    except (psycopg.OperationalError, PoolTimeout) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(f"cannot reach the database: {first}") from None
    except psycopg.errors.UndefinedTable:
        raise _fail(
            "the database has no service tables: run `rudder-activecampaign db migrate`"
        ) from None


def _logging(level: str) -> None:
    """Log to stderr with times, for a long-running process; procrastinate's per-job lines
    only at debug (a job a second per account would drown the rest)."""
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        raise _fail(f"--log-level {level!r}: use debug, info, warning or error")
    logging.basicConfig(
        level=number, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True
    )
    quiet = logging.DEBUG if number <= logging.DEBUG else logging.WARNING
    for name in ("procrastinate", "psycopg.pool", "httpx", "uvicorn.error"):
        logging.getLogger(name).setLevel(max(number, quiet))


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", value)
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        return datetime.now(timezone.utc) - timedelta(**{unit: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise _fail(f"--since {value!r}: give an ISO date/time or an age such as 2h") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


async def _with_admin(database_url: str, use: Callable[[Admin], Awaitable[T]]) -> T:
    async with open_pool(database_url, 2) as pool:
        return await use(Admin(pool))


def _letters_table(letters: list[DeadLetter]) -> Table:
    table = Table(title=f"{len(letters)} dead letters (newest first)", title_justify="left")
    for column in ("id", "account", "source", "dead since", "tries", "status", "reason"):
        table.add_column(column, overflow="fold")
    for letter in letters:
        table.add_row(
            str(letter.id),
            letter.account,
            letter.source,
            letter.settled_at.isoformat(timespec="seconds") if letter.settled_at else "",
            str(letter.attempts),
            str(letter.status_code or ""),
            Text(letter.error or ""),
        )
    return table


def register(app: typer.Typer) -> None:
    """Add the service's commands to ``app``."""
    db = typer.Typer(help="The service's PostgreSQL schema.", no_args_is_help=True)
    letters = typer.Typer(
        help="Events that will not be delivered as they are.", no_args_is_help=True
    )
    accounts = typer.Typer(help="Delivery state per ActiveCampaign account.", no_args_is_help=True)
    app.add_typer(db, name="db")
    app.add_typer(letters, name="dead-letters")
    app.add_typer(accounts, name="accounts")

    @db.command("migrate")
    def db_migrate(database_url: DatabaseOpt) -> None:
        """Create procrastinate's schema and the service's tables (idempotent)."""
        for line in _run(migrate(database_url)):
            say(out, line)

    @app.command("serve")
    def serve_command(
        database_url: DatabaseOpt,
        accounts_path: AccountsOpt,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
        max_request_bytes: Annotated[
            int, typer.Option(min=1, help="Largest request body (uncompressed JSON) -> 413.")
        ] = DEFAULT_MAX_REQUEST_BYTES,
        max_message_bytes: Annotated[
            int, typer.Option(min=1, help="Largest single message (JSON) -> 413.")
        ] = DEFAULT_MAX_MESSAGE_BYTES,
        dedup_window: Annotated[
            float, typer.Option(min=0, help="Seconds a messageId is remembered per write key.")
        ] = DEFAULT_DEDUP_WINDOW,
        log_level: LogLevelOpt = "info",
    ) -> None:
        """Accept RudderStack events over HTTP (/v1/batch, /v1/track, ...) into PostgreSQL."""
        _logging(log_level)
        limits = IntakeLimits(max_request_bytes, max_message_bytes)
        settings = IngestSettings(limits=limits, dedup_window=dedup_window)
        say(err, f"listening on http://{host}:{port} (Ctrl-C to stop)")
        _run(serve(database_url, accounts_path, host=host, port=port, settings=settings))

    @app.command("worker")
    def worker_command(
        database_url: DatabaseOpt,
        accounts_path: AccountsOpt,
        concurrency: Annotated[int, typer.Option(min=1, help="Accounts delivered at once.")] = 4,
        grace: Annotated[
            float, typer.Option(min=0, help="Seconds running deliveries get after SIGTERM.")
        ] = 10.0,
        batch_size: Annotated[int, typer.Option(min=1, help="Events per delivery batch.")] = 500,
        max_age: Annotated[
            float, typer.Option(min=1, help="Seconds a failing event is retried, then dead.")
        ] = 3 * 3600.0,
        retention: Annotated[
            float, typer.Option(min=0, help="Seconds delivered events are kept.")
        ] = DEFAULT_RETENTION,
        log_level: LogLevelOpt = "info",
    ) -> None:
        """Deliver stored events to ActiveCampaign; run as many as you like, anywhere."""
        _logging(log_level)
        settings = WorkerSettings(
            concurrency=concurrency,
            grace=grace,
            retention=retention,
            delivery=DeliverySettings(batch_size=batch_size, retry=RetryPolicy(max_age=max_age)),
        )
        raise typer.Exit(_run(work(database_url, accounts_path, settings)))

    @letters.command("list")
    def letters_list(
        database_url: DatabaseOpt,
        account: WhoOpt = None,
        since: SinceOpt = None,
        limit: Annotated[int, typer.Option(min=1)] = 100,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    ) -> None:
        """List dead letters, newest first."""
        found = _run(
            _with_admin(
                database_url,
                lambda a: a.dead_letters(who=account, since=_since(since), limit=limit),
            )
        )
        if as_json:
            for letter in found:
                print_json(_letter_json(letter))
            return
        print_table(out, _letters_table(found))

    @letters.command("show")
    def letters_show(database_url: DatabaseOpt, event_id: int) -> None:
        """Print one dead letter, its reason and its message, as JSON."""
        letter = _run(_with_admin(database_url, lambda a: a.dead_letter(event_id)))
        if letter is None:
            raise _fail(f"no dead letter with id {event_id}")
        print(json.dumps(_letter_json(letter), indent=2, ensure_ascii=False))

    @letters.command("replay")
    def letters_replay(
        database_url: DatabaseOpt,
        account: WhoOpt = None,
        since: SinceOpt = None,
        event_id: Annotated[list[int] | None, typer.Option("--id", help="Only these ids.")] = None,
        skip_ambiguous: Annotated[
            bool,
            typer.Option(
                "--skip-ambiguous",
                help="Leave out track events trackcmp may already have recorded.",
            ),
        ] = False,
    ) -> None:
        """Queue dead letters for delivery again (as new arrivals)."""

        async def replay(admin: Admin) -> int:
            woken = await admin.replay(
                ids=event_id, who=account, since=_since(since), skip_ambiguous=skip_ambiguous
            )
            jobs = ServiceJobs(admin.pool)
            await jobs.open()
            try:
                for name in woken:
                    await jobs.wake(name)
            finally:
                await jobs.close()
            return len(woken)

        count = _run(_with_admin(database_url, replay))
        say(out, f"dead letters queued again for {count} account(s)")

    @letters.command("purge")
    def letters_purge(
        database_url: DatabaseOpt,
        account: WhoOpt = None,
        since: SinceOpt = None,
        event_id: Annotated[list[int] | None, typer.Option("--id", help="Only these ids.")] = None,
        yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    ) -> None:
        """Delete dead letters for good."""
        if not yes:
            typer.confirm("Delete the matching dead letters for good?", abort=True)
        deleted = _run(
            _with_admin(
                database_url,
                lambda a: a.purge(who=account, since=_since(since), ids=event_id),
            )
        )
        say(out, f"{deleted} dead letters deleted")

    @accounts.command("status")
    def accounts_status(
        database_url: DatabaseOpt,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    ) -> None:
        """Backlog, dead letters and pauses (with their reason) per account."""
        found = _run(_with_admin(database_url, lambda a: a.accounts()))
        if as_json:
            for status in found:
                print_json({k: _jsonable(v) for k, v in vars(status).items()})
            return
        table = Table(title="Accounts", title_justify="left")
        for column in ("account", "backlog", "due", "dead letters", "oldest", "state"):
            table.add_column(column, overflow="fold")
        for status in found:
            if status.paused_reason:
                state = Text(f"paused: {status.paused_reason}", style="red")
            elif status.delivering_by:
                state = Text(f"delivering ({status.delivering_by})", style="green")
            else:
                state = Text("idle" if not status.due else "waiting for a worker")
            oldest = status.oldest_pending_age
            table.add_row(
                status.account,
                str(status.backlog),
                str(status.due),
                str(status.dead_letters),
                f"{oldest:.0f} s" if oldest is not None else "",
                state,
            )
        print_table(out, table)


def _jsonable(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _letter_json(letter: DeadLetter) -> dict[str, object]:
    return {k: _jsonable(v) for k, v in vars(letter).items()}
