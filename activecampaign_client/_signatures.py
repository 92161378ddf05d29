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

__all__ = ["Kind", "call_signature"]

Kind = Literal["sync", "async", "sync_list", "async_list"]
"""How a client serves a method: a result, a coroutine, a Listing or an AsyncListing."""

# The annotation as written, when it cannot be evaluated: "Operation[Tag]" -> "Tag".
_WRITTEN = re.compile(r"^\s*(?:Operation|PageQuery)\[(?P<inner>.*)\]\s*$")


def _result(annotation: Any) -> Any:
    """``T`` of ``Operation[T]`` (a ``Generator[ApiRequest, Any, T]``) or ``PageQuery[T]``."""
    if isinstance(annotation, str):
        match = _WRITTEN.match(annotation)
        return match["inner"] if match else annotation
    args = typing.get_args(annotation)
    return args[-1] if args else annotation


def _served(result: Any, kind: Kind) -> Any:
    if kind == "sync":
        return result
    if isinstance(result, str):  # an annotation that could not be evaluated stays text
        wrapper = {"async": "Coroutine[Any, Any, {}]", "sync_list": "Listing[{}]"}
        return wrapper.get(kind, "AsyncListing[{}]").format(result)
    if kind == "async":
        return Coroutine[Any, Any, result]
    if kind == "sync_list":
        return Listing[result]
    return AsyncListing[result]


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
