"""From an httpx.Request to a handler's answer: parsing, the Api-Token check, the account
rate limit and the routing table. Pure apart from the state and the window it is given."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import parse_qsl, unquote

import httpx

from .._constants import API_PREFIX, TRACKCMP_URL
from . import (
    _handlers_catalog,
    _handlers_contact_search,
    _handlers_contacts,
    _handlers_fields,
    _handlers_import,
    _handlers_tracking,
)
from ._limits import SlidingWindow
from ._pages import LOGIN_PAGE
from ._state import AccountState
from ._wire import EmuRequest, EmuResponse, Handler

__all__ = ["API_PREFIX", "TRACKCMP_HOST", "TRACKING_PATH", "Router", "parse_request"]

TRACKCMP_HOST = httpx.URL(TRACKCMP_URL).host
TRACKING_PATH = httpx.URL(TRACKCMP_URL).path
"""trackcmp's path, also served on the account host: one local server can stand for both
(a client's ``tracking_url`` pointing at ``http://127.0.0.1:PORT/event``)."""

_Route = tuple[str, tuple[str, ...], Handler]


def _compile(routes: Sequence[tuple[str, str, Handler]]) -> list[_Route]:
    return [(method, tuple(path.split("/")), handler) for method, path, handler in routes]


_API_ROUTES = _compile(
    [
        *_handlers_contact_search.ROUTES,
        *_handlers_contacts.ROUTES,
        *_handlers_catalog.ROUTES,
        *_handlers_fields.ROUTES,
        *_handlers_tracking.ROUTES,
        *_handlers_import.ROUTES,
    ]
)
_TRACKCMP_ROUTES = _compile(_handlers_tracking.TRACKING_ROUTES)


def parse_request(request: httpx.Request, account_host: str) -> EmuRequest:
    """Read method, host, decoded path segments, query, JSON or form body, Api-Token."""
    raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0].strip("/")
    segments = [unquote(s) for s in raw_path.split("/")] if raw_path else []
    prefix = API_PREFIX.strip("/").split("/")
    if request.url.host == account_host and segments[: len(prefix)] == prefix:
        segments = segments[len(prefix) :]
    content_type = request.headers.get("content-type", "")
    body = request.content
    data, json_error, form = None, False, {}
    if "json" in content_type and body:
        try:
            data = json.loads(body)
        except ValueError:
            json_error = True
    elif "x-www-form-urlencoded" in content_type and body:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    return EmuRequest(
        method=request.method,
        host=request.url.host,
        path=request.url.path,
        segments=tuple(segments),
        params=dict(request.url.params.multi_items()),
        json=data,
        json_error=json_error,
        form=form,
        api_token=request.headers.get("api-token"),
    )


def _match(routes: list[_Route], request: EmuRequest) -> Handler | None:
    for method, pattern, handler in routes:
        if method != request.method or len(pattern) != len(request.segments):
            continue
        args = []
        for expected, actual in zip(pattern, request.segments, strict=True):
            if expected == "{}":
                args.append(actual)
            elif expected != actual:
                break
        else:
            return _bind(handler, tuple(args))
    return None


def _bind(handler: Handler, args: tuple[str, ...]) -> Handler:
    def bound(state: AccountState, request: EmuRequest) -> EmuResponse:
        return handler(state, replace(request, args=args))

    return bound


def _unknown(request: EmuRequest) -> EmuResponse:
    return EmuResponse(
        404, {"message": f"No Result found for route {request.method} {request.path}"}
    )


class Router:
    """Serves one account: checks the Api-Token, spends the rate window, dispatches."""

    def __init__(self, state: AccountState, window: SlidingWindow | None) -> None:
        self.state = state
        self.window = window

    def respond(self, request: EmuRequest) -> EmuResponse:
        """The answer to a request for the account host or trackcmp.net (whose ``/event``
        the account host serves too)."""
        if request.host == TRACKCMP_HOST or request.path == TRACKING_PATH:
            handler = _match(_TRACKCMP_ROUTES, request)
            return handler(self.state, request) if handler else _unknown(request)
        if not request.path.startswith(API_PREFIX + "/"):
            return _unknown(request)
        if request.api_token != self.state.api_key:
            return EmuResponse(200, text=LOGIN_PAGE, content_type="text/html; charset=UTF-8")
        now = self.state.now()
        if self.window is not None and not self.window.admit(now):
            body = {
                "message": f"Too Many Requests: at most {self.window.burst} requests per "
                f"{self.window.window:g} s per account"
            }
            retry = str(self.window.retry_after(now))
            return EmuResponse(429, body, headers={"Retry-After": retry})
        handler = _match(_API_ROUTES, request)
        return handler(self.state, request) if handler else _unknown(request)
