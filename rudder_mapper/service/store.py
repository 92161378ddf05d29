"""The service's events in PostgreSQL: stored on arrival, walked by delivery jobs, settled.

One table holds every message from arrival to its outcome (see ``schema.sql``); a
delivery job reads an account's backlog in arrival order and writes each outcome, with
the counters behind ``/metrics``, in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

__all__ = ["LATENCY_BUCKETS", "Incoming", "Outcome", "OutcomeKind", "PendingEvent", "Store"]


@dataclass(frozen=True)
class Incoming:
    """A message accepted by the ingest endpoint, ready to store."""

    message_id: str
    identities: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class PendingEvent:
    """A stored event still to deliver, as a delivery job sees it."""

    id: int
    source: str
    identities: frozenset[str]
    due: bool
    attempts: int
    age: float
    """Seconds since it was received (by the database's clock)."""
    body: str = field(repr=False)


OutcomeKind = Literal["delivered", "retry", "dead"]


@dataclass(frozen=True)
class Outcome:
    """What became of one delivery attempt. ``retry`` leaves the event pending until
    ``retry_in`` seconds from now; ``delivered`` and ``dead`` settle it."""

    event_id: int
    kind: OutcomeKind
    status_code: int
    retryable: bool = False
    error: str | None = None
    field: str | None = None
    maybe_applied: bool = False
    warnings: tuple[str, ...] = ()
    retry_in: float = 0.0
    latency: float | None = None
    """Seconds from arrival to delivery, for the latency histogram."""


# Delivery latency histogram buckets (seconds), as Prometheus' ``le`` labels.
LATENCY_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0, 10800.0)


