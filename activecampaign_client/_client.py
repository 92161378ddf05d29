"""The two clients: ``ActiveCampaign`` (sync) and ``AsyncActiveCampaign``, one surface."""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

import httpx

from ._clock import Clock, SystemClock
from ._config import ClientConfig
from ._constants import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_REQUESTS_PER_SECOND,
    DEFAULT_TIMEOUT,
    TRACKCMP_URL,
)
from ._drivers import AsyncDriver, SyncDriver
from ._exceptions import ConfigurationError
from ._flow import FlowContext, Operation
from ._limiter import RateLimiter
from ._methods import D
from ._requests import ApiRequest
from ._retry import RetryPolicy
from .resources import (
    BulkImport,
    ContactLists,
    Contacts,
    ContactTags,
    EventTracking,
    Fields,
    FieldValues,
    Lists,
    SiteTracking,
    Tags,
)

__all__ = ["ActiveCampaign", "AsyncActiveCampaign"]

T = TypeVar("T")
Self = TypeVar("Self", bound="ActiveCampaign")
AsyncSelf = TypeVar("AsyncSelf", bound="AsyncActiveCampaign")


def _one_request(request: ApiRequest) -> Operation[Any]:
    """A bare request as an operation: its answer's decoded JSON is the result."""
    data = yield request
    return data


def _operation(operation: Operation[T] | ApiRequest) -> Operation[Any]:
    return _one_request(operation) if isinstance(operation, ApiRequest) else operation


def _flow_context(
    api_url: str,
    api_key: str,
    *,
    actid: str | None,
    event_key: str | None,
    timeout: float | httpx.Timeout,
    max_retries: int,
    requests_per_second: float | None,
    tracking_requests_per_second: float | None,
    tracking_max_concurrency: int | None,
    tracking_url: str,
    clock: Clock | None,
) -> FlowContext:
    config = ClientConfig.create(
        api_url,
        api_key,
        actid=actid,
        event_key=event_key,
        timeout=timeout,
        tracking_url=tracking_url,
    )
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError("max_retries must be a non-negative integer")
    limiters: dict[str, RateLimiter] = {}
    try:
        if requests_per_second is not None:
            limiters["api"] = RateLimiter(requests_per_second)
            limiters["bulk_import"] = RateLimiter(100, per=60.0)
            limiters["bulk_import_single"] = RateLimiter(20, per=60.0)
        if tracking_requests_per_second is not None:
            limiters["tracking"] = RateLimiter(tracking_requests_per_second)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    concurrency: dict[str, int] = {}
    if tracking_max_concurrency is not None:
        if (
            isinstance(tracking_max_concurrency, bool)
            or not isinstance(tracking_max_concurrency, int)
            or tracking_max_concurrency < 1
        ):
            raise ConfigurationError("tracking_max_concurrency must be a positive integer or None")
        concurrency["tracking"] = tracking_max_concurrency
    return FlowContext(
        config=config,
        retry=RetryPolicy(max_retries=max_retries),
        clock=clock or SystemClock(),
        limiters=limiters,
        concurrency=concurrency,
    )


class _ClientBase(Generic[D]):
    """Resources shared by both clients; ``D`` decides whether calls block or await."""

    _driver: D
    _owns_http: bool

    @property
    def config(self) -> ClientConfig:
        """Validated settings (account origin, timeouts); secrets are hidden from its repr."""
        return self._driver.ctx.config

    @property
    def clock(self) -> Clock:
        """The clock that paces requests (real time unless one was given)."""
        return self._driver.ctx.clock

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._driver.ctx.requests_sent

    @cached_property
    def contacts(self) -> Contacts[D]:
        """Contacts: sync (upsert), create, get, update, delete, list."""
        return Contacts(self._driver)

    @cached_property
    def tags(self) -> Tags[D]:
        """Tags: create, get, delete, list."""
        return Tags(self._driver)

    @cached_property
    def contact_tags(self) -> ContactTags[D]:
        """Tags on contacts: add, remove, list."""
        return ContactTags(self._driver)

    @cached_property
    def fields(self) -> Fields[D]:
        """Custom fields: list, get."""
        return Fields(self._driver)

    @cached_property
    def field_values(self) -> FieldValues[D]:
        """Custom field values: create, update, list."""
        return FieldValues(self._driver)

    @cached_property
    def lists(self) -> Lists[D]:
        """Mailing lists: list, get."""
        return Lists(self._driver)

    @cached_property
    def contact_lists(self) -> ContactLists[D]:
        """List memberships: subscribe, unsubscribe, list."""
        return ContactLists(self._driver)

    @cached_property
    def event_tracking(self) -> EventTracking[D]:
        """Event tracking: status, enable, disable, list/create/delete events, track."""
        return EventTracking(self._driver)

    @cached_property
    def site_tracking(self) -> SiteTracking[D]:
        """Site tracking: status, enable, disable, list/add/remove whitelisted domains."""
        return SiteTracking(self._driver)

    @cached_property
    def bulk_import(self) -> BulkImport[D]:
        """Bulk import: import_contacts (1-250), status, overview."""
        return BulkImport(self._driver)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api_url={str(self.config.origin)!r})"


