"""Pure response decoding: an httpx.Response becomes JSON data or a typed error."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from ._constants import MAX_RESPONSE_BYTES, MAX_RETRY_AFTER
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    EventTrackingError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)
from ._requests import ApiRequest
from ._retry import parse_retry_after

__all__ = ["declared_within_limit", "decode_response", "map_transport_error", "with_body"]

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}
# An excerpt is read from this many characters at most: regexes on broken HTML can take
# time that grows with the square of the text, and bodies may reach MAX_RESPONSE_BYTES.
_SNIPPET_SCAN = 8192
# A script or style element; one still open where the scanned text ends runs to its end.
_HIDDEN = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]*>")  # not [^>]: a run of "<" without ">" would be quadratic
_SPACE = re.compile(r"\s+")


def _snippet(text: str, limit: int = 160) -> str:
    """A short, single-line, tag-free excerpt of a body for an error message."""
    text = text[:_SNIPPET_SCAN]
    if "<" in text:
        text = _TAG.sub(" ", _HIDDEN.sub(" ", text))
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _looks_like_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "")
    head = response.content[:512].lstrip().lower()
    return "html" in ctype or head.startswith((b"<!doctype", b"<html", b"<"))


def _parse_errors(body: Any) -> list[ErrorDetail]:
    """ActiveCampaign's error shapes: JSON:API ``errors``, ``message``, bulk ``failureReasons``."""
    if not isinstance(body, dict):
        return []
    details: list[ErrorDetail] = []
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            source = item.get("source")
            pointer = source.get("pointer") if isinstance(source, dict) else None
            details.append(
                ErrorDetail(
                    title=str(item.get("title") or ""),
                    detail=str(item.get("detail") or ""),
                    code=str(item.get("code") or ""),
                    pointer=pointer if isinstance(pointer, str) else None,
                )
            )
        elif isinstance(item, str):
            details.append(ErrorDetail(title=item))
    for reason in body.get("failureReasons") or []:
        if isinstance(reason, dict):
            index = reason.get("contact")
            details.append(
                ErrorDetail(
                    title=str(reason.get("failureReason") or ""),
                    pointer=f"/contacts/{index}" if index is not None else None,
                )
            )
        elif isinstance(reason, str):
            details.append(ErrorDetail(title=reason))
    return details


def _is_import_rate_limit(body: Any) -> bool:
    message = body.get("message") if isinstance(body, dict) else None
    return isinstance(message, str) and "rate limit" in message.lower()


def _message(body: Any, errors: list[ErrorDetail], fallback: str) -> str:
    if errors:
        return "; ".join(str(e) for e in errors[:5])
    if isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]:
        return str(body["message"])
    return fallback


def _status_error(request: ApiRequest, response: httpx.Response, now: float) -> APIStatusError:
    status = response.status_code
    body: Any
    try:
        body = response.json()
    except (ValueError, RecursionError):  # RecursionError: JSON nested past the limit
        body = response.text
    errors = _parse_errors(body)
    reason = response.reason_phrase or "error"
    # A page that is all markup (or script) leaves no excerpt: the reason phrase then.
    fallback = (_snippet(body) if isinstance(body, str) else "") or reason
    message = f"{request.describe()} -> {status}: {_message(body, errors, fallback)}"
    kwargs: dict[str, Any] = {
        "status_code": status,
        "body": body,
        "errors": errors,
        "method": request.method,
        "path": request.path or (request.url or ""),
    }
    if status == 429:
        retry_after = parse_retry_after(response.headers.get("retry-after"), now=now)
        return RateLimitError(message, retry_after=retry_after, **kwargs)
    if status == 400 and _is_import_rate_limit(body):
        # Bulk import reports its per-minute budget as a 400 that says "retry in a minute".
        return RateLimitError(message, retry_after=MAX_RETRY_AFTER, **kwargs)
    if 300 <= status < 400:
        location = _snippet(response.headers.get("location", ""), 120)
        return APIStatusError(f"{message} (redirect to {location!r} not followed)", **kwargs)
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    if cls is AuthenticationError or cls is PermissionDeniedError:
        message += " — check the API key under Settings > Developer"
    return cls(message, **kwargs)


# Marks a response whose body could not be decoded; its value is the Content-Encoding.
_GARBLED = "activecampaign_client.garbled_body"


