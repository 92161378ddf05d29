"""page -> the page's domain whitelisted for site tracking, once."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from activecampaign_client import InvalidInputError, Operation
from activecampaign_client.resources.site_tracking import validate_domain

from .._errors import EventError
from ..catalog import Catalog, CatalogName
from ..events import Message
from ..limits import DEFAULT_LIMITS, MappingLimits
from ._base import Applied

__all__ = ["PagePlan", "domain_of", "plan_page"]

_NEEDS: frozenset[CatalogName] = frozenset({"domains"})
_URL_PATHS = (
    "properties.domain",
    "properties.url",
    "context.page.url",
    "properties.referring_domain",
    "context.page.referring_domain",
)


@dataclass(frozen=True)
class PagePlan:
    """Whitelist ``domain`` for site tracking."""

    domain: str
    warnings: tuple[str, ...] = ()

    @property
    def needs(self) -> frozenset[CatalogName]:
        """The whitelist of domains."""
        return _NEEDS

    def describe(self) -> list[str]:
        """The planned call (made only if the domain is not whitelisted yet)."""
        return [f"POST /api/3/prism/urlWhitelistings {self.domain} (if not yet whitelisted)"]

    def operation(self, catalog: Catalog) -> Operation[Applied]:
        """Whitelist the domain unless it already is."""
        yield from catalog.ensure_domain(self.domain)
        return Applied(self.warnings)


def domain_of(value: str, *, bare: bool = False) -> str | None:
    """The host of a URL or bare domain, lower-cased, without ``www.``; None if unusable.

    ``bare`` (for ``*domain`` properties) takes a host name and nothing after it, or a value
    written as a URL, with its scheme (``https://www.example.org``), read as a URL: a path
    after a bare name (``example.com/x``) is refused, it is neither.
    """
    text = value.strip()
    if bare and "://" not in text:
        try:
            return validate_domain(text.lower().removeprefix("www."))
        except InvalidInputError:
            return None
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    host = host.removeprefix("www.")
    try:
        return validate_domain(host)
    except InvalidInputError:
        return None


def plan_page(message: Message, limits: MappingLimits = DEFAULT_LIMITS) -> PagePlan:
    """The first usable URL or domain among the page's properties and context."""
    skipped: list[tuple[str, str]] = []
    for path in _URL_PATHS:
        value = message.lookup(path)
        if value is None:
            continue
        if not isinstance(value, str):
            skipped.append((path, f"{path} is not a string"))
            continue
        domain = domain_of(value, bare=path.endswith("domain"))
        if domain is not None:
            warnings = tuple(f"{why}; used {path}" for _, why in skipped)
            return PagePlan(domain=domain, warnings=warnings)
        skipped.append((path, f"{path} {value[:80]!r} has no usable host"))
    detail = "; ".join(why for _, why in skipped) if skipped else "none of them is present"
    raise EventError(
        skipped[0][0] if skipped else "properties.url",
        f"a page URL or domain is required (looked at {', '.join(_URL_PATHS)}): {detail}",
    )
