"""From an HTTP request body to the messages to store: pure, so every refusal is testable.

The shape is RudderStack's HTTP API (what its SDKs and the Webhook destination send):
``/v1/batch`` takes ``{"batch": [message, ...]}``, ``/v1/identify`` (track, page, screen,
alias, group) one message whose type the path names, ``/v1/webhook`` one message or an
array. Bodies may be gzip-compressed. JSON must be strict: ``NaN``/``Infinity``, invalid
UTF-8 or nesting past Python's limits refuse the request; nothing of it is stored.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..identity import user_identities
from .store import Incoming

__all__ = ["IntakeError", "IntakeLimits", "decode_body", "messages_for"]

# RudderStack documents 32 KB per event and 4 MB per batch request; its SDKs drop or
# split larger ones, so a larger message here is a client that ignored the contract.
DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024
DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024

SINGLE_TYPES = ("identify", "track", "page", "screen", "alias", "group")


@dataclass(frozen=True)
class IntakeLimits:
    """Caps on what one request may carry (bytes of uncompressed JSON)."""

    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES


class IntakeError(Exception):
    """A request refused as a whole: ``status`` is the HTTP status to answer (400, 413,
    415), ``message`` says what to fix."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def decode_body(raw: bytes, content_encoding: str, limits: IntakeLimits) -> Any:
    """The JSON value of a body, inflated under the request cap when gzip-encoded."""
    coding = content_encoding.strip().lower()
    if coding in ("gzip", "x-gzip"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        try:
            raw = inflater.decompress(raw, limits.max_request_bytes + 1)
        except zlib.error:
            raise IntakeError(400, "the body is not valid gzip") from None
        if len(raw) > limits.max_request_bytes or inflater.unconsumed_tail:
            raise IntakeError(413, _too_large("request", limits.max_request_bytes))
    elif coding not in ("", "identity"):
        raise IntakeError(415, f"Content-Encoding {coding!r} is not supported (use gzip)")
    if len(raw) > limits.max_request_bytes:
        raise IntakeError(413, _too_large("request", limits.max_request_bytes))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IntakeError(400, f"the body is not valid UTF-8 (byte {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise IntakeError(400, f"the body is not valid JSON: {exc.msg} at {exc.pos}") from None
    except ValueError as exc:  # NaN, Infinity, -Infinity; digits beyond Python's limit
        raise IntakeError(400, f"the body is not strict JSON: {exc}") from None
    except RecursionError:
        raise IntakeError(400, "the body is nested deeper than this server accepts") from None


def _too_large(what: str, limit: int) -> str:
    return f"the {what} is larger than {limit:,} bytes of JSON"


def _strict_text(message: Any) -> tuple[str, int]:
    """The message as compact JSON text, and its size in UTF-8 bytes."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return body, len(body.encode("utf-8"))
    except UnicodeEncodeError:
        # A lone surrogate (JSON can escape one) has no UTF-8 form: keep it escaped.
        body = json.dumps(message, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
        return body, len(body)


def _listed(value: Any, kind: str) -> list[Any]:
    if kind == "batch":
        batch = value.get("batch") if isinstance(value, Mapping) else None
        if not isinstance(batch, list):
            raise IntakeError(400, 'a batch must be a JSON object {"batch": [message, ...]}')
        return batch
    if kind == "webhook":
        return value if isinstance(value, list) else [value]
    if not isinstance(value, dict):
        raise IntakeError(400, f"/v1/{kind} takes one message, a JSON object")
    # The path names the type (RudderStack's and Segment's HTTP APIs do the same).
    return [{**value, "type": kind}]


def messages_for(kind: str, value: Any, limits: IntakeLimits) -> list[Incoming]:
    """The messages of a decoded body, each with its messageId (generated when missing),
    who it is about, and its strict-JSON text.

    Messages the mapper would reject (no email, an unsupported type, not an object) are
    kept: the caller is an SDK that cannot fix them, so they end in dead letters with
    their reason. Only a message past the size cap refuses the request (413).
    """
    incoming: list[Incoming] = []
    for position, message in enumerate(_listed(value, kind)):
        if isinstance(message, dict):
            given = message.get("messageId")
            if not isinstance(given, str) or not given.strip():
                message = {**message, "messageId": str(uuid.uuid4())}
            message_id = str(message["messageId"]).strip()
        else:
            message_id = str(uuid.uuid4())
        body, size = _strict_text(message)
        if size > limits.max_message_bytes:
            raise IntakeError(
                413,
                f"message {position} ({message_id}) is larger than "
                f"{limits.max_message_bytes:,} bytes of JSON; nothing was stored",
            )
        incoming.append(Incoming(message_id, user_identities(message), body))
    return incoming
