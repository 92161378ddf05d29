"""limit/offset pagination as pure operations: fetch one page, or walk them all.

A server that ignores ``limit`` or ``offset`` must not make a listing loop forever: a page
longer than asked for is the whole listing, a page that starts like the previous one means
the offset was ignored, and past ``MAX_PAGES`` pages the walk is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._constants import MAX_PAGE_SIZE, MAX_PAGES
from ._exceptions import APIResponseValidationError
from ._flow import Operation
from ._requests import ApiRequest
from .models._base import parse_response

__all__ = ["Page", "PageCursor", "PageQuery"]

T = TypeVar("T")

logger = logging.getLogger("activecampaign_client")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and where the next one starts (None: this was the last)."""

    items: list[T]
    total: int | None
    next_offset: int | None


def _total(data: Mapping[str, Any]) -> int | None:
    meta = data.get("meta")
    raw = meta.get("total") if isinstance(meta, Mapping) else None
    try:
        return int(raw) if raw is not None else None  # the API sends "42" as often as 42
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class PageQuery(Generic[T]):
    """A listing endpoint: path, filters, the key holding the items, and an item parser."""

    path: str
    key: str
    model: type[T]
    params: Mapping[str, str | int] = field(default_factory=dict)
    page_size: int = MAX_PAGE_SIZE
    max_pages: int = MAX_PAGES

    def fetch(self, offset: int) -> Operation[Page[T]]:
        """Fetch the page starting at ``offset``."""
        params = {**self.params, "limit": self.page_size, "offset": offset}
        data = yield ApiRequest("GET", self.path, params=params)
        return self.parse_page(data, offset)

    def parse_page(self, data: Any, offset: int) -> Page[T]:
        """Items of one page, and the next offset from ``meta.total`` or a full page."""
        raw_items = data.get(self.key) if isinstance(data, Mapping) else None
        if not isinstance(raw_items, list):
            raw_items = parse_response(list[Any], raw_items, what=f"{self.path} '{self.key}'")
        what = f"{self.path} item"
        items: list[T] = [parse_response(self.model, item, what=what) for item in raw_items]
        total = _total(data)
        end = offset + len(items)
        if not items:
            more = False
        elif total is not None:
            more = end < total
        else:
            # Exactly a full page: there may be more. A shorter one is the last; a longer one
            # means the server ignored ``limit`` and sent everything it has.
            more = len(items) == self.page_size
        return Page(items=items, total=total, next_offset=end if more else None)

    def cursor(self) -> PageCursor[T]:
        """A cursor walking this listing page by page."""
        return PageCursor(self)

    def collect(self) -> Operation[list[T]]:
        """Every item, walking all pages."""
        cursor = self.cursor()
        items: list[T] = []
        while not cursor.done:
            items.extend((yield from cursor.next_page()))
        return items


def _identity(item: object) -> object:
    # Objects are compared by id where they have one, so a page whose items changed a little
    # between two fetches (a counter, a date) is still recognised as the same page.
    return getattr(item, "id", None) or item


class PageCursor(Generic[T]):
    """Where a walk through a listing stands; each ``next_page`` fetches one page.

    Used by ``collect`` and by the clients' lazy (async) iterators alike.
    """

    def __init__(self, query: PageQuery[T]) -> None:
        self.query = query
        self.offset: int | None = 0
        self.pages: int = 0
        self._first: object = None

    @property
    def done(self) -> bool:
        """True once the last page has been fetched."""
        return self.offset is None

    def next_page(self) -> Operation[list[T]]:
        """Fetch the next page and return its items (empty when it repeated the previous).

        Raises APIResponseValidationError instead of fetching page ``max_pages + 1``.
        """
        if self.offset is None:
            return []
        if self.pages >= self.query.max_pages:
            raise APIResponseValidationError(
                f"GET /api/3/{self.query.path}: still more after {self.pages} pages; the "
                "server does not seem to honour limit/offset, so the listing was abandoned"
            )
        page = yield from self.query.fetch(self.offset)
        self.pages += 1
        first = _identity(page.items[0]) if page.items else None
        if self.pages > 1 and first is not None and first == self._first:
            # The same page again: the server ignored ``offset``. Its items were seen.
            logger.warning(
                "GET /api/3/%s: page %d repeats the previous one (offset ignored); "
                "the listing stops there",
                self.query.path,
                self.pages,
            )
            self.offset = None
            return []
        self._first = first
        self.offset = page.next_offset
        return page.items