class ActiveCampaign(_ClientBase[SyncDriver]):
    """Synchronous ActiveCampaign v3 client. Thread-safe; one rate budget per instance.

    ``api_url`` is the account URL from Settings > Developer (``/api/3`` optional).
    ``actid`` and ``event_key`` are needed only for ``event_tracking.track``.
    ``requests_per_second`` caps calls to the account host (None: no cap); trackcmp.net
    calls are capped separately by ``tracking_requests_per_second`` (None: no cap), and
    ``tracking_max_concurrency`` caps how many of them are in flight at once, across every
    thread or task using the client (None: no cap). ``tracking_url`` is where events
    are recorded (``https://trackcmp.net/event``; https, or http on loopback only).
    ``clock`` replaces real time, e.g. with the emulator's simulated clock.
    """

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        actid: str | None = None,
        event_key: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        http_client: httpx.Client | None = None,
        tracking_requests_per_second: float | None = None,
        tracking_max_concurrency: int | None = None,
        tracking_url: str = TRACKCMP_URL,
        clock: Clock | None = None,
    ) -> None:
        ctx = _flow_context(
            api_url,
            api_key,
            actid=actid,
            event_key=event_key,
            timeout=timeout,
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            tracking_requests_per_second=tracking_requests_per_second,
            tracking_max_concurrency=tracking_max_concurrency,
            tracking_url=tracking_url,
            clock=clock,
        )
        self._owns_http = http_client is None
        self._driver = SyncDriver(http_client or httpx.Client(), ctx)

    @overload
    def run(self, operation: ApiRequest) -> Any: ...
    @overload
    def run(self, operation: Operation[T]) -> T: ...
    def run(self, operation: Operation[T] | ApiRequest) -> Any:
        """Run a pure operation (``client.x.y.operation(...)``, a composition of them, or
        ``PageQuery(...).collect()``), or send one ``ApiRequest`` and get its decoded JSON:
        the way to endpoints the client does not wrap (deals, accounts, automations), with
        the same rate budget, retries, errors and secrets handling as every other call."""
        return self._driver.run(_operation(operation))

    def close(self) -> None:
        """Close the HTTP connection pool, if this client created it."""
        if self._owns_http:
            self._driver.http.close()

    def __enter__(self: Self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncActiveCampaign(_ClientBase[AsyncDriver]):
    """Asynchronous ActiveCampaign v3 client: the same resources, as coroutines and
    async iterators. Task-safe; one rate budget per instance. Arguments as ActiveCampaign.
    """

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        actid: str | None = None,
        event_key: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        http_client: httpx.AsyncClient | None = None,
        tracking_requests_per_second: float | None = None,
        tracking_max_concurrency: int | None = None,
        tracking_url: str = TRACKCMP_URL,
        clock: Clock | None = None,
    ) -> None:
        ctx = _flow_context(
            api_url,
            api_key,
            actid=actid,
            event_key=event_key,
            timeout=timeout,
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            tracking_requests_per_second=tracking_requests_per_second,
            tracking_max_concurrency=tracking_max_concurrency,
            tracking_url=tracking_url,
            clock=clock,
        )
        self._owns_http = http_client is None
        self._driver = AsyncDriver(http_client or httpx.AsyncClient(), ctx)

    @overload
    async def run(self, operation: ApiRequest) -> Any: ...
    @overload
    async def run(self, operation: Operation[T]) -> T: ...
    async def run(self, operation: Operation[T] | ApiRequest) -> Any:
        """Run a pure operation, or send one ``ApiRequest`` and get its decoded JSON (see
        ``ActiveCampaign.run``)."""
        return await self._driver.run(_operation(operation))

    async def aclose(self) -> None:
        """Close the HTTP connection pool, if this client created it."""
        if self._owns_http:
            await self._driver.http.aclose()

    async def __aenter__(self: AsyncSelf) -> AsyncSelf:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
