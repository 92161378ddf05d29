"""DeliveryResult: what happened to one event, in the terms pipelines already use.

200 delivered; 400 never deliverable as is (the message names the field); the API's own
4xx (422 invalid email, 401/403 bad key) not retryable; 429, 5xx, timeouts and connection
failures retryable, network failures reported as 502/504.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

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

from ._errors import AmbiguousOutcome, EventError

__all__ = ["DeliveryResult"]


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
    unmapped: tuple[str, ...] = ()
    """Custom traits of a delivered identify that no custom field of the account matches
    (by title or personalization tag), by path (``traits.shirt_size``): not stored. Not a
    warning: most traits are not meant for ActiveCampaign."""

    @property
    def delivered(self) -> bool:
        """True when ActiveCampaign has everything the event asked for."""
        return self.status_code == 200

    @property
    def rejected(self) -> bool:
        """True for events that will never be delivered as they are (fix them, don't retry)."""
        return not self.delivered and not self.retryable

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
    def from_exception(cls, exc: BaseException, **context: Any) -> DeliveryResult:
        """The result for a failure, with the status and retry flag a pipeline acts on."""
        if isinstance(exc, AmbiguousOutcome):
            return replace(cls.from_exception(exc.cause, **context), maybe_applied=True)
        if isinstance(exc, EventError):
            return cls(400, False, str(exc), field=exc.field, **context)
        if isinstance(exc, InvalidInputError):
            return cls(400, False, str(exc), field=exc.field, **context)
        if isinstance(exc, ConfigurationError):
            # Not the event's fault: fixing the destination's config would deliver it.
            return cls(400, False, f"destination configuration: {exc}", field="config", **context)
        if isinstance(exc, PaymentRequiredError):
            # The account's fault (a payment issue), not the event's: it delivers once
            # the account is settled.
            return cls(402, False, str(exc), field="config", **context)
        if isinstance(exc, EventTrackingError):
            # trackcmp refuses what our settings make wrong (actid, event key); an unknown
            # name was registered again before this point.
            return cls(400, False, str(exc), field="config", **context)
        if isinstance(exc, APIStatusError):
            status = exc.status_code
            if isinstance(exc, RateLimitError):
                status = 429  # also bulk import's "Rate limit exceeded" 400: try later
            elif isinstance(exc, AuthenticationError) and status < 400:
                status = 401  # the 200 HTML login page is a refused key
            elif status < 400:
                status = 502  # a 2xx we could not read: the answer, not the event, was bad
            field = next((e.pointer for e in exc.errors if e.pointer), None)
            return cls(status, exc.retryable, str(exc), field=field, **context)
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
