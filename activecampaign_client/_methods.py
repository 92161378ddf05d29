"""One definition per API method, served to both clients.

A resource method is written once as a pure operation (a generator yielding requests).
``api_method`` / ``api_list`` turn it into a descriptor that binds to a sync method on
``ActiveCampaign`` resources and to a coroutine (or async iterator) on
``AsyncActiveCampaign`` ones. Every bound method also exposes ``.operation(...)``, the
pure form, so callers like the RudderStack mapper can compose several calls into one
operation and run it on either client.

What introspection shows is what a call does on *that* client: ``inspect.signature`` of
``ac.contacts.sync`` reads ``(email, *, ...) -> SyncedContact`` on the sync client and
``-> Coroutine[Any, Any, SyncedContact]`` on the async one, and ``help(ac.contacts)``
lists every method with its arguments (see ``_signatures``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast, overload

from typing_extensions import Self

from ._drivers import AsyncDriver, SyncDriver
from ._flow import Operation
from ._listing import AsyncListing, Listing
from ._options import CallOptions, with_call_options
from ._pagination import Page, PageQuery
from ._raw import RawAsyncDriver, RawResponse, RawSyncDriver
from ._signatures import Kind, call_signature

__all__ = [
    "AsyncListMethod",
    "AsyncMethod",
    "RawAsyncListMethod",
    "RawAsyncMethod",
    "RawListMethod",
    "RawMethod",
    "Resource",
    "SyncListMethod",
    "SyncMethod",
    "api_list",
    "api_method",
]

P = ParamSpec("P")
T = TypeVar("T")
D = TypeVar("D", SyncDriver, AsyncDriver, RawSyncDriver, RawAsyncDriver)
"""How a client runs calls: blocking or awaited, with raw responses or not."""

# The flavour of each driver: what its resources' methods return (see _signatures).
_KINDS: dict[type[Any], tuple[Kind, Kind]] = {
    SyncDriver: ("sync", "sync_list"),
    AsyncDriver: ("async", "async_list"),
    RawSyncDriver: ("raw", "raw_list"),
    RawAsyncDriver: ("raw_async", "raw_async_list"),
}


def _copy_metadata(target: object, fn: Callable[..., Any]) -> None:
    # What functools.update_wrapper does, for objects that are not functions themselves:
    # help() and IDEs show the operation's name and docs.
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(target, name, getattr(fn, name, None))
    target.__dict__["__wrapped__"] = fn


class Resource(Generic[D]):
    """A family of endpoints (contacts, tags, ...) bound to one client's driver.

    An instance belongs to a per-client subclass (``_flavoured``) whose methods describe
    themselves as they behave on that client, for ``help()``; its name, methods and
    behaviour are those of the class it was created as.
    """

    def __new__(cls, driver: D) -> Self:
        return cast(Self, object.__new__(_flavoured(cls, type(driver))))

    def __init__(self, driver: D) -> None:
        self._driver: D = driver

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class _Bound(Generic[P, T]):
    _kind: Kind

    def __init__(self, resource: Resource[Any], fn: Callable[Concatenate[Any, P], T]) -> None:
        self._resource = resource
        self._fn = fn
        _copy_metadata(self, fn)
        if self._kind in ("async", "raw_async"):
            _mark_coroutine_function(self)

    @property
    def __signature__(self) -> inspect.Signature:
        """The call as this client makes it: no ``self``, this client's result type."""
        return call_signature(self._fn, self._kind, bound=True)

    def __get__(self, obj: object, owner: type[Any] | None = None) -> Self:
        # Makes pydoc treat the bound method as a routine: help(ac.contacts.sync) then
        # shows its signature and docs rather than the class of this object.
        return self

    def __repr__(self) -> str:
        return f"<method {type(self._resource).__name__}.{self._fn.__name__}>"


