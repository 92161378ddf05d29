"""Pure response decoding: an httpx.Response becomes JSON data or a typed error."""

from __future__ import annotations

import json
import re
import zlib
from typing import Any

import httpx

from ._constants import MAX_RESPONSE_BYTES, MAX_RETRY_AFTER
from ._exceptions import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    EventTrackingError,
    InternalServerError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from ._requests import ApiRequest
from ._retry import parse_retry_after

__all__ = [
    "BodyReader",
    "decode_response",
    "with_body",
]

_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    503: ServiceUnavailableError,
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
    if status in (429, 503):
        # A 503 may carry Retry-After too (some accounts answer their rate limit so).
        kwargs["retry_after"] = parse_retry_after(response.headers.get("retry-after"), now=now)
    if status == 400 and _is_import_rate_limit(body):
        # Bulk import reports its per-minute budget as a 400 that says "retry in a minute".
        return RateLimitError(message, **{**kwargs, "retry_after": MAX_RETRY_AFTER})
    if 300 <= status < 400:
        location = _snippet(response.headers.get("location", ""), 120)
        return APIStatusError(f"{message} (redirect to {location!r} not followed)", **kwargs)
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    if cls is PermissionDeniedError and _says_not_found(body):
        # Documented: several endpoints answer a missing object with a 403 saying so.
        cls = NotFoundError
    elif cls is PermissionDeniedError:
        message += (
            " — the key lacks permission for this call, or the object does not exist "
            "(permissions: Settings > Users > Groups)"
        )
    elif cls is AuthenticationError:
        message += " — check the API key under Settings > Developer"
    elif cls is PaymentRequiredError:
        message += " — the account has a payment issue; settle it in ActiveCampaign"
    return cls(message, **kwargs)


def _says_not_found(body: Any) -> bool:
    """Whether a 403 body is ActiveCampaign's "No Result found for X with id N"."""
    message = body.get("message") if isinstance(body, dict) else body
    return isinstance(message, str) and message.lstrip().lower().startswith("no result found")


# Marks a response whose body could not be decoded; its value is the Content-Encoding.
_GARBLED = "activecampaign_client.garbled_body"
# Marks a response whose body went past MAX_RESPONSE_BYTES (and was not read further).
_OVERSIZE = "activecampaign_client.oversize_body"

# The content codings the client undoes (ACCEPT_ENCODING): zlib's, whose output can be
# capped. A server sending another one although not asked sends a garbled answer.
_ZLIB_WBITS = {
    "gzip": zlib.MAX_WBITS | 16,
    "x-gzip": zlib.MAX_WBITS | 16,
    "deflate": zlib.MAX_WBITS,
}


class _Inflater:
    """Undoes one zlib coding, never producing more than ``limit + 1`` bytes in all."""

    def __init__(self, coding: str, limit: int) -> None:
        self._coding = coding
        self._zlib = zlib.decompressobj(_ZLIB_WBITS[coding])
        self._first = True
        self.room = limit + 1

    def inflate(self, data: bytes) -> bytes:
        """What ``data`` inflates to, cut where the output would pass ``room``."""
        if self.room <= 0:  # zlib reads a max_length of 0 as "no limit"
            return b""
        first, self._first = self._first, False
        try:
            out = self._zlib.decompress(data, self.room)
        except zlib.error:
            if not (first and self._coding == "deflate"):
                raise
            # "deflate" as some servers send it: without the zlib wrapper (as httpx reads it).
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, self.room)
        # Output short of ``room`` means every input byte was used: one call per chunk.
        self.room -= len(out)
        return out


