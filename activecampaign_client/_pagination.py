"""limit/offset pagination as pure operations: fetch one page, or collect them all."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._constants import MAX_PAGE_SIZE
from ._flow import Operation
from ._requests import ApiRequest
from .models._base import parse_response

__all__ = ["Page", "PageQuery"]

T = TypeVar("T")


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

    def fetch(self, offset: int) -> Operation[Page[T]]:
        """Fetch the page starting at ``offset``."""
        params = {**self.params, "limit": self.page_size, "offset": offset}
        data = yield ApiRequest("GET", self.path, params=params)
        return self.parse_page(data, offset)

    def parse_page(self, data: Any, offset: int) -> Page[T]:
        """Items of one page, and the next offset from ``meta.total`` or a short page."""
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
            more = len(items) >= self.page_size
        return Page(items=items, total=total, next_offset=end if more else None)

    def collect(self) -> Operation[list[T]]:
        """Every item, walking all pages."""
        items: list[T] = []
        offset: int | None = 0
        while offset is not None:
            page = yield from self.fetch(offset)
            items.extend(page.items)
            offset = page.next_offset
        return items
