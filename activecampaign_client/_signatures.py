"""What a resource method's signature is on each client, worked out from its operation.

A method is written once as ``def get(self, tag_id) -> Operation[Tag]`` (or, for a listing,
``-> PageQuery[Tag]``). On the sync client the call returns ``Tag`` (a ``Listing[Tag]``),
on the async client a ``Coroutine[Any, Any, Tag]`` (an ``AsyncListing[Tag]``): this module
rewrites the signature accordingly, once per method and client, for ``inspect.signature``
and ``help()``.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from ._listing import AsyncListing, Listing
from ._pagination import Page
from ._raw import RawResponse

__all__ = ["Kind", "call_signature"]

Kind = Literal[
    "sync", "async", "sync_list", "async_list", "raw", "raw_async", "raw_list", "raw_async_list"
]
"""How a client serves a method: a result, a coroutine, a Listing or an AsyncListing; or
(``with_raw_response``) a RawResponse of the result or of the first Page, or a coroutine
of one."""

# The annotation as written, when it cannot be evaluated: "Operation[Tag]" -> "Tag".
_WRITTEN = re.compile(r"^\s*(?:Operation|PageQuery)\[(?P<inner>.*)\]\s*$")


def _result(annotation: Any) -> Any:
    """``T`` of ``Operation[T]`` (a ``Generator[ApiRequest, Any, T]``) or ``PageQuery[T]``."""
    if isinstance(annotation, str):
        match = _WRITTEN.match(annotation)
        return match["inner"] if match else annotation
    args = typing.get_args(annotation)
    return args[-1] if args else annotation


# As text, for an annotation that could not be evaluated.
_WRAPPERS = {
    "sync": "{}",
    "async": "Coroutine[Any, Any, {}]",
    "sync_list": "Listing[{}]",
    "async_list": "AsyncListing[{}]",
    "raw": "RawResponse[{}]",
    "raw_async": "Coroutine[Any, Any, RawResponse[{}]]",
    "raw_list": "RawResponse[Page[{}]]",
    "raw_async_list": "Coroutine[Any, Any, RawResponse[Page[{}]]]",
}


def _served(result: Any, kind: Kind) -> Any:
    if isinstance(result, str):
        return _WRAPPERS[kind].format(result)
    if kind.endswith("list"):
        result = Listing[result] if kind == "sync_list" else AsyncListing[result]
        if kind.startswith("raw"):
            result = RawResponse[Page[result.__args__[0]]]
    elif kind.startswith("raw"):
        result = RawResponse[result]
    return (
        Coroutine[Any, Any, result] if kind in ("async", "raw_async", "raw_async_list") else result
    )


@functools.cache
def call_signature(fn: Callable[..., Any], kind: Kind, *, bound: bool) -> inspect.Signature:
    """The signature of ``fn`` as served by a client of ``kind``; without ``self`` when
    ``bound`` (a method of a resource instance), with it for the resource's class."""
    try:
        signature = inspect.signature(fn, eval_str=True)
    except (NameError, SyntaxError, TypeError):
        signature = inspect.signature(fn)
    parameters = list(signature.parameters.values())
    if bound:
        parameters = parameters[1:]
    served = _served(_result(signature.return_annotation), kind)
    return signature.replace(parameters=parameters, return_annotation=served)
