"""Options every method takes for one call: extra headers, extra query parameters, a timeout.

    ac.contacts.get(5, timeout=2.0, extra_headers={"X-Trace": "abc"})

They apply to every request the call makes (a listing's pages, a helper's two requests),
as a pure wrapper around the call's operation: ``with_call_options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypedDict, TypeVar

import httpx

from ._config import as_timeout
from ._exceptions import InvalidInputError
from ._flow import Operation
from ._requests import ApiRequest

__all__ = ["CallOptions", "RequestOptions", "with_call_options"]

T = TypeVar("T")


class RequestOptions(TypedDict, total=False):
    """The options of one call, accepted by every resource method as keyword arguments.

    ``extra_headers`` are sent besides the client's (they may not set ``Api-Token``,
    ``Host``, ``Content-Type``, ``Content-Length``, ``Transfer-Encoding`` or
    ``Accept-Encoding``, which the client owns); ``extra_query`` parameters are added to
    each request's query (an endpoint's filter the method does not name, say);
    ``timeout`` replaces the client's for this call (seconds, or an ``httpx.Timeout``).
    """

    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, str | int]
    timeout: float | httpx.Timeout


# What the client writes itself: the key (to its own host only), and the framing and
# coding of bodies it encodes and the answers it inflates under its size cap.
_OWNED_HEADERS = frozenset(
    {"api-token", "host", "content-type", "content-length", "transfer-encoding", "accept-encoding"}
)


def _pairs(value: object, name: str) -> tuple[tuple[str, Any], ...]:
    if not isinstance(value, Mapping):
        raise InvalidInputError(name, f"must be a mapping, not {type(value).__name__}")
    pairs = []
    for key, item in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidInputError(name, f"has a key that is not a name: {key!r}")
        pairs.append((key, item))
    return tuple(pairs)


@dataclass(frozen=True)
class CallOptions:
    """``RequestOptions``, validated: what ``apply`` adds to each request of a call."""

    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str | int], ...] = ()
    timeout: httpx.Timeout | None = None

    @classmethod
    def take(cls, kwargs: dict[str, Any]) -> CallOptions | None:
        """Remove the options from a call's keyword arguments; None when there are none."""
        if not any(name in kwargs for name in RequestOptions.__annotations__):
            return None
        headers = _pairs(kwargs.pop("extra_headers", {}), "extra_headers")
        for key, value in headers:
            if key.lower() in _OWNED_HEADERS:
                raise InvalidInputError("extra_headers", f"may not set {key}: the client does")
            if not isinstance(value, str) or any(c in value for c in "\r\n\x00"):
                raise InvalidInputError("extra_headers", f"{key} must be one line of text")
        query = _pairs(kwargs.pop("extra_query", {}), "extra_query")
        for key, value in query:
            if isinstance(value, bool) or not isinstance(value, (str, int)):
                raise InvalidInputError("extra_query", f"{key} must be a string or an integer")
        timeout = None
        if "timeout" in kwargs:
            try:
                timeout = as_timeout(kwargs.pop("timeout"))
            except ValueError as exc:
                raise InvalidInputError("timeout", str(exc).removeprefix("timeout ")) from None
        return cls(headers=headers, query=query, timeout=timeout)

    def apply(self, request: ApiRequest) -> ApiRequest:
        """``request`` with these options added (its own values give way to them)."""
        params = request.params
        if self.query:
            params = {**(params or {}), **dict(self.query)}
        return replace(
            request,
            params=params,
            headers=request.headers + self.headers,
            timeout=self.timeout or request.timeout,
        )


def with_call_options(operation: Operation[T], options: CallOptions) -> Operation[T]:
    """``operation`` with ``options`` applied to every request it yields; answers and
    errors reach it unchanged."""
    try:
        request = next(operation)
        while True:
            try:
                data = yield options.apply(request)
            except GeneratorExit:
                operation.close()
                raise
            except BaseException as error:  # thrown in by the run: the operation decides
                request = operation.throw(error)
            else:
                request = operation.send(data)
    except StopIteration as stop:
        result: T = stop.value
        return result
