"""What every action plan offers the destination."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from activecampaign_client import Operation

from .._errors import EventError
from ..catalog import Catalog, CatalogName

__all__ = ["Applied", "Plan", "validate_email"]

# Any character str.isspace() accepts (re's \s is the same Unicode class).
_SPACE = re.compile(r"\s")


@dataclass(frozen=True)
class Applied:
    """What a plan's calls left out: ``warnings`` (values not applied, and why) and
    ``unmapped`` (custom traits no custom field of the account matches, by path)."""

    warnings: tuple[str, ...] = ()
    unmapped: tuple[str, ...] = ()


class Plan(Protocol):
    """The calls one event means, decided before any I/O."""

    @property
    def needs(self) -> frozenset[CatalogName]:
        """Catalogs the operation looks names up in (loaded before it runs)."""
        ...

    @property
    def warnings(self) -> tuple[str, ...]:
        """Things in the event that will not be applied, found while planning."""
        ...

    def describe(self) -> list[str]:
        """The planned calls, one line each, for dry runs."""
        ...

    def operation(self, catalog: Catalog) -> Operation[Applied]:
        """Perform the calls; returns what was left out on the way."""
        ...


def validate_email(value: str, field: str) -> str:
    """A plausible address (something@domain, no spaces); the API judges the rest.

    What ActiveCampaign certainly refuses is refused here, before any call: a second ``@``,
    an empty domain label (``a@b..com``, ``a@.b.com``, ``a@b.com.``).
    """
    local, at, domain = value.rpartition("@")
    if (
        not at
        or not local
        or "@" in local
        or "." not in domain
        or not all(domain.split("."))
        or _SPACE.search(value)
    ):
        raise EventError(field, f"must be an email address, got {value!r}")
    if len(value) > 254:
        raise EventError(field, "is longer than the 254 characters an address may have")
    return value
