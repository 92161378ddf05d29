"""The error tree. Every error says whether trying again later can help.

ActiveCampaignError                 base; ``retryable`` tells a pipeline "later" from "never"
├── ConfigurationError              the client was set up wrongly (missing actid, bad URL)
├── InvalidInputError               an argument was refused before sending; ``field`` names it
├── APIConnectionError              the request never got a complete answer (retryable)
│   └── APITimeoutError             ... because it timed out (retryable)
├── APIResponseValidationError      a 2xx answer whose JSON did not have the documented shape
└── APIStatusError                  the server answered with an error
    ├── BadRequestError             400
    ├── AuthenticationError         401, or a 200 HTML login page where JSON was expected
    │   └── PermissionDeniedError   403: the key lacks permission, or the object does not exist
    ├── PaymentRequiredError        402: the account has a payment issue (not retryable)
    ├── NotFoundError               404, and a 403 that says "No Result found"
    ├── ConflictError               409
    ├── UnprocessableEntityError    422 (invalid email, duplicate tag, ...)
    ├── RateLimitError              429 (retryable; carries ``retry_after``)
    ├── InternalServerError         5xx (retryable), and 200 bodies that are not valid JSON
    │   └── ServiceUnavailableError 503; with ``retry_after`` it is honoured like a 429's
    └── EventTrackingError          trackcmp.net answered ``{"success": 0, "message": ...}``

No message, repr or attribute of these errors ever contains the Api-Token or the event key:
they are built only from status codes, paths and response bodies. An APIConnectionError's
``__cause__`` is a copy of the httpx error stripped of its request (whose headers hold the
Api-Token) and of its own cause and traceback; its text is scrubbed of the secrets.

Every error pickles and unpickles to an error of the same class with the same message and
attributes (Celery results, process pools), ``__cause__`` aside: pickle never keeps it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ActiveCampaignError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "ErrorDetail",
    "EventTrackingError",
    "InternalServerError",
    "InvalidInputError",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServiceUnavailableError",
    "UnprocessableEntityError",
]


class ErrorDetail(BaseModel):
    """One entry of a JSON:API style ``errors`` array, e.g. from a 422."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="allow")

    title: str = ""
    detail: str = ""
    code: str = ""
    pointer: str | None = Field(
        default=None, description="source.pointer, e.g. /data/attributes/email"
    )

    def __str__(self) -> str:
        parts = [p for p in (self.title, self.detail) if p]
        text = ": ".join(parts) or self.code or "error"
        return f"{text} ({self.pointer})" if self.pointer else text


def _restore(cls: type[ActiveCampaignError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    """Unpickle an error without calling its ``__init__`` (whose signature varies by class)."""
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ActiveCampaignError(Exception):
    """Base of every error raised by this package."""

    retryable: bool = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception's own reduce calls ``cls(*args)``, which the keyword-only arguments of
        # most subclasses refuse: rebuild from args and attributes instead.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class ConfigurationError(ActiveCampaignError, ValueError):
    """The client was constructed or called with settings that cannot work."""


class InvalidInputError(ActiveCampaignError, ValueError):
    """An argument was refused before anything was sent. ``field`` names the argument."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class APIConnectionError(ActiveCampaignError):
    """No complete HTTP answer: DNS, refused or reset connection, protocol error."""

    retryable = True

    def __init__(
        self, message: str, *, method: str = "", path: str = "", never_sent: bool = False
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        # True when the connection was never established, so the server cannot have acted.
        self.never_sent = never_sent


class APITimeoutError(APIConnectionError):
    """The request timed out, or the call passed its ``deadline`` (then ``deadline`` holds
    its seconds). For a non-idempotent POST the server may have acted on it, unless
    ``never_sent``."""

    def __init__(self, message: str, *, deadline: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.deadline = deadline


class APIResponseValidationError(ActiveCampaignError):
    """A successful answer whose body did not match the documented response shape."""

    def __init__(self, message: str, *, body: Any = None) -> None:
        super().__init__(message)
        self.body = body


class APIStatusError(ActiveCampaignError):
    """The API answered with an error status (or an error disguised as a 200)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        body: Any = None,
        errors: list[ErrorDetail] | None = None,
        method: str = "",
        path: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.body = body
        self.errors: list[ErrorDetail] = errors or []
        self.method = method
        self.path = path
        # Seconds the server asked us to wait (Retry-After of a 429 or a 503), if it said.
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, message={self.message!r})"


class BadRequestError(APIStatusError):
    """400: the request was malformed or failed validation (bulk import lists reasons)."""


class AuthenticationError(APIStatusError):
    """The Api-Token was refused: 401, or the HTML login page ActiveCampaign serves with a 200.

    Check the key under Settings > Developer in ActiveCampaign.
    """


class PermissionDeniedError(AuthenticationError):
    """403: "could not be authenticated or is not authorized", in ActiveCampaign's words.

    The key's user lacks the permission for this call, or (on some endpoints) the object
    does not exist; a 403 whose body says "No Result found" is a NotFoundError instead.
    """


class PaymentRequiredError(APIStatusError):
    """402: the account has a payment issue; nothing will succeed until it is settled in
    ActiveCampaign. A fault of the account, like a wrong key — not of the request: a
    pipeline should hold its events rather than drop them. Not retryable as is."""


class NotFoundError(APIStatusError):
    """404: no such object (or no such path: check the account URL). Also a 403 whose body
    says "No Result found for ...", which several documented endpoints answer instead."""


class ConflictError(APIStatusError):
    """409: the object already exists (e.g. a whitelisted domain)."""


class UnprocessableEntityError(APIStatusError):
    """422: the API rejected a value; ``errors`` names the field (pointer) and the reason."""


class RateLimitError(APIStatusError):
    """429: over ActiveCampaign's request budget. ``retry_after`` is in seconds, if given."""

    retryable = True


class InternalServerError(APIStatusError):
    """5xx, or a 2xx body that was not the JSON it should be (truncated, garbled)."""

    retryable = True


class ServiceUnavailableError(InternalServerError):
    """503. With ``retry_after`` (the server said when to come back, as some accounts do
    instead of a 429) it is treated like a 429: the whole budget pauses that long, and the
    call is retried whatever its method, since the server did not take it."""


class EventTrackingError(APIStatusError):
    """trackcmp.net refused the event: ``{"success": 0, "message": ...}`` (wrong actid/key,
    event tracking disabled, unknown event name). Not retryable as is."""
