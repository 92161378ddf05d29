"""What operators ask of the store: dead letters, account status, totals, retention.

The write path (storing, walking the backlog, settling) is ``store.Store``; this is the
read-and-repair side behind ``dead-letters``, ``accounts status`` and ``/metrics``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from .accounts import source_id

__all__ = ["AccountStatus", "Admin", "DeadLetter"]


@dataclass(frozen=True)
class DeadLetter:
    """An event that will not be delivered as it is, and why."""

    id: int
    source: str
    account: str
    message_id: str
    received_at: datetime
    settled_at: datetime | None
    attempts: int
    status_code: int | None
    error: str | None
    field: str | None
    maybe_applied: bool
    message: Any


@dataclass(frozen=True)
class AccountStatus:
    """One account as ``accounts status`` shows it."""

    account: str
    backlog: int
    due: int
    dead_letters: int
    paused_reason: str | None
    paused_at: datetime | None
    last_delivery_at: datetime | None
    oldest_pending_age: float | None
    delivering_by: str | None
    """The worker delivering the account now (``host:pid:nonce``), if any."""


def _filters(who: str | None, since: datetime | None) -> tuple[sql.Composable, list[Any]]:
    clauses: list[sql.Composable] = [sql.SQL("state = 'dead'")]
    params: list[Any] = []
    if who is not None:
        # An account (API host), a source id, or a write key (stored as its source id).
        clauses.append(sql.SQL("(account = %s OR source = %s OR source = %s)"))
        params += [who.lower(), who, source_id(who)]
    if since is not None:
        clauses.append(sql.SQL("settled_at >= %s"))
        params.append(since)
    return sql.SQL(" AND ").join(clauses), params


class Admin:
    """Read-and-repair queries on the service's tables."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self.pool = pool

    async def dead_letters(
        self,
        *,
        who: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[DeadLetter]:
        """Dead letters, newest first; ``who`` is an account host, a source id or a write
        key, ``since`` a lower bound on when they were dead-lettered."""
        where, params = _filters(who, since)
        query = sql.SQL(
            "SELECT id, source, account, message_id, received_at, settled_at, attempts,"
            " status_code, error, field, maybe_applied, body FROM rudder_events"
            " WHERE {} ORDER BY settled_at DESC, id DESC LIMIT %s"
        ).format(where)
        async with self.pool.connection() as conn:
            cur = await conn.execute(query, [*params, limit])
            return [_dead_letter(row) for row in await cur.fetchall()]

    async def dead_letter(self, event_id: int) -> DeadLetter | None:
        """One dead letter by event id."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT id, source, account, message_id, received_at, settled_at, attempts,"
                " status_code, error, field, maybe_applied, body FROM rudder_events"
                " WHERE id = %s AND state = 'dead'",
                (event_id,),
            )
            row = await cur.fetchone()
            return _dead_letter(row) if row else None

    async def replay(
        self,
        *,
        ids: list[int] | None = None,
        who: str | None = None,
        since: datetime | None = None,
        skip_ambiguous: bool = False,
    ) -> list[str]:
        """Make dead letters pending again, as new arrivals: at the end of their account's
        order, attempts and age reset (a replay is a new decision to deliver); returns
        the accounts to wake. ``skip_ambiguous`` leaves out track events trackcmp may
        already have recorded (at most once)."""
        where, params = _filters(who, since)
        if ids is not None:
            where = sql.SQL("{} AND id = ANY(%s)").format(where)
            params.append(ids)
        if skip_ambiguous:
            where = sql.SQL("{} AND NOT maybe_applied").format(where)
        query = sql.SQL(
            "WITH moved AS (DELETE FROM rudder_events WHERE {} RETURNING *)"
            " INSERT INTO rudder_events (source, account, message_id, identities, body)"
            " SELECT source, account, message_id, identities, body"
            " FROM moved ORDER BY id RETURNING account"
        ).format(where)
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute(query, params)
            return sorted({row[0] for row in await cur.fetchall()})

    async def purge(
        self,
        *,
        who: str | None = None,
        since: datetime | None = None,
        ids: list[int] | None = None,
    ) -> int:
        """Delete dead letters; returns how many."""
        where, params = _filters(who, since)
        if ids is not None:
            where = sql.SQL("{} AND id = ANY(%s)").format(where)
            params.append(ids)
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                sql.SQL("DELETE FROM rudder_events WHERE {}").format(where), params
            )
            return int(cur.rowcount)

    async def accounts(self) -> list[AccountStatus]:
        """Every account the store knows, with its backlog and pause."""
        async with self.pool.connection() as conn:
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute(
                """
                WITH names AS (
                    SELECT account FROM rudder_accounts
                    UNION SELECT DISTINCT account FROM rudder_events WHERE state <> 'delivered'
                ), pending AS (
                    SELECT account, count(*) AS backlog,
                           count(*) FILTER (WHERE next_attempt_at <= clock_timestamp()) AS due,
                           extract(epoch FROM clock_timestamp() - min(received_at))::float8
                               AS oldest
                    FROM rudder_events WHERE state = 'pending' GROUP BY account
                ), dead AS (
                    SELECT account, count(*) AS dead FROM rudder_events
                    WHERE state = 'dead' GROUP BY account
                )
                SELECT n.account, coalesce(p.backlog, 0) AS backlog, coalesce(p.due, 0) AS due,
                       coalesce(d.dead, 0) AS dead, p.oldest, a.paused_reason, a.paused_at,
                       a.last_delivery_at, a.delivering_by
                FROM names n
                LEFT JOIN pending p USING (account)
                LEFT JOIN dead d USING (account)
                LEFT JOIN rudder_accounts a USING (account)
                ORDER BY n.account
                """
            )
            return [
                AccountStatus(
                    account=row["account"],
                    backlog=row["backlog"],
                    due=row["due"],
                    dead_letters=row["dead"],
                    paused_reason=row["paused_reason"],
                    paused_at=row["paused_at"],
                    last_delivery_at=row["last_delivery_at"],
                    oldest_pending_age=row["oldest"],
                    delivering_by=row["delivering_by"],
                )
                for row in await cur.fetchall()
            ]

    async def counters(self) -> dict[tuple[str, str], float]:
        """Every counter, by (account, name); sharded names (``name#n``) are summed."""
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT account, name, value FROM rudder_counters")
            totals: dict[tuple[str, str], float] = {}
            for account, name, value in await cur.fetchall():
                key = (account, name.partition("#")[0])
                totals[key] = totals.get(key, 0.0) + value
            return totals

    async def purge_settled(self, *, delivered_after: float, message_ids_after: float) -> int:
        """Retention: delete delivered events settled more than ``delivered_after`` seconds
        ago and messageIds older than ``message_ids_after`` (the dedup window)."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "DELETE FROM rudder_events WHERE state = 'delivered'"
                " AND settled_at < clock_timestamp() - make_interval(secs => %s)",
                (delivered_after,),
            )
            deleted = cur.rowcount
            await conn.execute(
                "DELETE FROM rudder_message_ids"
                " WHERE received_at < clock_timestamp() - make_interval(secs => %s)",
                (message_ids_after,),
            )
            return int(deleted)


def _dead_letter(row: tuple[Any, ...]) -> DeadLetter:
    try:
        message = json.loads(row[11])
    except ValueError:
        message = row[11]
    return DeadLetter(
        id=row[0],
        source=row[1],
        account=row[2],
        message_id=row[3],
        received_at=row[4],
        settled_at=row[5],
        attempts=row[6],
        status_code=row[7],
        error=row[8],
        field=row[9],
        maybe_applied=row[10],
        message=message,
    )
