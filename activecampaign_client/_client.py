"""The two clients: ``ActiveCampaign`` (sync) and ``AsyncActiveCampaign``, one surface."""

from __future__ import annotations

from functools import cached_property
from types import TracebackType
from typing import Any, Generic, TypeVar, overload

import httpx
from typing_extensions import Self as _Self
from typing_extensions import Unpack

from ._clock import Clock
from ._config import ClientConfig
from ._constants import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_REQUESTS_PER_SECOND,
    TRACKCMP_URL,
)
from ._drivers import AsyncDriver, SyncDriver
from ._flow import Operation
from ._limiter import RateLimiter
from ._methods import D
from ._raw import RawAsyncDriver, RawSyncDriver
from ._requests import ApiRequest
from ._setup import (
    ClientOverrides,
    flow_context,
    no_proxy_mounts,
    operation_of,
    overridden,
)
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

__all__ = [
    "ActiveCampaign",
    "AsyncActiveCampaign",
    "ClientOverrides",
    "RawActiveCampaign",
    "RawAsyncActiveCampaign",
]

T = TypeVar("T")
Self = TypeVar("Self", bound="ActiveCampaign")
AsyncSelf = TypeVar("AsyncSelf", bound="AsyncActiveCampaign")


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

    @property
    def rate_limited(self) -> int:
        """Answers so far that refused a request for going over a budget (429s)."""
        return self._driver.ctx.rate_limited

    @property
    def rate_limiter(self) -> RateLimiter | None:
        """The account budget this client keeps to (shared with every client of the
        account in this process, or the one you gave); None when it has no cap."""
        return self._driver.ctx.limiters.get("api")

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

    def with_options(self, **overrides: Unpack[ClientOverrides]) -> _Self:
        """A client like this one with another ``timeout``, ``deadline`` or
        ``max_retries``, sharing its connection pool(s), rate budget, slots in flight and
        clock: ``ac.with_options(timeout=120).bulk_import.import_contacts(...)``.

        It owns nothing: closing it closes nothing; close this client when done. Its
        ``requests_sent`` counts its own requests.
        """
        derived = object.__new__(type(self))
        derived._owns_http = False
        derived._driver = self._driver.with_context(overridden(self._driver.ctx, overrides))
        return derived

    def __repr__(self) -> str:
        return f"{type(self).__name__}(api_url={str(self.config.origin)!r})"


