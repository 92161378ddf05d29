"""From a client's arguments to the context its requests run in: settings checked once,
budgets, retry policy, per-client overrides (``with_options``), and the proxy rule for
loopback accounts. Used by both clients (``_client``)."""

from __future__ import annotations

import dataclasses
import urllib.request
from typing import Any, TypedDict, TypeVar

import httpx

from ._budgets import account_limiters
from ._clock import Clock, SystemClock
from ._config import ClientConfig, as_timeout, credentials_from_environment
from ._constants import (
    DEFAULT_TIMEOUT,
)
from ._exceptions import ConfigurationError
from ._flow import FlowContext, Operation
from ._limiter import RateLimiter
from ._requests import ApiRequest, default_headers
from ._retry import RetryPolicy

__all__ = [
    "ClientOverrides",
    "checked_deadline",
    "flow_context",
    "no_proxy_mounts",
    "operation_of",
    "overridden",
    "refuse_env_proxy",
]

T = TypeVar("T")


def _one_request(request: ApiRequest) -> Operation[Any]:
    """A bare request as an operation: its answer's decoded JSON is the result."""
    data = yield request
    return data


def operation_of(operation: Operation[T] | ApiRequest) -> Operation[Any]:
    return _one_request(operation) if isinstance(operation, ApiRequest) else operation


class ClientOverrides(TypedDict, total=False):
    """What ``with_options`` may change: the client's ``timeout`` (seconds or an
    httpx.Timeout), ``deadline`` (seconds a call may take, None: no limit) and
    ``max_retries``."""

    timeout: float | httpx.Timeout
    deadline: float | None
    max_retries: int


def overridden(ctx: FlowContext, overrides: ClientOverrides) -> FlowContext:
    """``ctx`` with ``overrides`` applied; the budgets, slots and clock stay shared."""
    unknown = set(overrides) - set(ClientOverrides.__annotations__)
    if unknown:
        raise ConfigurationError(
            f"with_options takes {', '.join(ClientOverrides.__annotations__)}; "
            f"not {', '.join(sorted(unknown))}"
        )
    config, retry, deadline = ctx.config, ctx.retry, ctx.deadline
    if "timeout" in overrides:
        try:
            config = config.with_timeout(as_timeout(overrides["timeout"]))
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
    if "max_retries" in overrides:
        retry = RetryPolicy(max_retries=_checked_retries(overrides["max_retries"]))
    if "deadline" in overrides:
        deadline = checked_deadline(overrides["deadline"])
    return dataclasses.replace(ctx, config=config, retry=retry, deadline=deadline, requests_sent=0)


def _checked_retries(max_retries: object) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError("max_retries must be a non-negative integer")
    return max_retries


def checked_deadline(deadline: object) -> float | None:
    if deadline is not None and (
        isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or not deadline > 0
    ):
        raise ConfigurationError("deadline must be a positive number of seconds or None")
    return None if deadline is None else float(deadline)


def flow_context(
    api_url: str | None,
    api_key: str | None,
    *,
    actid: str | None,
    event_key: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int,
    requests_per_second: float | None,
    rate_limiter: RateLimiter | None,
    deadline: float | None,
    tracking_requests_per_second: float | None,
    tracking_max_concurrency: int | None,
    tracking_url: str,
    clock: Clock | None,
    http_client: httpx.Client | httpx.AsyncClient | None,
) -> FlowContext:
    if timeout is None:  # the user's http_client's, or ours
        timeout = http_client.timeout if http_client is not None else DEFAULT_TIMEOUT
    found = credentials_from_environment(api_url, api_key, actid, event_key)
    config = ClientConfig.create(
        found.api_url,
        found.api_key,
        actid=found.actid,
        event_key=found.event_key,
        timeout=timeout,
        tracking_url=tracking_url,
    )
    if http_client is not None:
        refuse_env_proxy(config, http_client)
    max_retries = _checked_retries(max_retries)
    deadline = checked_deadline(deadline)
    if rate_limiter is not None and not isinstance(rate_limiter, RateLimiter):
        raise ConfigurationError("rate_limiter must be a RateLimiter or None")
    clock = clock or SystemClock()
    try:
        limiters = account_limiters(str(config.origin), clock, requests_per_second, rate_limiter)
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
        clock=clock,
        limiters=limiters,
        concurrency=concurrency,
        deadline=deadline,
        client_headers=default_headers(http_client.headers) if http_client is not None else (),
    )


def refuse_env_proxy(config: ClientConfig, http_client: httpx.Client | httpx.AsyncClient) -> None:
    """A plain-http origin (loopback) must not go through a proxy: the Api-Token and the
    event key would cross it in clear. A client we make never proxies those origins; one
    given to us that trusts the environment would, if a proxy variable names one."""
    if not http_client.trust_env:
        return
    proxies = urllib.request.getproxies()
    for url in config.plain_http_origins():
        if (proxies.get("http") or proxies.get("all")) and not urllib.request.proxy_bypass(
            url.netloc.decode("ascii")
        ):
            raise ConfigurationError(
                f"http_client would send requests for {url.scheme}://{url.netloc.decode()} "
                "through the proxy named in the environment (HTTP_PROXY or ALL_PROXY), "
                "with the key in clear: pass an http_client made with trust_env=False, or "
                "none (the client then makes one that never proxies plain http)"
            )


def no_proxy_mounts(config: ClientConfig) -> dict[str, None]:
    """Mounts routing plain-http origins (loopback only) straight to the default transport,
    whatever proxy the environment names; https traffic follows the environment."""
    return {f"http://{url.netloc.decode('ascii')}": None for url in config.plain_http_origins()}
