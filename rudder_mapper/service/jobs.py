"""The procrastinate side: which jobs exist, how they are locked, what wakes them.

- ``rudder.deliver(account)`` runs one account's delivery (``delivery.AccountRun``). Its
  ``lock`` is the account, so one runs at a time per account, in the order they were
  queued; its ``queueing_lock`` keeps at most one waiting per account, so waking an
  account that is already due costs nothing.
- ``rudder.sweep`` (every 5 s, on whichever worker takes it) wakes accounts with events
  due (retries whose time came, events a crashed wake left behind), resumes accounts
  whose settings changed since a pause, and hands the jobs of workers that stopped
  sending heartbeats to the others.
- ``rudder.retention`` (every 10 min) deletes delivered events and old messageIds.

Procrastinate is the queue; the service's own table keeps the events, because a job
delivers a whole batch of an account's events (bulk import, shared catalogs) and an
event's retries must keep their place among its user's events (see ``outcomes``).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Status
from psycopg_pool import AsyncConnectionPool

from .accounts import Accounts, AccountsFile
from .admin import Admin
from .delivery import AccountRun

__all__ = ["ServiceJobs", "WorkerState"]

logger: logging.Logger = logging.getLogger("rudder_mapper.service")

# A worker sends a heartbeat every HEARTBEAT seconds; one silent for STALLED seconds is
# taken for dead and its jobs are retried by the sweep: takeover within ~STALLED + 5 s.
HEARTBEAT = 2.0
STALLED = 12.0


@dataclass
class WorkerState:
    """What the jobs of one worker process share (passed as procrastinate context)."""

    run: AccountRun
    accounts_file: AccountsFile
    retention_delivered: float
    dedup_window: float


class ServiceJobs:
    """The procrastinate app with the service's tasks registered."""

    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self.app: App = App(connector=PsycopgConnector(), periodic_defaults={"max_delay": 60})
        self.pool = pool
        self._register()

    async def open(self) -> None:
        """Open the app on the shared pool."""
        await self.app.open_async(self.pool)

    async def close(self) -> None:
        """Close the app (the pool is the caller's)."""
        await self.app.close_async()

    async def wake(self, account: str) -> None:
        """Queue a delivery of ``account`` unless one is already waiting."""
        with contextlib.suppress(AlreadyEnqueued):  # one is already waiting: it will do
            await self.deliver.configure(
                lock=f"account:{account}", queueing_lock=f"deliver:{account}"
            ).defer_async(account=account)

    def _register(self) -> None:
        app = self.app

        @app.task(name="rudder.deliver", pass_context=True)
        async def deliver(context: JobContext, account: str) -> int:
            state: WorkerState = context.additional_context["state"]
            state.accounts_file.refresh()
            return await state.run.run(account)

        @app.periodic(cron="* * * * * */5", periodic_id="sweep")
        @app.task(name="rudder.sweep", pass_context=True, queueing_lock="rudder.sweep")
        async def sweep(context: JobContext, timestamp: int) -> int:
            state: WorkerState = context.additional_context["state"]
            accounts: Accounts = state.accounts_file.refresh()
            manager = context.app.job_manager
            for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED):
                # Marked failed, not retried: a retry would clash with the delivery already
                # waiting for the account (its queueing lock). Failing it frees the
                # account's lock; its events are still pending, and the account is woken.
                logger.warning("job %s of a silent worker is handed to another", job.id)
                await manager.finish_job(job, status=Status.FAILED, delete_job=False)
                account = job.task_kwargs.get("account")
                if job.task_name == "rudder.deliver" and isinstance(account, str):
                    await self.wake(account)
            store = state.run.store
            for account, fingerprint in await store.paused_accounts():
                if accounts.for_account(account) and fingerprint != accounts.account_fingerprint(
                    account
                ):
                    logger.info("account %s: settings changed, deliveries resume", account)
                    await store.resume(account)
            woken = 0
            for account in await store.due_accounts():
                await self.wake(account)
                woken += 1
            return woken

        @app.periodic(cron="*/10 * * * *", periodic_id="retention")
        @app.task(name="rudder.retention", pass_context=True, queueing_lock="rudder.retention")
        async def retention(context: JobContext, timestamp: int) -> int:
            state: WorkerState = context.additional_context["state"]
            return await Admin(self.pool).purge_settled(
                delivered_after=state.retention_delivered, message_ids_after=state.dedup_window
            )

        self.deliver = deliver
        self.sweep = sweep
        self.retention = retention
