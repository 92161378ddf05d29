"""Transport failures (no answer at all) as our errors, with a cause safe to keep.

httpx attaches the request, Api-Token header included, to its exceptions, and chains
httpcore's: the error we raise keeps only a copy of the httpx one, with its class and
(scrubbed) text, as ``__cause__`` — enough to tell "connection refused" from a DNS
failure, nothing that leaks the key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import httpx

from ._exceptions import APIConnectionError, APITimeoutError
from ._requests import ApiRequest

__all__ = ["map_transport_error"]

_SPACE = re.compile(r"\s+")


def map_transport_error(
    request: ApiRequest, exc: Exception, *, secrets: Iterable[str | None] = ()
) -> tuple[APIConnectionError, Exception]:
    """Our error for an httpx failure without an answer (transport errors, and any other
    httpx error a transport may raise), and the cause to chain to it.

    The message names the request and the failure's class and text
    (``GET /api/3/lists/1 failed: ConnectError: [Errno 111] Connection refused``). The cause
    is a copy of ``exc`` without its request, whose headers hold the Api-Token, and without
    its own cause or traceback; ``secrets`` are masked in its text and in the message.
    """
    # No connection was made, or none was free in the pool: the request never left us.
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    kind = type(exc).__name__
    text = _scrub(str(exc), secrets)
    detail = f"{kind}: {text}" if text else kind
    cause = _detached(exc, text)
    if isinstance(exc, httpx.TimeoutException):
        error: APIConnectionError = APITimeoutError(
            f"{request.describe()} timed out ({detail})",
            method=request.method,
            path=request.path,
            never_sent=never_sent,
        )
    else:
        error = APIConnectionError(
            f"{request.describe()} failed: {detail}",
            method=request.method,
            path=request.path,
            never_sent=never_sent,
        )
    return error, cause


def _scrub(text: str, secrets: Iterable[str | None]) -> str:
    """One line of at most 300 characters, with every secret masked."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= 300 else text[:299] + "…"


def _detached(exc: Exception, text: str) -> Exception:
    """A copy of ``exc`` holding only its (scrubbed) text: no request, cause or traceback."""
    try:
        copy = type(exc)(text)
    except Exception:  # a class whose constructor wants more: keep the text, lose the class
        copy = httpx.TransportError(f"{type(exc).__name__}: {text}")
    copy.__suppress_context__ = True
    return copy
