"""One definition per API method, served to both clients.

A resource method is written once as a pure operation (a generator yielding requests).
``api_method`` / ``api_list`` turn it into a descriptor that binds to a sync method on
``ActiveCampaign`` resources and to a coroutine (or async iterator) on
``AsyncActiveCampaign`` ones, with the original signature and docstring. Every bound method
also exposes ``.operation(...)``, the pure form, so callers like the RudderStack mapper can
compose several calls into one operation and run it on either client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from ._drivers import AsyncDriver, SyncDriver
from ._flow import Operation
from ._pagination import PageQuery

__all__ = [
    "AsyncListMethod",
    "AsyncMethod",
    "Resource",
    "SyncListMethod",
    "SyncMethod",
    "api_list",
    "api_method",
]

P = ParamSpec("P")
T = TypeVar("T")
D = TypeVar("D", SyncDriver, AsyncDriver)


def _copy_metadata(target: object, fn: Callable[..., Any]) -> None:
    # What functools.update_wrapper does, for objects that are not functions themselves:
    # help(), IDEs and inspect.signature then show the operation's docs and parameters.
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(target, name, getattr(fn, name, None))
    target.__dict__["__wrapped__"] = fn


class Resource(Generic[D]):
    """A family of endpoints (contacts, tags, ...) bound to one client's driver."""

    def __init__(self, driver: D) -> None:
        self._driver: D = driver

    def __repr__(self) -> str:
        return f"<{type(self).__name__} resource>"


class _Bound(Generic[P, T]):
    def __init__(self, resource: Resource[Any], fn: Callable[Concatenate[Any, P], T]) -> None:
        self._resource = resource
        self._fn = fn
        _copy_metadata(self, fn)

    def operation(self, *args: P.args, **kwargs: P.kwargs) -> T:
        """The pure form of this call: an operation to compose or run with ``client.run``."""
        return self._fn(self._resource, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<method {type(self._resource).__name__}.{self._fn.__name__}>"


class SyncMethod(_Bound[P, Operation[T]]):
    """A resource method on the sync client: calling it performs the request(s)."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        driver: SyncDriver = self._resource._driver
        return driver.run(self.operation(*args, **kwargs))


class AsyncMethod(_Bound[P, Operation[T]]):
    """A resource method on the async client: a coroutine performing the request(s)."""

    async def __call__(self, *args: P.args, **kwargs: P.kwargs) -> T:
        driver: AsyncDriver = self._resource._driver
        return await driver.run(self.operation(*args, **kwargs))


class _BoundList(Generic[P, T]):
    def __init__(
        self, resource: Resource[Any], fn: Callable[Concatenate[Any, P], PageQuery[T]]
    ) -> None:
        self._resource = resource
        self._fn = fn
        _copy_metadata(self, fn)

    def query(self, *args: P.args, **kwargs: P.kwargs) -> PageQuery[T]:
        """The listing as a PageQuery (path, filters, parser) for custom paging."""
        return self._fn(self._resource, *args, **kwargs)

    def operation(self, *args: P.args, **kwargs: P.kwargs) -> Operation[list[T]]:
        """The pure form: an operation collecting every page into a list."""
        return self.query(*args, **kwargs).collect()


class SyncListMethod(_BoundList[P, T]):
    """A listing on the sync client: an iterator that fetches pages as it goes."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        driver: SyncDriver = self._resource._driver
        query = self.query(*args, **kwargs)

        def pages() -> Iterator[T]:
            cursor = query.cursor()
            while not cursor.done:
                yield from driver.run(cursor.next_page())

        return pages()


class AsyncListMethod(_BoundList[P, T]):
    """A listing on the async client: an async iterator (``async for``) over every page."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> AsyncIterator[T]:
        driver: AsyncDriver = self._resource._driver
        query = self.query(*args, **kwargs)

        async def pages() -> AsyncIterator[T]:
            cursor = query.cursor()
            while not cursor.done:
                for item in await driver.run(cursor.next_page()):
                    yield item

        return pages()


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
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        if isinstance(obj._driver, AsyncDriver):
            return AsyncMethod(obj, self._fn)
        return SyncMethod(obj, self._fn)


class api_list(Generic[P, T]):
    """Decorator: a PageQuery builder becomes an auto-paginating (async) iterator."""

    def __init__(self, fn: Callable[Concatenate[Any, P], PageQuery[T]]) -> None:
        self._fn = fn
        _copy_metadata(self, fn)

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> api_list[P, T]: ...
    @overload
    def __get__(self, obj: Resource[SyncDriver], owner: type[Any]) -> SyncListMethod[P, T]: ...
    @overload
    def __get__(self, obj: Resource[AsyncDriver], owner: type[Any]) -> AsyncListMethod[P, T]: ...
    def __get__(self, obj: Resource[Any] | None, owner: type[Any]) -> Any:
        if obj is None:
            return self
        if isinstance(obj._driver, AsyncDriver):
            return AsyncListMethod(obj, self._fn)
        return SyncListMethod(obj, self._fn)
