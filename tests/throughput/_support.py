"""Event builders and request-log checks shared by the throughput tests."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any

from activecampaign_client.testing import ActiveCampaignEmulator, RecordedRequest
from rudder_mapper.samples import DEMO_FIELDS, DEMO_LISTS

__all__ = [
    "TRACKCMP",
    "ThreadClock",
    "account_requests",
    "identify",
    "identifies",
    "max_starts_within",
    "page",
    "seeded_emulator",
    "track",
]

TRACKCMP = "trackcmp.net"


class ThreadClock:
    """Simulated time for threads: each thread has its own reading, and its sleeps move
    only its own time, as real sleeps would end for that thread alone.

    (``SimulatedClock.sleep`` moves one shared reading, so with several threads a request
    would be stamped with the sum of everyone's sleeps.) Give it to the emulator too, and
    each request is stamped with the time its thread sent it.
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def now(self) -> float:
        """This thread's time."""
        return float(getattr(self._local, "now", 0.0))

    def sleep(self, seconds: float) -> None:
        """Move this thread's time forward."""
        self._local.now = self.now() + max(0.0, seconds)

    async def asleep(self, seconds: float) -> None:
        """Not for async code: use SimulatedClock there."""
        raise NotImplementedError("ThreadClock is for threads")


def seeded_emulator(
    *, latency: float = 0.0, rate_limit: float | None = 5.0
) -> ActiveCampaignEmulator:
    """An account with fields Interest, Country, Hobbies, Signup Date, Plan (ids 1-5) and
    lists Newsletter, Product Updates, Promotions (ids 1-3)."""
    emu = ActiveCampaignEmulator(latency=latency, rate_limit=rate_limit)
    for title, perstag, kind in DEMO_FIELDS:
        emu.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emu.add_list(name)
    return emu


def identify(
    user: str,
    email: str | None = None,
    *,
    message_id: str | None = None,
    **traits: Any,
) -> dict[str, Any]:
    """An identify message for ``user`` (email ``<user>@example.com`` unless given)."""
    message: dict[str, Any] = {
        "type": "identify",
        "userId": user,
        "traits": {"email": email or f"{user}@example.com", **traits},
    }
    if message_id is not None:
        message["messageId"] = message_id
    return message


def identifies(count: int, *, prefix: str = "c") -> list[dict[str, Any]]:
    """``count`` identifies of different users with 2 tags, 3 fields and 1 list each."""
    return [
        identify(
            f"{prefix}{n}",
            message_id=f"{prefix}{n}",
            name=f"First{n} Last{n}",
            tags=["Imported", "Customer"],
            fieldInfo={"Interest": "Books", "Country": "India", "Hobbies": ["Chess", "Tennis"]},
            lists=[{"id": 1, "status": "subscribe"}],
        )
        for n in range(count)
    ]


def track(user: str, event: str = "Signed Up", *, message_id: str | None = None) -> dict[str, Any]:
    """A track message for ``user``."""
    message: dict[str, Any] = {
        "type": "track",
        "userId": user,
        "event": event,
        "context": {"traits": {"email": f"{user}@example.com"}},
    }
    if message_id is not None:
        message["messageId"] = message_id
    return message


def page(user: str, url: str, *, message_id: str | None = None) -> dict[str, Any]:
    """A page message for ``user`` viewing ``url``."""
    message: dict[str, Any] = {"type": "page", "userId": user, "properties": {"url": url}}
    if message_id is not None:
        message["messageId"] = message_id
    return message


def account_requests(requests: Iterable[RecordedRequest]) -> list[RecordedRequest]:
    """Requests to the account host (the ones ActiveCampaign's 5/s counts)."""
    return [r for r in requests if r.host != TRACKCMP]


def max_starts_within(times: Sequence[float], window: float = 1.0) -> int:
    """The most request start times found in any half-open window ``[t, t + window)``."""
    ordered = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
