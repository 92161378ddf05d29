"""One test body for both clients: ``await api(api.tags.create, "vip")`` works either way."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterable, Callable, Iterable
from typing import Any

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign


class Api:
    """Wraps a sync or async client: calls are awaited only when they are coroutines."""

    def __init__(self, client: ActiveCampaign | AsyncActiveCampaign) -> None:
        self.client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.client, name)

    async def __call__(self, method: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        return await result if inspect.isawaitable(result) else result

    async def all(self, items: Iterable[Any] | AsyncIterable[Any]) -> list[Any]:
        """Drain an iterator or an async iterator."""
        if isinstance(items, AsyncIterable):
            return [item async for item in items]
        return list(items)

    async def aclose(self) -> None:
        if isinstance(self.client, AsyncActiveCampaign):
            await self.client.aclose()
        else:
            self.client.close()
