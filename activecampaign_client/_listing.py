"""What a listing method returns: items one by one, or whole pages, fetched as you go.

``Listing`` (sync client) is an iterator of items and ``AsyncListing`` (async client) an
async iterator; both fetch a page only when the items before it are used up, and both
offer ``pages()`` for the pages themselves (``Page.items``, ``Page.total``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Generic, TypeVar

from ._drivers import AsyncDriver, SyncDriver
from ._pagination import Page, PageQuery

__all__ = ["AsyncListing", "Listing"]

T = TypeVar("T")


class _ListingBase(Generic[T]):
    def __init__(self, query: PageQuery[T]) -> None:
        self.query: PageQuery[T] = query

    @property
    def page_size(self) -> int:
        """Items asked for per page (the ``page_size`` argument; 100 unless given)."""
        return self.query.page_size

    def __repr__(self) -> str:
        how = f"keyset {self.query.keyset}" if self.query.keyset else "offset"
        return (
            f"<{type(self).__name__} GET /api/3/{self.query.path}, "
            f"{self.query.page_size} a page, by {how}>"
        )


class Listing(_ListingBase[T], Iterator[T]):
    """A listing on ``ActiveCampaign``: iterate it for the items, across every page.

        for contact in ac.contacts.list(list_id=3):      # pages fetched as needed
            ...
        for page in ac.contacts.list(list_id=3).pages(): # page.items, page.total
            ...

    It is an iterator: items already taken are not seen again. ``pages()`` starts a
    walk of its own from the first page.
    """

    def __init__(self, driver: SyncDriver, query: PageQuery[T]) -> None:
        super().__init__(query)
        self._driver = driver
        self._items: Iterator[T] | None = None

    def pages(self) -> Iterator[Page[T]]:
        """Every page from the first, fetched one at a time as you iterate."""
        cursor = self.query.cursor()
        while not cursor.done:
            page = self._driver.run(cursor.fetch_next())
            if page is not None:
                yield page

    def __iter__(self) -> Listing[T]:
        return self

    def __next__(self) -> T:
        if self._items is None:
            self._items = (item for page in self.pages() for item in page.items)
        return next(self._items)


class AsyncListing(_ListingBase[T], AsyncIterator[T]):
    """A listing on ``AsyncActiveCampaign``: ``async for`` over the items of every page.

        async for contact in ac.contacts.list(list_id=3):
            ...
        async for page in ac.contacts.list(list_id=3).pages():
            ...

    It is an async iterator: items already taken are not seen again. ``pages()`` starts
    a walk of its own from the first page.
    """

    def __init__(self, driver: AsyncDriver, query: PageQuery[T]) -> None:
        super().__init__(query)
        self._driver = driver
        self._items: AsyncIterator[T] | None = None

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Every page from the first, fetched one at a time as you iterate."""
        cursor = self.query.cursor()
        while not cursor.done:
            page = await self._driver.run(cursor.fetch_next())
            if page is not None:
                yield page

    async def _walk(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    def __aiter__(self) -> AsyncListing[T]:
        return self

    async def __anext__(self) -> T:
        if self._items is None:
            self._items = self._walk()
        return await self._items.__anext__()