class Store:
    """Queries on a psycopg connection pool shared by the process."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self.pool = pool

    # -- schema ------------------------------------------------------------------------

    @staticmethod
    def schema() -> str:
        """The DDL of the service's own tables (idempotent)."""
        return resources.files(__package__).joinpath("schema.sql").read_text(encoding="utf-8")

    async def apply_schema(self) -> None:
        """Create the service's tables and indexes where missing."""
        async with self.pool.connection() as conn:
            await conn.execute(self.schema())

    # -- ingest ------------------------------------------------------------------------

    async def store(
        self, source: str, account: str, messages: Sequence[Incoming], dedup_window: float
    ) -> int:
        """Store messages in arrival order, each messageId once per source within
        ``dedup_window`` seconds; returns how many were new. One transaction: when this
        returns, they are durable."""
        if not messages:
            return 0
        async with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            await cur.executemany(
                """
                INSERT INTO rudder_message_ids AS seen (source, message_id, received_at)
                VALUES (%s, %s, clock_timestamp())
                ON CONFLICT (source, message_id) DO UPDATE
                    SET received_at = EXCLUDED.received_at
                    WHERE seen.received_at < EXCLUDED.received_at - make_interval(secs => %s)
                RETURNING true
                """,
                [(source, m.message_id, dedup_window) for m in messages],
                returning=True,
            )
            fresh: list[Incoming] = []
            for message in messages:
                if await cur.fetchone() is not None:
                    fresh.append(message)
                if not cur.nextset():
                    break
            if fresh:
                await cur.executemany(
                    "INSERT INTO rudder_events (source, account, message_id, identities, body)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    [(source, account, m.message_id, list(m.identities), m.body) for m in fresh],
                )
                await _bump(conn, account, {"accepted": len(fresh)})
            if len(fresh) < len(messages):
                await _bump(conn, account, {"duplicates": len(messages) - len(fresh)})
        return len(fresh)

    # -- delivery ----------------------------------------------------------------------

    async def due_accounts(self) -> list[str]:
        """Accounts with an event due now (and not paused): what the sweeper wakes."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                """
                SELECT DISTINCT e.account FROM rudder_events e
                LEFT JOIN rudder_accounts a ON a.account = e.account
                WHERE e.state = 'pending' AND e.next_attempt_at <= clock_timestamp()
                  AND a.paused_reason IS NULL
                """
            )
            return [row[0] for row in await cur.fetchall()]

    async def paused_accounts(self) -> list[tuple[str, str | None]]:
        """Paused accounts with the settings fingerprint they were paused under."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT account, paused_fingerprint FROM rudder_accounts"
                " WHERE paused_reason IS NOT NULL"
            )
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def pending(self, account: str, after_id: int, limit: int) -> list[PendingEvent]:
        """The account's pending events after ``after_id``, in arrival order."""
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                """
                SELECT id, source, identities, next_attempt_at <= clock_timestamp(), attempts,
                       extract(epoch FROM clock_timestamp() - received_at)::float8, body
                FROM rudder_events
                WHERE account = %s AND state = 'pending' AND id > %s
                ORDER BY id LIMIT %s
                """,
                (account, after_id, limit),
            )
            return [
                PendingEvent(
                    id=row[0],
                    source=row[1],
                    identities=frozenset(row[2]),
                    due=row[3],
                    attempts=row[4],
                    age=row[5],
                    body=row[6],
                )
                for row in await cur.fetchall()
            ]

    async def settle(
        self, account: str, outcomes: Sequence[Outcome], counters: dict[str, float]
    ) -> None:
        """Record outcomes and count them, in one transaction."""
        if not outcomes and not counters:
            return
        async with self.pool.connection() as conn, conn.transaction():
            if outcomes:
                async with conn.cursor() as cur:
                    await cur.executemany(
                        """
                        UPDATE rudder_events SET
                            state = %(state)s,
                            attempts = attempts + 1,
                            next_attempt_at =
                                clock_timestamp() + make_interval(secs => %(retry_in)s),
                            settled_at = CASE WHEN %(state)s = 'pending' THEN NULL
                                              ELSE clock_timestamp() END,
                            status_code = %(status_code)s, retryable = %(retryable)s,
                            maybe_applied = %(maybe_applied)s, error = %(error)s,
                            field = %(field)s, warnings = %(warnings)s
                        WHERE id = %(id)s AND state = 'pending'
                        """,
                        [_outcome_row(o) for o in outcomes],
                    )
            totals = dict(counters)
            for outcome in outcomes:
                name = {"delivered": "delivered", "dead": "dead_lettered", "retry": "retried"}
                totals[name[outcome.kind]] = totals.get(name[outcome.kind], 0) + 1
                if outcome.latency is not None:
                    for bound in LATENCY_BUCKETS:
                        if outcome.latency <= bound:
                            key = f"latency_le:{bound:g}"
                            totals[key] = totals.get(key, 0) + 1
                    totals["latency_count"] = totals.get("latency_count", 0) + 1
                    totals["latency_sum"] = totals.get("latency_sum", 0) + outcome.latency
            await _bump(conn, account, totals)

    # -- accounts ----------------------------------------------------------------------

    async def account_state(self, account: str) -> dict[str, Any]:
        """The account's row (paused reason, budget), created empty if missing."""
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO rudder_accounts (account) VALUES (%s) ON CONFLICT DO NOTHING",
                (account,),
            )
            cur = conn.cursor(row_factory=dict_row)
            await cur.execute("SELECT * FROM rudder_accounts WHERE account = %s", (account,))
            row: dict[str, Any] | None = await cur.fetchone()
            assert row is not None
            return row

    async def pause(self, account: str, reason: str, fingerprint: str) -> None:
        """Stop delivering to ``account`` until its config changes (see ``resume``)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                """
                INSERT INTO rudder_accounts (account, paused_reason, paused_at, paused_fingerprint)
                VALUES (%s, %s, clock_timestamp(), %s)
                ON CONFLICT (account) DO UPDATE SET paused_reason = EXCLUDED.paused_reason,
                    paused_at = EXCLUDED.paused_at,
                    paused_fingerprint = EXCLUDED.paused_fingerprint
                """,
                (account, reason, fingerprint),
            )

    async def resume(self, account: str) -> None:
        """Lift a pause."""
        async with self.pool.connection() as conn:
            await conn.execute(
                "UPDATE rudder_accounts SET paused_reason = NULL, paused_at = NULL,"
                " paused_fingerprint = NULL WHERE account = %s",
                (account,),
            )

    async def mark_delivering(self, account: str, worker: str | None) -> None:
        """Say which worker delivers ``account`` now (None: nobody)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO rudder_accounts (account, delivering_by) VALUES (%s, %s)"
                " ON CONFLICT (account) DO UPDATE SET delivering_by = EXCLUDED.delivering_by",
                (account, worker),
            )

    async def save_budget(self, account: str, budget: dict[str, Any]) -> None:
        """Keep the account's recent request starts (see ``budget.BudgetHandoff``)."""
        async with self.pool.connection() as conn:
            await conn.execute(
                """
                INSERT INTO rudder_accounts (account, budget, last_delivery_at)
                VALUES (%s, %s, clock_timestamp())
                ON CONFLICT (account) DO UPDATE SET budget = EXCLUDED.budget,
                    last_delivery_at = EXCLUDED.last_delivery_at
                """,
                (account, json.dumps(budget)),
            )

    async def database_time(self) -> float:
        """The database's clock (epoch seconds): the one clock every worker shares."""
        async with self.pool.connection() as conn:
            cur = await conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8")
            row = await cur.fetchone()
            assert row is not None
            return float(row[0])


def _outcome_row(outcome: Outcome) -> dict[str, Any]:
    state = {"delivered": "delivered", "dead": "dead", "retry": "pending"}[outcome.kind]
    return {
        "id": outcome.event_id,
        "state": state,
        "retry_in": outcome.retry_in if outcome.kind == "retry" else 0.0,
        "status_code": outcome.status_code,
        "retryable": outcome.retryable,
        "maybe_applied": outcome.maybe_applied,
        "error": outcome.error,
        "field": outcome.field,
        "warnings": list(outcome.warnings),
    }


async def _bump(conn: AsyncConnection[Any], account: str, counts: dict[str, float]) -> None:
    items: Iterable[tuple[str, float]] = ((k, v) for k, v in counts.items() if v)
    rows = [(account, name, value) for name, value in sorted(items)]
    if not rows:
        return
    async with conn.cursor() as cur:
        await cur.executemany(
            """
            INSERT INTO rudder_counters (account, name, value) VALUES (%s, %s, %s)
            ON CONFLICT (account, name) DO UPDATE SET value = rudder_counters.value + EXCLUDED.value
            """,
            rows,
        )
