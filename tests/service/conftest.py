"""A real PostgreSQL for the service tests: one database per run, created and dropped here.

The server comes from ``ACTIVECAMPAIGN_TEST_DATABASE_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``). In CI (``CI=true``) an unreachable
server fails the run; elsewhere these tests skip with a one-line reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator

import pytest

psycopg = pytest.importorskip("psycopg", reason="the service extra is not installed")

from psycopg import conninfo  # noqa: E402
from psycopg_pool import AsyncConnectionPool  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"

# Every table the tests write, emptied between tests (procrastinate's included).
_TABLES = (
    "rudder_events, rudder_message_ids, rudder_accounts, rudder_counters, "
    "procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
    "procrastinate_workers"
)


def _server_url() -> str:
    return os.environ.get("ACTIVECAMPAIGN_TEST_DATABASE_URL") or DEFAULT_SERVER


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A fresh database on the test server, with the service's schema; dropped after."""
    server = _server_url()
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        reason = f"PostgreSQL unreachable at {conninfo.conninfo_to_dict(server).get('host')}: "
        reason += str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true: the service tests must run)")
        pytest.skip(reason)
    name = f"rudder_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = conninfo.make_conninfo(server, dbname=name)
    try:
        import asyncio

        from rudder_mapper.service.runner import migrate

        asyncio.run(migrate(url))
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
async def pool(database_url: str) -> AsyncIterator[AsyncConnectionPool]:
    """A pool on the test database, emptied of every row before the test."""
    async with AsyncConnectionPool(database_url, min_size=1, max_size=12, open=False) as pool:
        async with pool.connection() as conn:
            await conn.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
        yield pool


@pytest.fixture
def clean_database(database_url: str) -> str:
    """The test database's URL, emptied of every row (for tests driving processes)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {_TABLES} RESTART IDENTITY CASCADE")
    return database_url
