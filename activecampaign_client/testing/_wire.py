"""What handlers see and return: a parsed request, a response, and the API's common answers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ._state import AccountState

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "EmuRequest",
    "EmuResponse",
    "Handler",
    "bad_request",
    "invalid",
    "json_response",
    "not_found",
    "page",
    "page_window",
]

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

T = TypeVar("T")


@dataclass(frozen=True)
class EmuRequest:
    """A request as the emulator reads it.

    ``segments`` are the percent-decoded path segments after ``/api/3`` (account host) or
    of the whole path (other hosts); ``args`` are the ones matched by ``{}`` in a route.
    ``json`` is the parsed JSON body (None when absent; ``json_error`` when unparseable).
    """

    method: str
    host: str
    path: str
    segments: tuple[str, ...] = ()
    params: Mapping[str, str] = field(default_factory=dict)
    json: Any = None
    json_error: bool = False
    form: Mapping[str, str] = field(default_factory=dict)
    api_token: str | None = None
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class EmuResponse:
    """An answer: a JSON ``body``, or raw ``text`` (HTML pages, malformed JSON)."""

    status: int
    body: Any = None
    text: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


Handler = Callable[[AccountState, EmuRequest], EmuResponse]
"""A pure endpoint: state and request in, response out (mutating only the state)."""


def json_response(body: Any, status: int = 200) -> EmuResponse:
    """A JSON answer."""
    return EmuResponse(status, body)


def not_found(kind: str, ident: str) -> EmuResponse:
    """The API's 404: ``{"message": "No Result found for <kind> with id <id>"}``."""
    return EmuResponse(404, {"message": f"No Result found for {kind} with id {ident}"})


def invalid(
    title: str, pointer: str | None = None, *, detail: str = "", code: str = "field_invalid"
) -> EmuResponse:
    """A 422 with one JSON:API error: ``{"errors":[{title, detail, code, source}]}``."""
    error: dict[str, Any] = {"title": title, "detail": detail, "code": code}
    if pointer is not None:
        error["source"] = {"pointer": pointer}
    return EmuResponse(422, {"errors": [error]})


def bad_request(message: str) -> EmuResponse:
    """A 400 as the import endpoints write it: ``{"success": 0, "message": ...}``."""
    return EmuResponse(400, {"success": 0, "message": message})


def _int_param(params: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(params.get(name, default))
    except (TypeError, ValueError):
        return default


def page_window(request: EmuRequest) -> tuple[int, int]:
    """``(limit, offset)``: limit defaults to 20 and is capped at 100; offset to 0."""
    limit = _int_param(request.params, "limit", DEFAULT_PAGE_SIZE)
    if limit <= 0:
        limit = DEFAULT_PAGE_SIZE
    return min(limit, MAX_PAGE_SIZE), max(0, _int_param(request.params, "offset", 0))


def page(
    request: EmuRequest, items: Sequence[T], render: Callable[[T], Any]
) -> tuple[list[Any], dict[str, Any]]:
    """One page of ``items`` per ``page_window``, rendered, with the ``meta`` object
    (``total`` as a string, as the API sends it)."""
    limit, offset = page_window(request)
    chosen = [render(item) for item in items[offset : offset + limit]]
    return chosen, {"total": str(len(items))}