class _BoundOperation(_Bound[P, Operation[T]]):
    def operation(self, *args: P.args, **kwargs: P.kwargs) -> Operation[T]:
        """The pure form of this call: an operation to compose or run with ``client.run``
        (its ``RequestOptions`` applied to every request it makes)."""
        options = CallOptions.take(kwargs)
        operation = self._fn(self._resource, *args, **kwargs)
        return operation if options is None else with_call_options(operation, options)


class SyncMethod(_BoundOperation[P, T]):
    """A resource method on the sync client: calling it performs the request(s)."""

    _kind = "sync"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        driver: SyncDriver = self._resource._driver
        return driver.run(self.operation(*args, **kwargs))


class AsyncMethod(_BoundOperation[P, T]):
    """A resource method on the async client: a coroutine performing the request(s)."""

    _kind = "async"

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        driver: AsyncDriver = self._resource._driver
        return await driver.run(self.operation(*args, **kwargs))


class _BoundList(_Bound[P, PageQuery[T]]):
    def query(self, *args: P.args, **kwargs: P.kwargs) -> PageQuery[T]:
        """The listing as a PageQuery (path, filters, parser) for custom paging."""
        options = CallOptions.take(kwargs)
        query = self._fn(self._resource, *args, **kwargs)
        return query if options is None else replace(query, options=options)

    def operation(self, *args: P.args, **kwargs: P.kwargs) -> Operation[list[T]]:
        """The pure form: an operation collecting every page into a list."""
        return self.query(*args, **kwargs).collect()


class SyncListMethod(_BoundList[P, T]):
    """A listing on the sync client: a ``Listing``, fetching pages as you iterate."""

    _kind = "sync_list"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Listing[T]:
        return Listing(self._resource._driver, self.query(*args, **kwargs))


class AsyncListMethod(_BoundList[P, T]):
    """A listing on the async client: an ``AsyncListing`` (``async for``) over every page."""

    _kind = "async_list"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> AsyncListing[T]:
        return AsyncListing(self._resource._driver, self.query(*args, **kwargs))


class RawMethod(_BoundOperation[P, T]):
    """A resource method of ``ActiveCampaign.with_raw_response``: the call's
    ``RawResponse`` (status, headers, ``parse()`` for the result)."""

    _kind = "raw"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        driver: RawSyncDriver = self._resource._driver
        return driver.run(self.operation(*args, **kwargs))


class RawAsyncMethod(_BoundOperation[P, T]):
    """A resource method of ``AsyncActiveCampaign.with_raw_response``: a coroutine of the
    call's ``RawResponse``."""

    _kind = "raw_async"

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> RawResponse[T]:
        driver: RawAsyncDriver = self._resource._driver
        return await driver.run(self.operation(*args, **kwargs))


class RawListMethod(_BoundList[P, T]):
    """A listing of ``ActiveCampaign.with_raw_response``: the first page's
    ``RawResponse``, whose ``parse()`` is that ``Page``."""

    _kind = "raw_list"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> RawResponse[Page[T]]:
        driver: RawSyncDriver = self._resource._driver
        return driver.run(self.query(*args, **kwargs).fetch())


class RawAsyncListMethod(_BoundList[P, T]):
    """A listing of ``AsyncActiveCampaign.with_raw_response``: a coroutine of the first
    page's ``RawResponse``."""

    _kind = "raw_async_list"

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> RawResponse[Page[T]]:
        driver: RawAsyncDriver = self._resource._driver
        return await driver.run(self.query(*args, **kwargs).fetch())


# The bound method classes of each flavour, by kind.
_BOUND: dict[Kind, type[_Bound[Any, Any]]] = {
    "sync": SyncMethod,
    "async": AsyncMethod,
    "raw": RawMethod,
    "raw_async": RawAsyncMethod,
    "sync_list": SyncListMethod,
    "async_list": AsyncListMethod,
    "raw_list": RawListMethod,
    "raw_async_list": RawAsyncListMethod,
}


