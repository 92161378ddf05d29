"""Fault injection: scripted or seeded-random misbehaviour, per path or per fraction."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

__all__ = ["DEFAULT_RANDOM_KINDS", "FAULT_KINDS", "FaultPlan", "OK"]

FAULT_KINDS = (
    "429",
    "429_burst",
    "500",
    "502",
    "503",
    "504",
    "timeout",
    "timeout_after_apply",
    "reset",
    "reset_after_apply",
    "connect_error",
    "login_page",
    "malformed_json",
)
"""Every fault kind the emulator can inject."""

DEFAULT_RANDOM_KINDS = tuple(
    kind for kind in FAULT_KINDS if not kind.endswith("_after_apply") and kind != "login_page"
)
"""What ``randomize`` picks from when no kinds are given: faults after which the request
was not carried out; the ``*_after_apply`` kinds and ``login_page`` must be asked for."""

OK = "ok"
"""A scripted outcome meaning "no fault"."""


def _check_kind(kind: str, *, allow_ok: bool) -> str:
    if kind in FAULT_KINDS or (allow_ok and kind == OK):
        return kind
    valid = ", ".join(FAULT_KINDS)
    raise ValueError(f"unknown fault kind {kind!r}; use one of: {valid}" + (", ok" * allow_ok))


@dataclass(frozen=True)
class _Target:
    """``"METHOD PATTERN"``, ``"PATTERN"`` or ``"*"``: PATTERN is a glob matched against
    the path (``/api/3/contacts/*``) or host and path (``trackcmp.net/event``)."""

    method: str
    pattern: str

    @classmethod
    def parse(cls, target: str) -> _Target:
        parts = target.strip().split(None, 1)
        if not parts:
            raise ValueError("a fault target must not be empty; use '*' for every request")
        method, pattern = ("*", parts[0]) if len(parts) == 1 else (parts[0].upper(), parts[1])
        for scheme in ("https://", "http://"):
            pattern = pattern.removeprefix(scheme)
        return cls(method, pattern.strip())

    def matches(self, method: str, host: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        return fnmatchcase(path, self.pattern) or fnmatchcase(host + path, self.pattern)


class FaultPlan:
    """Which requests misbehave, and how. Reached as ``emulator.faults``.

    Fault kinds (``FAULT_KINDS``) and what the emulator does with the request:

    =======================  =======================================================  =========
    kind                     answer                                                   applied?
    =======================  =======================================================  =========
    ``429``                  429, JSON body, ``Retry-After: <retry_after>``           no
    ``429_burst``            the same, and every request to that host during the      no
                             next ``retry_after`` seconds gets it too (fault
                             ``429_burst``)
    ``500`` ``502`` ``503``  that status with an HTML (Cloudflare-style) body        no
    ``504``                  504 with a Cloudflare "Gateway time-out" HTML page      no
    ``timeout``              raises ``httpx.ReadTimeout`` after the request's read    no
                             timeout has passed on the clock
    ``timeout_after_apply``  the same, but the request *was* carried out: the        yes
                             ambiguous case a retry can double
    ``reset``                raises ``httpx.RemoteProtocolError`` (peer closed)       no
    ``reset_after_apply``    the same, after carrying the request out                 yes
    ``connect_error``        raises ``httpx.ConnectError`` (never sent)               no
    ``login_page``           200 with the HTML login page (the bad-key quirk)         no
    ``malformed_json``       200, ``application/json``, a truncated body             no
    =======================  =======================================================  =========

    Scripted outcomes take precedence over random ones; ``"ok"`` in a script means "answer
    normally". Every faulted request is recorded in ``emulator.requests`` with its fault.
    ``retry_after`` is the ``Retry-After`` (whole seconds) of injected 429s and the length
    of a ``429_burst``.
    """

    def __init__(self) -> None:
        self.retry_after = 1
        self._scripts: list[tuple[_Target, deque[str]]] = []
        self._random: tuple[float, tuple[str, ...], list[_Target] | None] | None = None
        self._rng = random.Random(0)
        self._blocked_until: dict[str, float] = {}

    def script(self, target: str, outcomes: Iterable[str]) -> None:
        """Queue outcomes for requests matching ``target``, one per request, in order.

        ``target`` is ``"POST /api/3/contact/sync"``, ``"GET /api/3/contacts/*"``,
        ``"POST trackcmp.net/event"`` or ``"*"``; outcomes are fault kinds or ``"ok"``.
        Once used up, the script no longer applies.
        """
        queue = deque(_check_kind(kind, allow_ok=True) for kind in outcomes)
        self._scripts.append((_Target.parse(target), queue))

    def stretch(self, kind: str, count: int, *, target: str = "*", after: int = 0) -> None:
        """``count`` consecutive requests matching ``target`` get ``kind``, after ``after``
        matching requests answered normally (e.g. a stretch of 200 login pages)."""
        if count < 0 or after < 0:
            raise ValueError("count and after must not be negative")
        self.script(target, [OK] * after + [_check_kind(kind, allow_ok=False)] * count)

    def randomize(
        self,
        rate: float,
        kinds: Sequence[str] | None = None,
        paths: Sequence[str] | None = None,
        seed: int = 0,
    ) -> None:
        """Fault a fraction ``rate`` of requests (those matching ``paths``, default all),
        picking among ``kinds`` (default ``DEFAULT_RANDOM_KINDS``) with a seeded generator,
        so a run is reproducible. Replaces an earlier ``randomize``; ``rate=0`` stops it."""
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rate!r}")
        chosen = tuple(_check_kind(k, allow_ok=False) for k in (kinds or DEFAULT_RANDOM_KINDS))
        targets = None if paths is None else [_Target.parse(p) for p in paths]
        self._random = (rate, chosen, targets) if rate > 0 else None
        self._rng = random.Random(seed)

    def clear(self) -> None:
        """No more faults: scripts, random faults and running 429 bursts are dropped."""
        self._scripts.clear()
        self._random = None
        self._blocked_until.clear()

    @property
    def scripted_remaining(self) -> int:
        """Scripted outcomes not used yet."""
        return sum(len(queue) for _, queue in self._scripts)

    def choose(self, method: str, host: str, path: str, now: float) -> str | None:
        """The fault for this request, or None. Called once per request by the emulator."""
        if now < self._blocked_until.get(host, float("-inf")):
            return "429_burst"
        for target, queue in self._scripts:
            if queue and target.matches(method, host, path):
                kind = queue.popleft()
                return self._started(kind, host, now)
        if self._random is not None:
            rate, kinds, targets = self._random
            chosen = targets is None or any(t.matches(method, host, path) for t in targets)
            if chosen and self._rng.random() < rate:
                return self._started(self._rng.choice(kinds), host, now)
        return None

    def _started(self, kind: str, host: str, now: float) -> str | None:
        if kind == OK:
            return None
        if kind == "429_burst":
            self._blocked_until[host] = now + self.retry_after
        return kind

    def __repr__(self) -> str:
        random_part = f"rate={self._random[0]}" if self._random else "off"
        return f"FaultPlan(scripted={self.scripted_remaining}, random={random_part})"
