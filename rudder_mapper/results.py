"""DeliveryResult: what happened to one event, in the terms pipelines already use.

200 delivered; 400 never deliverable as is (the message names the field); the API's own
4xx (422 invalid email) not retryable; 429, 5xx, timeouts and connection failures
retryable, network failures reported as 502/504.

A *configuration fault* is not the event's fault: the destination's settings are wrong
(a refused API key, a 403 about the key, ActiveCampaign's 200 HTML login page, a 402
payment issue, missing or refused tracking keys). Such a result has ``field == "config"``,
``config_scope`` says what is broken, and it is neither ``rejected`` nor ``retryable``:
the same event delivers once the configuration is fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

from activecampaign_client import (
    ActiveCampaignError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    ConfigurationError,
    EventTrackingError,
    InvalidInputError,
    PaymentRequiredError,
    RateLimitError,
)

from ._errors import AmbiguousOutcome, EventError, SiteTrackingDisabled

__all__ = ["ConfigScope", "DeliveryResult", "config_fault_scope"]

ConfigScope = Literal["account", "tracking", "site_tracking"]
"""What a configuration fault stops: ``"account"`` every call (API key, account URL,
payment), ``"tracking"`` only track and screen events (actid, event key, event tracking
disabled), ``"site_tracking"`` only page events (site tracking switched off)."""


def config_fault_scope(exc: BaseException) -> ConfigScope | None:
    """The scope of the configuration fault ``exc`` reveals, or None if it is not one.

    401, a 403 about the key (``PermissionDeniedError``), the HTML login page and 402 stop
    the whole account; missing tracking keys and trackcmp's ``{"success": 0}`` stop tracks;
    site tracking switched off stops pages.
    """
    if isinstance(exc, AmbiguousOutcome):
        return config_fault_scope(exc.cause)
    if isinstance(exc, (AuthenticationError, PaymentRequiredError)):
        return "account"
    if isinstance(exc, SiteTrackingDisabled):
        return "site_tracking"
    if isinstance(exc, (ConfigurationError, EventTrackingError)):
        return "tracking"
    return None


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one event. ``process`` and ``process_batch`` return these, never raise."""

    status_code: int
    retryable: bool = False
    error: str | None = None
    warnings: tuple[str, ...] = ()
    event_type: str | None = None
    message_id: str | None = None
    field: str | None = None
    maybe_applied: bool = False
    """True when a track event failed after trackcmp.net may have recorded it (a timeout,
    a reset or a 5xx once sent): replaying it may count it twice. Pipelines wanting at most
    once drop these instead of retrying; at least once, retry them."""
    retry_after: float | None = None
    """Seconds the server asked to wait before trying again (a 429's or 503's
    Retry-After), when it said."""
    unmapped: tuple[str, ...] = ()
    """Custom traits of a delivered identify that no custom field of the account matches
    (by title or personalization tag), by path (``traits.shirt_size``): not stored. Not a
    warning: most traits are not meant for ActiveCampaign."""
    config_scope: ConfigScope | None = None
    """Set for a configuration fault (see ``config_fault``): what the fault stops."""
    attempted: bool = True
    """False when nothing was sent for this event: the destination's circuit breaker was
    open after a configuration fault, or the destination was halted before it started."""

    @property
    def delivered(self) -> bool:
        """True when ActiveCampaign has everything the event asked for."""
        return self.status_code == 200

    @property
    def config_fault(self) -> bool:
        """True when the destination's configuration, not the event, is at fault: fix the
        settings (``field == "config"``) and send the event again as it is."""
        return self.config_scope is not None

    @property
    def rejected(self) -> bool:
        """True for events that will never be delivered as they are (fix them, don't retry)."""
        return not self.delivered and not self.retryable and not self.config_fault

    @classmethod
    def ok(
        cls,
        warnings: list[str] | tuple[str, ...] = (),
        *,
        unmapped: tuple[str, ...] = (),
        **context: Any,
    ) -> DeliveryResult:
        """A delivered event."""
        return cls(status_code=200, warnings=tuple(warnings), unmapped=unmapped, **context)

    @classmethod
    def halted(cls, **context: Any) -> DeliveryResult:
        """An event the destination did not start because it was halted: retryable."""
        return cls(
            503,
            True,
            "not attempted: delivery was halted before this event started",
            attempted=False,
            **context,
        )

    @classmethod
    def held(cls, **context: Any) -> DeliveryResult:
        """An event held back because an earlier event of the same user was not delivered
        and will be sent again first (``hold_on_failure``): retryable, nothing sent."""
        return cls(
            409,
            True,
            "not attempted: an earlier event of the same user was not delivered and goes first",
            attempted=False,
            **context,
        )

    @classmethod
    def from_exception(cls, exc: BaseException, **context: Any) -> DeliveryResult:
        """The result for a failure, with the status and retry flag a pipeline acts on."""
        if isinstance(exc, AmbiguousOutcome):
            return replace(cls.from_exception(exc.cause, **context), maybe_applied=True)
        if isinstance(exc, EventError):
            return cls(400, False, str(exc), field=exc.field, **context)
        if isinstance(exc, InvalidInputError):
            return cls(400, False, str(exc), field=exc.field, **context)
        scope = config_fault_scope(exc)
        if isinstance(exc, ConfigurationError):
            # Not the event's fault: fixing the destination's config would deliver it.
            return cls(
                400,
                False,
                f"destination configuration: {exc}",
                field="config",
                config_scope=scope,
                **context,
            )
        if isinstance(exc, EventTrackingError):
            # trackcmp refuses what our settings make wrong (actid, event key, tracking
            # disabled); an unknown name was registered again before this point.
            return cls(400, False, str(exc), field="config", config_scope=scope, **context)
        if isinstance(exc, APIStatusError):
            status = exc.status_code
            if isinstance(exc, RateLimitError):
                status = 429  # also bulk import's "Rate limit exceeded" 400: try later
            elif isinstance(exc, AuthenticationError) and status < 400:
                status = 401  # the 200 HTML login page is a refused key
            elif status < 400:
                status = 502  # a 2xx we could not read: the answer, not the event, was bad
            if scope is not None:
                return cls(status, False, str(exc), field="config", config_scope=scope, **context)
            field = next((e.pointer for e in exc.errors if e.pointer), None)
            retry_after = getattr(exc, "retry_after", None)
            return cls(
                status,
                exc.retryable,
                str(exc),
                field=field,
                retry_after=retry_after if isinstance(retry_after, float) else None,
                **context,
            )
        if isinstance(exc, APITimeoutError):
            return cls(504, True, str(exc), **context)
        if isinstance(exc, APIConnectionError):
            return cls(502, True, str(exc), **context)
        if isinstance(exc, APIResponseValidationError):
            return cls(502, False, str(exc), **context)
        if isinstance(exc, ActiveCampaignError):
            return cls(500, exc.retryable, str(exc), **context)
        # A bug of ours must not stop the batch; report it without the traceback.
        return cls(500, False, f"internal error: {type(exc).__name__}: {exc}", **context)