def _mark_coroutine_function(target: object) -> None:
    # Python 3.12+: inspect.iscoroutinefunction(ac.contacts.sync) is then True on the
    # async client. Earlier versions have no marker; the signature still says Coroutine.
    mark = getattr(inspect, "markcoroutinefunction", None)
    if mark is not None:
        mark(target)


class api_method(Generic[P, T]):
    """Decorator: a pure operation becomes a sync method or a coroutine, per client."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Operation[T]]) -> None:
        self._fn = fn
        _copy_metadata(self, fn)

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> api_method[P, T]: ...
    @overload
    def __get__(self, obj: Resource[SyncDriver], owner: type[Any]) -> SyncMethod[P, T]: ...
    @overload
    def __get__(self, obj: Resource[AsyncDriver], owner: type[Any]) -> AsyncMethod[P, T]: ...
    @overload
    def __get__(self, obj: Resource[RawSyncDriver], owner: type[Any]) -> RawMethod[P, T]: ...
    @overload
    def __get__(self, obj: Resource[RawAsyncDriver], owner: type[Any]) -> RawAsyncMethod[P, T]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        return _BOUND[_KINDS[type(obj._driver)][0]](obj, self._fn)


class api_list(Generic[P, T]):
    """Decorator: a PageQuery builder becomes a listing that fetches pages as it goes."""

    def __init__(self, fn: Callable[Concatenate[Any, P], PageQuery[T]]) -> None:
        self._fn = fn
        _copy_metadata(self, fn)

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> api_list[P, T]: ...
    @overload
    def __get__(self, obj: Resource[SyncDriver], owner: type[Any]) -> SyncListMethod[P, T]: ...
    @overload
    def __get__(self, obj: Resource[AsyncDriver], owner: type[Any]) -> AsyncListMethod[P, T]: ...
    @overload
    def __get__(self, obj: Resource[RawSyncDriver], owner: type[Any]) -> RawListMethod[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[RawAsyncDriver], owner: type[Any]
    ) -> RawAsyncListMethod[P, T]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        return _BOUND[_KINDS[type(obj._driver)][1]](obj, self._fn)


class _MethodOnClient:
    """A resource method as the class of one client's resources shows it to ``help()``:
    with ``self``, the arguments, and that client's result type. Calling it on a resource
    (``type(ac.contacts).get(ac.contacts, 1)``) calls the method, like a function would."""

    def __init__(self, descriptor: api_method[Any, Any] | api_list[Any, Any], kind: Kind) -> None:
        self._descriptor = descriptor
        self._kind = kind
        _copy_metadata(self, descriptor._fn)

    @property
    def __signature__(self) -> inspect.Signature:
        return call_signature(self._descriptor._fn, self._kind, bound=False)

    def __get__(self, obj: Resource[Any] | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        return self._descriptor.__get__(obj, type(obj))

    def __call__(self, resource: Resource[Any], /, *args: Any, **kwargs: Any) -> Any:
        return self.__get__(resource)(*args, **kwargs)


_FLAVOURED: dict[tuple[type[Any], type[Any]], type[Any]] = {}


def _flavoured(cls: type[Any], driver: type[Any]) -> type[Any]:
    """``cls`` as one client's resources use it: the same class, but whose methods
    describe themselves to ``help()`` as they behave with that client's ``driver``."""
    cls = vars(cls).get("_flavoured_from", cls)  # already one: flavour the original
    found = _FLAVOURED.get((cls, driver))
    if found is not None:
        return found
    namespace: dict[str, Any] = {
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
        "_flavoured_from": cls,
    }
    method_kind, list_kind = _KINDS[driver]
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, api_method):
                namespace[name] = _MethodOnClient(value, method_kind)
            elif isinstance(value, api_list):
                namespace[name] = _MethodOnClient(value, list_kind)
    # Two threads may build it at once; setdefault keeps the first, both are equivalent.
    return _FLAVOURED.setdefault((cls, driver), type(cls.__name__, (cls,), namespace))
