"""The one error the mapping raises: an event that can never be delivered as it is."""

from __future__ import annotations

from activecampaign_client import ConfigurationError

__all__ = ["AmbiguousOutcome", "EventError", "SiteTrackingDisabled"]


class EventError(ValueError):
    """A message field is missing or unusable. ``field`` is its dotted path in the message."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class AmbiguousOutcome(Exception):
    """A non-idempotent call failed after it may have reached ActiveCampaign.

    Only trackcmp.net events are at risk (no idempotency key): replaying the event may
    record it twice. ``cause`` is the client error, which decides the status and retry flag.
    """

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class SiteTrackingDisabled(ConfigurationError):
    """Site tracking is switched off in the account: page events cannot be tracked until
    it is switched on (a configuration fault of the account, for pages only)."""
