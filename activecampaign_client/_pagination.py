"""Paging as pure operations: fetch one page, or walk them all, by offset or by id.

Most listings page with ``limit``/``offset``. A listing ordered by id can page by *keyset*
instead (``id_greater`` or ``id_less`` after the last id seen, with ``orders[id]``): what
ActiveCampaign's pagination guide recommends for large accounts, since a deep offset makes
the server count past every row before it.

A server that ignores ``limit``, ``offset`` or ``id_greater`` must not make a listing loop
forever: a page longer than asked for is the whole listing, a page that starts like the
previous one (or, by keyset, not after it) means the position was ignored, and past
``MAX_PAGES`` pages the walk is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from ._constants import MAX_PAGE_SIZE, MAX_PAGES
from ._exceptions import APIResponseValidationError, InvalidInputError
from ._flow import Operation
from ._options import CallOptions
from ._requests import ApiRequest
from .models._base import parse_response

__all__ = ["KeysetOrder", "Page", "PageCursor", "PageQuery"]

T = TypeVar("T")

KeysetOrder = Literal["asc", "desc"]
"""The direction of a keyset walk: ids going up (``id_greater``) or down (``id_less``)."""

logger = logging.getLogger("activecampaign_client")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results.

    ``total`` is the API's ``meta.total`` when it sends one: for offset paging the size of
    the whole listing, for keyset paging the number of items from this page on (the API
    counts what matches ``id_greater``). ``next_offset`` / ``next_after_id`` say where the
    next page starts; both None: this was the last.
    """

    items: list[T]
    total: int | None
    next_offset: int | None
    next_after_id: str | None = None

    @property
    def has_more(self) -> bool:
        """Whether another page follows."""
        return self.next_offset is not None or self.next_after_id is not None


def _total(data: Mapping[str, Any]) -> int | None:
    meta = data.get("meta")
    raw = meta.get("total") if isinstance(meta, Mapping) else None
    try:
        return int(raw) if raw is not None else None  # the API sends "42" as often as 42
    except (TypeError, ValueError):
        return None


def _numeric_id(item: object) -> int | None:
    value = getattr(item, "id", None)
    return int(value) if isinstance(value, str) and value.isdigit() else None


@dataclass(frozen=True)
class PageQuery(Generic[T]):
    """A listing endpoint: path, filters, the key holding the items, and an item parser.

    ``page_size`` is the ``limit`` asked for (1 to 100). ``keyset`` pages by id in that
    direction instead of by offset; only endpoints that take ``id_greater``/``id_less``
    and ``orders[id]`` (``/contacts``) can. ``options`` (a call's ``RequestOptions``)
    apply to every page's request. Build one for an endpoint the client does not
    wrap and run it with ``client.run(query.collect())``, or page by page with
    ``query.fetch(offset)``.
    """

    path: str
    key: str
    model: type[T]
    params: Mapping[str, str | int] = field(default_factory=dict)
    page_size: int = MAX_PAGE_SIZE
    max_pages: int = MAX_PAGES
    keyset: KeysetOrder | None = None
    options: CallOptions | None = None

    def __post_init__(self) -> None:
        size = self.page_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidInputError(
                "page_size", f"must be an integer from 1 to {MAX_PAGE_SIZE}, got {size!r}"
            )
        if self.keyset not in (None, "asc", "desc"):
            raise InvalidInputError("keyset", f"must be 'asc', 'desc' or None, not {self.keyset!r}")

    def fetch(self, offset: int = 0, *, after_id: str | None = None) -> Operation[Page[T]]:
        """Fetch one page: from ``offset``, or (keyset) the one after ``after_id``."""
        params: dict[str, str | int] = {**self.params, "limit": self.page_size}
        if self.keyset is None:
            params["offset"] = offset
        else:
            params["orders[id]"] = self.keyset
            if after_id is not None:
                params["id_greater" if self.keyset == "asc" else "id_less"] = after_id
        request = ApiRequest("GET", self.path, params=params)
        data = yield request if self.options is None else self.options.apply(request)
        return self.parse_page(data, offset)

    def parse_page(self, data: Any, offset: int) -> Page[T]:
        """Items of one page, and where the next starts, from ``meta.total`` or a full page."""
        raw_items = data.get(self.key) if isinstance(data, Mapping) else None
        if not isinstance(raw_items, list):
            raw_items = parse_response(list[Any], raw_items, what=f"{self.path} '{self.key}'")
        what = f"{self.path} item"
        items: list[T] = [parse_response(self.model, item, what=what) for item in raw_items]
        total = _total(data)
        if not items:
            more = False
        elif total is not None:
            # By keyset the total counts this page and what follows it, not what went before.
            more = len(items) < total if self.keyset else offset + len(items) < total
        else:
            # Exactly a full page: there may be more. A shorter one is the last; a longer one
            # means the server ignored ``limit`` and sent everything it has.
            more = len(items) == self.page_size
        if not more:
            return Page(items=items, total=total, next_offset=None)
        if self.keyset is None:
            return Page(items=items, total=total, next_offset=offset + len(items))
        last = getattr(items[-1], "id", None)
        if not isinstance(last, str):
            raise APIResponseValidationError(
                f"GET /api/3/{self.path}: an item without an id; it cannot be paged by id"
            )
        return Page(items=items, total=total, next_offset=None, next_after_id=last)

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

    Used by ``collect`` and by the clients' listings alike.
    """

    def __init__(self, query: PageQuery[T]) -> None:
        self.query = query
        self.offset: int | None = 0
        self.after_id: str | None = None
        self.pages: int = 0
        self._first: object = None
        self._last_key: int | None = None

    @property
    def done(self) -> bool:
        """True once the last page has been fetched."""
        return self.offset is None

    def next_page(self) -> Operation[list[T]]:
        """Fetch the next page and return its items (empty when it repeated the previous)."""
        page = yield from self.fetch_next()
        return page.items if page is not None else []

    def fetch_next(self) -> Operation[Page[T] | None]:
        """Fetch the next page; None when there is none, or when the server repeated the
        previous page (it ignored the position asked for: the walk ends there).

        Raises APIResponseValidationError instead of fetching page ``max_pages + 1``.
        """
        if self.offset is None:
            return None
        if self.pages >= self.query.max_pages:
            raise APIResponseValidationError(
                f"GET /api/3/{self.query.path}: still more after {self.pages} pages; the "
                "server does not seem to honour its paging parameters, so the listing was "
                "abandoned"
            )
        page = yield from self.query.fetch(self.offset, after_id=self.after_id)
        self.pages += 1
        if self._ignored_position(page):
            logger.warning(
                "GET /api/3/%s: page %d repeats the previous one (paging ignored); "
                "the listing stops there",
                self.query.path,
                self.pages,
            )
            self.offset = None
            return None
        if page.next_after_id is not None:
            self.after_id = page.next_after_id
        else:
            self.offset = page.next_offset
        return page

    def _ignored_position(self, page: Page[T]) -> bool:
        """Whether ``page`` shows the server ignored where this walk asked to start."""
        if not page.items:
            return False
        if self.query.keyset is not None:
            # Every id of a page must lie beyond the last one seen, in the walk's direction.
            first_key, previous = _numeric_id(page.items[0]), self._last_key
            self._last_key = _numeric_id(page.items[-1])
            if previous is None or first_key is None:
                return False
            if self.query.keyset == "asc":
                return first_key <= previous
            return first_key >= previous
        first = _identity(page.items[0])
        repeated = self.pages > 1 and first is not None and first == self._first
        self._first = first
        return repeated
