"""An account's request budget, handed from one delivery run to the next in PostgreSQL.

One run at a time delivers an account, but consecutive runs may be in different
processes on different machines: the next must know when the last one's requests started,
or its first five could land within the same second as the last five. So a run writes its
budget's recent starts (the account's 5/s, bulk import's per-minute ones) after each batch,
by the *database's* clock, and the next run in another process counts them as its own.

Clocks: each process measures the offset between its monotonic clock and the database's
with one query; a start is moved later by that query's round trip when received, so an
error in the offset can only make the next run wait longer, never shorter.
"""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

from activecampaign_client import Clock, RateLimiter

from .store import Store

__all__ = ["BudgetHandoff"]


def _process_token() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class BudgetHandoff:
    """Reads and writes one process's view of account budgets."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.token: str = _process_token()
        """Who wrote a budget: a run of the same process already holds those starts."""

    async def _offset(self, clock: Clock) -> tuple[float, float]:
        """(database time - clock reading, round trip of the measurement)."""
        before = clock.now()
        database = await self.store.database_time()
        after = clock.now()
        return database - (before + after) / 2, after - before

    async def receive(self, account: str, limiter: RateLimiter, clock: Clock) -> int:
        """Count the starts another process handed over for ``account``; how many."""
        state = await self.store.account_state(account)
        budget: dict[str, Any] = state.get("budget") or {}
        if not budget or budget.get("by") == self.token:
            return 0
        offset, round_trip = await self._offset(clock)
        starts = {
            name: [float(t) - offset + round_trip for t in times]
            for name, times in (budget.get("starts") or {}).items()
            if isinstance(times, list)
        }
        limiter.seed(starts)
        return sum(len(times) for times in starts.values())

    async def hand_over(self, account: str, limiter: RateLimiter, clock: Clock) -> None:
        """Write the starts that still count, by the database's clock."""
        offset, _ = await self._offset(clock)
        starts = {
            name: [t + offset for t in times]
            for name, times in limiter.recent_starts(clock.now()).items()
            if times
        }
        await self.store.save_budget(account, {"by": self.token, "starts": starts})