class ActiveCampaign(_ClientBase[SyncDriver]):
    """Synchronous ActiveCampaign v3 client. Thread-safe.

    ``api_url`` is the account URL from Settings > Developer (``/api/3`` optional), and
    ``api_key`` the key shown there. ``actid`` and ``event_key`` are needed only for
    ``event_tracking.track``. Not given, the account URL and key are read from
    ``ACTIVECAMPAIGN_API_URL`` and ``ACTIVECAMPAIGN_API_KEY`` (one found nowhere is a
    ConfigurationError naming the variable); so are ``ACTIVECAMPAIGN_ACTID`` and
    ``ACTIVECAMPAIGN_EVENT_KEY`` when the account URL comes from the environment too, so
    that one account's event key is never paired with another's URL.

    ``timeout`` bounds each read, write and connection (a number: seconds, connecting at
    most 5 s; or an httpx.Timeout), and one attempt as a whole, connection to last byte,
    by the longest of them; None: the ``http_client``'s timeout if you pass one, else 30 s
    (connect 5 s). ``deadline`` bounds each call as a whole — every attempt, retry and
    wait — in seconds (None: no limit); ``run(..., deadline=)`` overrides it per run.
    Past either, the call raises APITimeoutError.

    ``requests_per_second`` caps calls to the account (None: no cap). Clients of one
    account in one process share this budget (see ``_budgets``); ``rate_limiter`` gives
    one of your own instead, shared only with the clients you pass it to. trackcmp.net
    calls are capped separately by ``tracking_requests_per_second`` (None: no cap), and
    ``tracking_max_concurrency`` caps how many of them are in flight at once, across every
    thread or task using the client (None: no cap). ``tracking_url`` is where events
    are recorded (``https://trackcmp.net/event``; https, or http on loopback only).

    ``http_client`` is yours: it is not closed with this client, and its default headers
    are sent with every request (ours win for Accept, Accept-Encoding, Content-Type and
    Api-Token; our User-Agent is appended to yours). The client it makes when you give
    none never sends plain-http (loopback) traffic through a proxy.
    ``clock`` replaces real time, e.g. with the emulator's simulated clock.
    """

    def __init__(
        self,
        api_url: str | None = None,
        api_key: str | None = None,
        *,
        actid: str | None = None,
        event_key: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        deadline: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        rate_limiter: RateLimiter | None = None,
        http_client: httpx.Client | None = None,
        tracking_requests_per_second: float | None = None,
        tracking_max_concurrency: int | None = None,
        tracking_url: str = TRACKCMP_URL,
        clock: Clock | None = None,
    ) -> None:
        ctx = flow_context(
            api_url,
            api_key,
            actid=actid,
            event_key=event_key,
            timeout=timeout,
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            rate_limiter=rate_limiter,
            deadline=deadline,
            tracking_requests_per_second=tracking_requests_per_second,
            tracking_max_concurrency=tracking_max_concurrency,
            tracking_url=tracking_url,
            clock=clock,
            http_client=http_client,
        )
        self._owns_http = http_client is None
        if http_client is None:
            http_client = httpx.Client(mounts=no_proxy_mounts(ctx.config))
        self._driver = SyncDriver(http_client, ctx)

    @overload
    def run(self, operation: ApiRequest, *, deadline: float | None = None) -> Any: ...
    @overload
    def run(self, operation: Operation[T], *, deadline: float | None = None) -> T: ...
    def run(self, operation: Operation[T] | ApiRequest, *, deadline: float | None = None) -> Any:
        """Run a pure operation (``client.x.y.operation(...)``, a composition of them, or
        ``PageQuery(...).collect()``), or send one ``ApiRequest`` and get its decoded JSON:
        the way to endpoints the client does not wrap (deals, accounts, automations), with
        the same rate budget, retries, errors and secrets handling as every other call.

        ``deadline``: seconds the whole run may take (default: the client's ``deadline``).
        """
        return self._driver.run(operation_of(operation), deadline=deadline)

    @cached_property
    def with_raw_response(self) -> RawActiveCampaign:
        """This client's resources answering ``RawResponse``s: the HTTP status and headers
        of a call beside ``parse()`` for its result
        (``ac.with_raw_response.contacts.get(5).headers``). A listing answers its first
        page's. Same budget, retries and errors as this client."""
        return RawActiveCampaign(RawSyncDriver(self._driver))

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
    async iterators. Task-safe; arguments as ActiveCampaign.

    One client may serve successive event loops (``asyncio.run`` per batch): the httpx
    client it makes is made per loop, since httpx connections belong to the loop that
    opened them. An ``http_client`` you pass is used as it is: keep it to one loop.
    """

    def __init__(
        self,
        api_url: str | None = None,
        api_key: str | None = None,
        *,
        actid: str | None = None,
        event_key: str | None = None,
        timeout: float | httpx.Timeout | None = None,
        deadline: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        requests_per_second: float | None = DEFAULT_REQUESTS_PER_SECOND,
        rate_limiter: RateLimiter | None = None,
        http_client: httpx.AsyncClient | None = None,
        tracking_requests_per_second: float | None = None,
        tracking_max_concurrency: int | None = None,
        tracking_url: str = TRACKCMP_URL,
        clock: Clock | None = None,
    ) -> None:
        ctx = flow_context(
            api_url,
            api_key,
            actid=actid,
            event_key=event_key,
            timeout=timeout,
            max_retries=max_retries,
            requests_per_second=requests_per_second,
            rate_limiter=rate_limiter,
            deadline=deadline,
            tracking_requests_per_second=tracking_requests_per_second,
            tracking_max_concurrency=tracking_max_concurrency,
            tracking_url=tracking_url,
            clock=clock,
            http_client=http_client,
        )
        self._owns_http = http_client is None
        mounts = no_proxy_mounts(ctx.config)
        self._driver = AsyncDriver(http_client, ctx, lambda: httpx.AsyncClient(mounts=mounts))

    @overload
    async def run(self, operation: ApiRequest, *, deadline: float | None = None) -> Any: ...
    @overload
    async def run(self, operation: Operation[T], *, deadline: float | None = None) -> T: ...
    async def run(
        self, operation: Operation[T] | ApiRequest, *, deadline: float | None = None
    ) -> Any:
        """Run a pure operation, or send one ``ApiRequest`` and get its decoded JSON (see
        ``ActiveCampaign.run``).

        ``deadline``: seconds the whole run may take (default: the client's ``deadline``).
        """
        return await self._driver.run(operation_of(operation), deadline=deadline)

    @cached_property
    def with_raw_response(self) -> RawAsyncActiveCampaign:
        """This client's resources answering ``RawResponse``s (coroutines of them; see
        ``ActiveCampaign.with_raw_response``)."""
        return RawAsyncActiveCampaign(RawAsyncDriver(self._driver))

    async def aclose(self) -> None:
        """Close the HTTP connection pool(s), if this client created them."""
        if self._owns_http:
            await self._driver.aclose(given_too=True)

    async def __aenter__(self: AsyncSelf) -> AsyncSelf:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


class RawActiveCampaign(_ClientBase[RawSyncDriver]):
    """``ActiveCampaign.with_raw_response``: the same resources, each call answering a
    ``RawResponse`` (status, headers, body, ``parse()``). It runs on its client."""

    def __init__(self, driver: RawSyncDriver) -> None:
        self._driver = driver
        self._owns_http = False


class RawAsyncActiveCampaign(_ClientBase[RawAsyncDriver]):
    """``AsyncActiveCampaign.with_raw_response``: the same resources, each call a
    coroutine of a ``RawResponse``. It runs on its client."""

    def __init__(self, driver: RawAsyncDriver) -> None:
        self._driver = driver
        self._owns_http = False