class BodyReader:
    """Reads a streamed answer's body within ``MAX_RESPONSE_BYTES``, compressed or not.

    An answer without a content coding that declares a ``Content-Length`` within the limit
    can be read whole (``read_whole``: HTTP/1.1 peers cannot send more than they declared),
    which saves copying it. Any other body is fed chunk by chunk, as received, and
    inflated here under a cap: a compressed body's Content-Length says nothing of its
    inflated size (130 KB of gzip can hold 128 MiB), and httpx would inflate each chunk
    it receives in full. Reading stops once the body is past the limit or undecodable.
    """

    def __init__(self, response: httpx.Response, limit: int = MAX_RESPONSE_BYTES) -> None:
        self._limit = limit
        self._body = bytearray()
        self.oversize = False
        encoding = response.headers.get("content-encoding", "")
        codings = [c.strip().lower() for c in encoding.split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        # Codings are listed in the order they were applied: undone last to first.
        self._inflaters = [_Inflater(c, limit) for c in reversed(codings) if c in _ZLIB_WBITS]
        self.garbled = len(self._inflaters) < len(codings)
        declared = response.headers.get("content-length", "")
        self.read_whole = response.is_stream_consumed or (
            # A body its transport already read (an httpx.MockTransport handler's
            # ``Response(content=...)``) is in memory, decoded: nothing left to cap.
            not codings and declared.isdigit() and int(declared) <= limit
        )

    def feed(self, chunk: bytes) -> bool:
        """Take the next raw chunk; False once nothing more needs reading."""
        if self.garbled or self.oversize:
            return False
        try:
            for inflater in self._inflaters:
                chunk = inflater.inflate(chunk)
                self.oversize = self.oversize or inflater.room <= 0
        except zlib.error:
            self.garbled = True  # e.g. "Content-Encoding: gzip" on a body that is not
            return False
        room = self._limit + 1 - len(self._body)
        self._body += chunk[:room]
        self.oversize = self.oversize or len(chunk) >= room
        return not self.oversize

    def response(self, response: httpx.Response) -> httpx.Response:
        """A read copy of ``response`` holding the body read (see ``with_body``)."""
        return with_body(response, bytes(self._body), garbled=self.garbled, oversize=self.oversize)


def with_body(
    response: httpx.Response, body: bytes, *, garbled: bool = False, oversize: bool = False
) -> httpx.Response:
    """A read copy of a streamed ``response`` holding ``body`` (already decoded).

    ``garbled``: the body could not be decoded (``Content-Encoding: gzip`` on a body that is
    not gzip); the copy has an empty body and ``decode_response`` treats it as garbled.
    ``oversize``: the body goes on past ``MAX_RESPONSE_BYTES``; ``body`` is its start.
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
    elif oversize:
        extensions[_OVERSIZE] = True
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
    if _OVERSIZE in response.extensions or len(response.content) > MAX_RESPONSE_BYTES:
        raise InternalServerError(
            f"{request.describe()} -> {status}: the answer exceeds the "
            f"{MAX_RESPONSE_BYTES}-byte limit; it was not read further",
            status_code=status,
            **common,
        )
    if not response.content.strip():
        return None
    if request.expect == "text":
        return _text_body(request, response, common)
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
            raise _login_page(request, response, common) from None
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


def _text_body(request: ApiRequest, response: httpx.Response, common: dict[str, Any]) -> Any:
    """A text answer (``expect="text"``): JSON if it is JSON, else the text itself — unless
    it is an HTML *page*, ActiveCampaign's login page for a wrong key."""
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):
        pass
    # Text may well start with "<" (the tracking snippet is a <script> element): only a
    # whole page, or an answer labelled HTML, is taken for the login page.
    head = response.content[:512].lstrip().lower()
    ctype = response.headers.get("content-type", "")
    if "html" in ctype or head.startswith((b"<!doctype", b"<html")):
        raise _login_page(request, response, common)
    return response.text


def _login_page(
    request: ApiRequest, response: httpx.Response, common: dict[str, Any]
) -> AuthenticationError:
    # ActiveCampaign answers a bad or expired key with its HTML login page and a 200.
    return AuthenticationError(
        f"{request.describe()} -> {response.status_code}: got an HTML page instead of "
        f"{'JSON' if request.expect == 'json' else 'the answer'}; this is how ActiveCampaign "
        "answers a wrong or expired API key (Settings > Developer) or a wrong account URL",
        status_code=response.status_code,
        body=_snippet(response.text),
        **common,
    )
