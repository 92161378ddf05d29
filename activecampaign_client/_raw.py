"""Raw responses: a call's HTTP answer (status, headers, body) beside its typed result.

    raw = ac.with_raw_response.contacts.get(5)
    raw.status_code, raw.headers["content-type"]
    contact = raw.parse()                      # the Contact, as ac.contacts.get(5) gives

``with_raw_response`` is a view of the client whose resources run on a raw driver: the
same driver, asked to report every answer its run decodes. An error status still raises
(as on the client itself); an answer the client cannot read as the expected model is kept
for ``parse()`` to raise, so its status and headers can still be looked at.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import httpx

from ._drivers import AsyncDriver, SyncDriver
from ._exceptions import APIResponseValidationError
from ._flow import FlowContext, Operation

__all__ = ["RawAsyncDriver", "RawResponse", "RawSyncDriver"]

T = TypeVar("T")


def _without_secrets(response: httpx.Response) -> httpx.Response:
    """The answer as the user may keep it: its request without the Api-Token header (and
    without its body, where trackcmp's event key travels)."""
    request = response.request
    headers = [(k, v) for k, v in request.headers.items() if k.lower() != "api-token"]
    return httpx.Response(
        response.status_code,
        headers=response.headers,
        content=response.content,
        request=httpx.Request(request.method, request.url, headers=headers),
    )


class RawResponse(Generic[T]):
    """The HTTP answer of a call, and ``parse()`` for its typed result.

    ``http_response`` is the answer the result was read from (the last, when a call made
    several requests: a helper's lookup then its change, a listing's page); ``responses``
    are all of them, in order. Their requests carry no Api-Token.
    """

    def __init__(
        self,
        responses: list[httpx.Response],
        result: T | None,
        problem: APIResponseValidationError | None = None,
    ) -> None:
        self.responses: list[httpx.Response] = [_without_secrets(r) for r in responses]
        self._result = result
        self._problem = problem

    @property
    def http_response(self) -> httpx.Response:
        """The answer the result was read from."""
        return self.responses[-1]

    @property
    def status_code(self) -> int:
        """Its HTTP status."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """Its headers (rate-limit and request-id headers, when the API sends them)."""
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        """Its body, decoded from gzip or deflate."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """Its body as text."""
        return self.http_response.text

    def parse(self) -> T:
        """The typed result, as the method gives it without ``with_raw_response``; raises
        APIResponseValidationError when the answer did not fit the model."""
        if self._problem is not None:
            raise self._problem
        return self._result  # type: ignore[return-value]  # None only with a problem

    def __repr__(self) -> str:
        request = self.http_response.request
        return f"<RawResponse {request.method} {request.url.path} -> {self.status_code}>"


def _raw(responses: list[httpx.Response], outcome: Any, problem: Any) -> RawResponse[Any]:
    if problem is not None and not responses:
        raise problem  # nothing was answered: there is no raw response to show
    return RawResponse(responses, outcome, problem)


class RawSyncDriver:
    """Runs operations on a ``SyncDriver``, answering ``RawResponse``s."""

    def __init__(self, driver: SyncDriver) -> None:
        self.driver = driver

    @property
    def ctx(self) -> FlowContext:
        """The underlying driver's context (config, budgets, clock)."""
        return self.driver.ctx

    def with_context(self, ctx: FlowContext) -> RawSyncDriver:
        """The same, on a driver sharing this one's pool and slots, on ``ctx``."""
        return RawSyncDriver(self.driver.with_context(ctx))

    def run(self, operation: Operation[T], *, deadline: float | None = None) -> RawResponse[T]:
        """Drive ``operation`` and return its answers with its result."""
        responses: list[httpx.Response] = []
        try:
            result = self.driver.run(operation, deadline=deadline, seen=responses.append)
        except APIResponseValidationError as problem:
            return _raw(responses, None, problem)
        return RawResponse(responses, result)


class RawAsyncDriver:
    """Runs operations on an ``AsyncDriver``, answering ``RawResponse``s."""

    def __init__(self, driver: AsyncDriver) -> None:
        self.driver = driver

    @property
    def ctx(self) -> FlowContext:
        """The underlying driver's context (config, budgets, clock)."""
        return self.driver.ctx

    def with_context(self, ctx: FlowContext) -> RawAsyncDriver:
        """The same, on a driver sharing this one's pools and slots, on ``ctx``."""
        return RawAsyncDriver(self.driver.with_context(ctx))

    async def run(
        self, operation: Operation[T], *, deadline: float | None = None
    ) -> RawResponse[T]:
        """Drive ``operation`` and return its answers with its result."""
        responses: list[httpx.Response] = []
        try:
            result = await self.driver.run(operation, deadline=deadline, seen=responses.append)
        except APIResponseValidationError as problem:
            return _raw(responses, None, problem)
        return RawResponse(responses, result)