def declared_within_limit(response: httpx.Response) -> bool:
    """Whether the answer declares a ``Content-Length`` within ``MAX_RESPONSE_BYTES``.

    Such a body can be read whole (HTTP/1.1 peers cannot send more than they declared),
    which saves copying the response; others are read chunk by chunk up to the limit.
    """
    declared = response.headers.get("content-length", "")
    return declared.isdigit() and int(declared) <= MAX_RESPONSE_BYTES


def with_body(response: httpx.Response, body: bytes, *, garbled: bool = False) -> httpx.Response:
    """A read copy of a streamed ``response`` holding ``body`` (already decompressed).

    ``garbled``: the body could not be decoded (``Content-Encoding: gzip`` on a body that is
    not gzip); the copy has an empty body and ``decode_response`` treats it as garbled.
    """
    headers = [
        (name, value)
        for name, value in response.headers.multi_items()
        if name.lower() not in ("content-encoding", "content-length", "transfer-encoding")
    ]
    extensions = dict(response.extensions)
    if garbled:
        extensions[_GARBLED] = response.headers.get("content-encoding", "")
        body = b""
    return httpx.Response(
        response.status_code,
        headers=headers,
        content=body,
        request=response.request,
        extensions=extensions,
    )


def decode_response(request: ApiRequest, response: httpx.Response, *, wall_time: float) -> Any:
    """The JSON body of a successful answer; raises the matching APIStatusError otherwise.

    ``wall_time`` (Unix seconds) is only used to read Retry-After given as an HTTP date.
    """
    status = response.status_code
    common: dict[str, Any] = {"method": request.method, "path": request.path or request.url or ""}
    if not 200 <= status < 300:
        # A garbled body does not change what the status says (a 429 is still a 429).
        raise _status_error(request, response, wall_time)
    if _GARBLED in response.extensions:
        encoding = _snippet(str(response.extensions[_GARBLED]), 40)
        raise InternalServerError(
            f"{request.describe()} -> {status}: the body could not be decoded "
            f"(Content-Encoding {encoding!r}); it was garbled on the way",
            status_code=status,
            **common,
        )
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise InternalServerError(
            f"{request.describe()} -> {status}: answer of {len(response.content)} bytes exceeds "
            f"the {MAX_RESPONSE_BYTES}-byte limit",
            status_code=status,
            **common,
        )
    if not response.content.strip():
        return None
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):  # RecursionError: JSON nested past the limit
        if _looks_like_html(response) and not request.on_account_host:
            # The Api-Token never goes to trackcmp.net: its HTML page is not about the key.
            raise InternalServerError(
                f"{request.describe()} -> {status}: trackcmp.net answered an HTML page instead "
                "of JSON; check actid and the event key (Settings > Tracking > Event "
                "Tracking), or trackcmp.net is having trouble: try again later",
                status_code=status,
                body=_snippet(response.text),
                **common,
            ) from None
        if _looks_like_html(response):
            # ActiveCampaign answers a bad or expired key with its HTML login page and a 200.
            raise AuthenticationError(
                f"{request.describe()} -> {status}: got an HTML page instead of JSON; this is "
                "how ActiveCampaign answers a wrong or expired API key (Settings > Developer) "
                "or a wrong account URL",
                status_code=status,
                body=_snippet(response.text),
                **common,
            ) from None
        raise InternalServerError(
            f"{request.describe()} -> {status}: body is not valid JSON: "
            f"{_snippet(response.text, 80)!r}",
            status_code=status,
            body=_snippet(response.text),
            **common,
        ) from None
    if not request.on_account_host and isinstance(data, dict) and str(data.get("success")) != "1":
        message = str(data.get("message") or "event was not accepted")
        raise EventTrackingError(
            f"{request.describe()} -> trackcmp.net refused the event: {message} "
            "(check actid and the event key under Settings > Tracking > Event Tracking)",
            status_code=status,
            body=data,
            errors=[ErrorDetail(title=message)],
            **common,
        )
    return data


def map_transport_error(request: ApiRequest, exc: httpx.HTTPError) -> APIConnectionError:
    """Our error for an httpx failure without an answer (transport errors, and any other
    httpx error a transport may raise); its message never includes request data."""
    # No connection was made, or none was free in the pool: the request never left us.
    never_sent = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    kind = type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"{request.describe()} timed out ({kind})",
            method=request.method,
            path=request.path,
            never_sent=never_sent,
        )
    return APIConnectionError(
        f"{request.describe()} failed: {kind}",
        method=request.method,
        path=request.path,
        never_sent=never_sent,
    )
