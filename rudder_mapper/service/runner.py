"""The service's processes: ``serve`` (ingest), ``worker`` (delivery), ``migrate``.

Each opens one psycopg pool, shared by procrastinate and the service's own queries.
Signals: SIGTERM or SIGINT stop a process gracefully (the ingest server finishes the
requests it has; a worker takes no new job and gives its running ones ``grace``
seconds, after which they are cancelled — their undelivered events stay pending and
another worker sends them); a second signal exits at once. SIGHUP re-reads the accounts
file (it is also re-read when it changes on disk).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
import uvicorn
from psycopg_pool import AsyncConnectionPool

from activecampaign_client import Clock, RateLimiter

from ..destination import AsyncActiveCampaignDestination
from .accounts import AccountsFile, Source
from .delivery import AccountRun, DeliverySettings, DestinationFactory, Destinations
from .ingest import IngestSettings, create_app
from .jobs import HEARTBEAT, STALLED, ServiceJobs, WorkerState
from .store import Store

__all__ = ["WorkerSettings", "migrate", "open_pool", "serve", "work"]

logger: logging.Logger = logging.getLogger("rudder_mapper.service")

DEFAULT_RETENTION = 7 * 24 * 3600.0


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker process runs."""

    concurrency: int = 4
    """Accounts delivered at once by this process."""
    grace: float = 10.0
    """Seconds running deliveries get to finish after SIGTERM."""
    delivery: DeliverySettings = field(default_factory=DeliverySettings)
    retention: float = DEFAULT_RETENTION
    """Seconds delivered events are kept (dead letters are kept until purged)."""
    dedup_window: float = IngestSettings().dedup_window


@contextlib.asynccontextmanager
async def open_pool(database_url: str, max_size: int) -> AsyncIterator[AsyncConnectionPool[Any]]:
    """A connection pool on ``database_url``; an unreachable database raises
    ``psycopg.OperationalError`` within seconds instead of retrying in the background."""
    probe = await psycopg.AsyncConnection.connect(database_url, connect_timeout=5)
    await probe.close()
    pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
        database_url, min_size=1, max_size=max_size, open=False, name="rudder"
    )
    await pool.open(wait=True, timeout=15.0)
    try:
        yield pool
    finally:
        await pool.close()


class _IngestServer(uvicorn.Server):
    """uvicorn, stopping gracefully on SIGTERM/SIGINT (a second SIGINT forces it) and then
    returning — where uvicorn itself re-raises the signal, so the process would die of it
    instead of exiting 0 after a clean shutdown."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.handle_exit, signum, None)
        try:
            yield
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)


def _on_signals(handlers: dict[signal.Signals, Callable[[], None]]) -> None:
    loop = asyncio.get_running_loop()
    for signum, handler in handlers.items():
        loop.add_signal_handler(signum, handler)


async def migrate(database_url: str) -> list[str]:
    """Create procrastinate's schema (when absent) and the service's tables; idempotent.
    Returns what was done, for the command's output."""
    done: list[str] = []
    async with open_pool(database_url, 2) as pool:
        async with pool.connection() as conn:
            cur = await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            row = await cur.fetchone()
            present = bool(row and row[0])
        if not present:
            jobs = ServiceJobs(pool)
            await jobs.open()
            try:
                await jobs.app.schema_manager.apply_schema_async()
            finally:
                await jobs.close()
            done.append("procrastinate schema created")
        else:
            done.append("procrastinate schema already present")
        await Store(pool).apply_schema()
        done.append("service tables ready")
    return done


async def serve(
    database_url: str,
    accounts_path: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    settings: IngestSettings | None = None,
) -> None:
    """Run the ingest endpoint until SIGTERM or SIGINT."""
    accounts = AccountsFile(accounts_path)
    async with open_pool(database_url, 20) as pool:
        jobs = ServiceJobs(pool)
        await jobs.open()
        app = create_app(
            Store(pool),
            lambda write_key: accounts.refresh().get(write_key),
            jobs.wake,
            settings or IngestSettings(),
        )
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", lifespan="off", access_log=False
        )
        server = _IngestServer(config)
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, accounts.reload)
        try:
            await server.serve()  # until SIGTERM/SIGINT, which uvicorn handles gracefully
        finally:
            await jobs.close()


def _destination(source: Source, limiter: RateLimiter) -> AsyncActiveCampaignDestination:
    # Held events keep a user's order while an earlier event of theirs awaits its retry;
    # every destination of an account keeps to the account's one limiter (handed over
    # between processes, see ``budget``).
    return AsyncActiveCampaignDestination.from_config(
        source.config, hold_on_failure=True, rate_limiter=limiter
    )


async def work(
    database_url: str,
    accounts_path: str | os.PathLike[str],
    settings: WorkerSettings | None = None,
    *,
    name: str | None = None,
    destination_factory: DestinationFactory | None = None,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    handle_signals: bool = True,
) -> int:
    """Run a delivery worker until SIGTERM or SIGINT (or ``stop`` is set); returns the
    exit code (0).

    ``destination_factory`` builds the destination for a source's settings and its
    account's limiter (default: ``AsyncActiveCampaignDestination.from_config``); tests
    wire it to an emulator, whose ``clock`` the destinations then run on.
    Embedded in an application of your own, pass ``stop`` and ``handle_signals=False``.
    """
    settings = settings or WorkerSettings()
    accounts = AccountsFile(accounts_path)
    destinations = Destinations(destination_factory or _destination, clock)
    stopping = asyncio.Event()
    async with open_pool(database_url, 2 * settings.concurrency + 6) as pool:
        jobs = ServiceJobs(pool)
        await jobs.open()
        run = AccountRun(
            Store(pool),
            accounts,
            destinations,
            settings.delivery,
            stopping=stopping,
            wake=jobs.wake,
        )
        state = WorkerState(
            run=run,
            accounts_file=accounts,
            retention_delivered=settings.retention,
            dedup_window=settings.dedup_window,
        )
        worker = asyncio.create_task(
            jobs.app.run_worker_async(
                name=name or f"worker-{os.getpid()}",
                concurrency=settings.concurrency,
                install_signal_handlers=False,
                additional_context={"state": state},
                update_heartbeat_interval=HEARTBEAT,
                stalled_worker_timeout=STALLED,
                shutdown_graceful_timeout=settings.grace,
                fetch_job_polling_interval=2.0,
            )
        )

        def reload() -> None:
            accounts.reload()

        def begin_stop() -> None:
            logger.info("stopping: no new deliveries, %.0f s for those running", settings.grace)
            stopping.set()
            destinations.halt()  # events not started come back unattempted: still pending
            worker.cancel()

        def on_signal() -> None:
            if stopping.is_set():
                logger.warning("second signal: exiting at once")
                os._exit(1)
            begin_stop()

        if handle_signals:
            _on_signals(
                {signal.SIGTERM: on_signal, signal.SIGINT: on_signal, signal.SIGHUP: reload}
            )
        watcher = asyncio.create_task(_when_set(stop, begin_stop)) if stop is not None else None
        try:
            await worker
        except asyncio.CancelledError:
            if not stopping.is_set():
                raise
        finally:
            if watcher is not None:
                watcher.cancel()
            if handle_signals:
                for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                    asyncio.get_running_loop().remove_signal_handler(signum)
            await destinations.aclose()
            await jobs.close()
    return 0


async def _when_set(event: asyncio.Event, then: Callable[[], None]) -> None:
    await event.wait()
    then()
