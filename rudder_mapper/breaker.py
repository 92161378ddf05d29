"""The configuration circuit breaker: after a configuration fault, stop calling the API.

A refused API key fails every call the same way; sending the rest of a batch only spends
the account's request budget to learn it again (and on 5,000 events, minutes of it). So
the destination's breaker *opens* on the first configuration fault (see
``DeliveryResult.config_fault``) and answers every later event needing that scope with the
same result, ``attempted=False``, without a request. Scopes are separate: a refused event
key (``"tracking"``) stops track and screen events only, site tracking switched off
(``"site_tracking"``) page events only; a refused API key or a 402 (``"account"``) stops
everything.

When it closes again (a library user's destination lives on; the CLI stops at the first
fault): after ``cooldown`` seconds on the client's clock (60 by default), the next event
needing the scope is let through as a single *probe*, the others still answered at once.
A probe with any other outcome closes the scope; another configuration fault opens it for
another cooldown. ``reset()`` closes it at once, e.g. after the account was fixed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .results import ConfigScope, DeliveryResult

__all__ = ["DEFAULT_BREAKER_COOLDOWN", "ConfigBreaker", "config_fault_advice"]

DEFAULT_BREAKER_COOLDOWN = 60.0


@dataclass
class _Open:
    fault: DeliveryResult
    since: float
    probing: bool = False


class ConfigBreaker:
    """Open per scope after a configuration fault; thread-safe (the sync destination's
    pool shares it). ``now`` is the client's clock."""

    def __init__(
        self, now: Callable[[], float], *, cooldown: float = DEFAULT_BREAKER_COOLDOWN
    ) -> None:
        if cooldown < 0:
            raise ValueError("cooldown must be >= 0 seconds")
        self.cooldown: float = cooldown
        self._now = now
        self._open: dict[ConfigScope, _Open] = {}
        self._lock = threading.Lock()

    @property
    def fault(self) -> DeliveryResult | None:
        """The fault that opened the breaker (the account's first if both scopes are
        open), or None while it is closed."""
        with self._lock:
            for scope in ("account", "tracking", "site_tracking"):
                if scope in self._open:
                    return self._open[scope].fault
            return None

    def is_open(self, scope: ConfigScope) -> bool:
        """Whether events needing ``scope`` are answered without a request."""
        with self._lock:
            return scope in self._open

    def admit(self, scopes: Iterable[ConfigScope]) -> tuple[DeliveryResult | None, bool]:
        """Before an event: ``(fault, False)`` to answer it at once, ``(None, probe)`` to
        let it through; ``probe`` is True when it tests a scope whose cooldown is over.
        A probe starts a new cooldown, so a probe that never reports back (cancelled)
        only delays the next one."""
        with self._lock:
            now = self._now()
            due: list[_Open] = []
            for scope in scopes:
                state = self._open.get(scope)
                if state is None:
                    continue
                if now - state.since < self.cooldown:
                    return state.fault, False
                due.append(state)
            for state in due:
                state.since, state.probing = now, True
            return None, bool(due)

    def record(self, result: DeliveryResult, scopes: Iterable[ConfigScope] = ()) -> None:
        """After an event (or a batch step) that was let through: a configuration fault
        opens its scope; any other outcome of a probe closes the scopes it tested."""
        with self._lock:
            if result.config_scope is not None:
                self._open[result.config_scope] = _Open(result, self._now())
                return
            for scope in scopes:
                state = self._open.get(scope)
                if state is not None and state.probing:
                    del self._open[scope]

    def reset(self) -> None:
        """Close every scope now: the next events are sent again."""
        with self._lock:
            self._open.clear()


def config_fault_advice(fault: DeliveryResult) -> str:
    """What to fix for a configuration fault, in ActiveCampaign's own menu names."""
    detail = f" ({fault.error})" if fault.error else ""
    if fault.config_scope == "tracking":
        return (
            "event tracking refused the destination's tracking settings: check actid and "
            "eventKey (Settings > Tracking > Event Tracking in ActiveCampaign, where event "
            f"tracking must be enabled){detail}"
        )
    if fault.config_scope == "site_tracking":
        return (
            "site tracking is switched off for the account: enable it in Website > Site "
            "Tracking in ActiveCampaign (or with client.site_tracking.enable()) for page "
            "events to be tracked"
        )
    if fault.status_code == 402:
        return (
            "ActiveCampaign reports a payment issue on the account (402): settle it on the "
            f"account's billing page in ActiveCampaign{detail}"
        )
    if fault.status_code == 403:
        return (
            "ActiveCampaign refused the API key for this call (403): check apiKey and that "
            f"its user has the permission (Settings > Developer, Settings > Users){detail}"
        )
    return (
        "ActiveCampaign refused the API key: check apiUrl and apiKey (both under Settings > "
        f"Developer in ActiveCampaign){detail}"
    )
