"""The ingest endpoint: RudderStack's HTTP API, answering 200 once events are committed.

``POST /v1/batch``, ``/v1/identify|track|page|screen|alias|group`` and ``/v1/webhook``,
with HTTP Basic auth (the source write key as user name, any password), optionally
gzip-compressed; ``GET /health`` and ``GET /metrics``. See ``intake`` for what a body may
hold and ``Store.store`` for deduplication by messageId.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from .accounts import Source
from .intake import SINGLE_TYPES, IntakeError, IntakeLimits, decode_body, messages_for
from .metrics import render_metrics
from .store import Store

__all__ = ["IngestSettings", "create_app"]

logger: logging.Logger = logging.getLogger("rudder_mapper.service")

DEFAULT_DEDUP_WINDOW = 24 * 3600.0


@dataclass(frozen=True)
class IngestSettings:
    """Size caps and the messageId deduplication window (seconds)."""

    limits: IntakeLimits = field(default_factory=IntakeLimits)
    dedup_window: float = DEFAULT_DEDUP_WINDOW


SourceLookup = Callable[[str], Source | None]
Wake = Callable[[str], Awaitable[None]]


def _write_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "basic" or not credentials:
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, _, _password = decoded.partition(":")
    return user or None


def _unauthorized() -> Response:
    return JSONResponse(
        {
            "error": "unknown or missing write key: use HTTP Basic auth with the source write "
            "key as user name"
        },
        status_code=401,
        headers={"WWW-Authenticate": 'Basic realm="rudder-activecampaign"'},
    )


async def _read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise IntakeError(413, f"the request is larger than {cap:,} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise IntakeError(413, f"the request is larger than {cap:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    store: Store, find_source: SourceLookup, wake: Wake, settings: IngestSettings
) -> Starlette:
    """The ASGI application. ``find_source`` maps a write key to its account (None:
    unknown, 401); ``wake`` is called with an account once its events are committed,
    to start a delivery (a failure there is logged: the sweeper starts it anyway)."""

    async def accept(request: Request) -> Response:
        kind = request.path_params["kind"]
        if kind not in ("batch", "webhook", *SINGLE_TYPES):
            return JSONResponse({"error": f"unknown endpoint /v1/{kind}"}, status_code=404)
        write_key = _write_key(request)
        source = find_source(write_key) if write_key else None
        if source is None:
            return _unauthorized()
        try:
            raw = await _read_capped(request, settings.limits.max_request_bytes)
            value = decode_body(raw, request.headers.get("content-encoding", ""), settings.limits)
            messages = messages_for(kind, value, settings.limits)
        except IntakeError as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        stored = await store.store(source.id, source.account, messages, settings.dedup_window)
        if stored:
            try:
                await wake(source.account)
            except Exception:  # the sweeper finds the account's events within seconds
                logger.warning("could not start a delivery for %s at once", source.account)
        return JSONResponse(
            {
                "ok": True,
                "received": len(messages),
                "stored": stored,
                "duplicates": len(messages) - stored,
            }
        )

    async def health(request: Request) -> Response:
        try:
            await store.database_time()
        except Exception as exc:
            return JSONResponse({"ok": False, "database": type(exc).__name__}, status_code=503)
        return JSONResponse({"ok": True})

    async def metrics(request: Request) -> Response:
        body, content_type = await render_metrics(store)
        return PlainTextResponse(body, media_type=content_type)

    return Starlette(
        routes=[
            Route("/v1/{kind}", accept, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ]
    )
