"""Site tracking: the switch and the whitelist of tracked domains."""

from __future__ import annotations

import re

from typing_extensions import Unpack

from .._constants import MAX_PAGE_SIZE
from .._exceptions import APIResponseValidationError, InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._options import RequestOptions
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap
from ..models.tracking import TrackingStatus, WhitelistedDomain
from ._common import tracking_status

__all__ = ["SiteTracking", "validate_domain"]

# ActiveCampaign's documented rule for a whitelisted domain: letters, digits, "-" and ".",
# optionally a leading "*", ending in a letter or digit — no scheme, port or path.
_DOMAIN = re.compile(r"^\*?[a-zA-Z0-9.-]*[a-zA-Z0-9]$")
_WHITELIST_PATH = "prism/urlWhitelistings"


def validate_domain(domain: object, *, name: str = "domain") -> str:
    """A bare host name such as ``example.com`` or ``*.example.com``, lower-cased.

    ActiveCampaign's rule (``^\\*?[a-zA-Z0-9-.]*[a-zA-Z0-9]$``) and DNS's: no scheme,
    port, path or empty label, labels of at most 63 characters, 253 in all. A Unicode
    name is sent in its ASCII (IDNA) form: ``bücher.de`` is ``xn--bcher-kva.de``.
    """
    if not isinstance(domain, str):
        raise InvalidInputError(name, f"must be a string, not {type(domain).__name__}")
    text = domain.strip().lower().rstrip(".")
    if not text.isascii():
        try:
            text = text.encode("idna").decode("ascii")
        except UnicodeError:
            text = ""
    labels = text.lstrip("*").lstrip(".").split(".")
    if (
        not _DOMAIN.match(text)
        or len(text) > 253
        or not all(0 < len(label) <= 63 for label in labels)
    ):
        raise InvalidInputError(
            name,
            "must be a host name like example.com (letters, digits, '-' and '.', optionally "
            f"a leading '*'; no scheme, port or path), got {domain!r}",
        )
    return text


def _whitelisting(domain: str) -> dict[str, object]:
    # The body the reference's *schema* requires (every attribute is required there), in
    # the JSON:API shape the answer has too. The reference's request *example*,
    # {"siteTrackingDomain": {"name": ...}}, is a leftover of the older siteTrackingDomains
    # endpoint and matches neither.
    return {
        "whitelisted_domain": validate_domain(domain),
        "whitelisted_page": "*",  # every page of the domain
        "tracking_enabled": True,
        "conversations_enabled": False,
        "wp_enabled": False,
    }


class SiteTracking(Resource[D]):
    """``/siteTracking`` and ``/prism/urlWhitelistings``."""

    @api_method
    def status(self, **request_options: Unpack[RequestOptions]) -> Operation[TrackingStatus]:
        """Whether site tracking is on."""
        data = yield ApiRequest("GET", "siteTracking")
        return tracking_status(data, "siteTracking")

    @api_method
    def enable(self, **request_options: Unpack[RequestOptions]) -> Operation[TrackingStatus]:
        """Switch site tracking on."""
        data = yield ApiRequest("PUT", "siteTracking", json={"siteTracking": {"enabled": True}})
        return tracking_status(data, "siteTracking")

    @api_method
    def disable(self, **request_options: Unpack[RequestOptions]) -> Operation[TrackingStatus]:
        """Switch site tracking off."""
        data = yield ApiRequest("PUT", "siteTracking", json={"siteTracking": {"enabled": False}})
        return tracking_status(data, "siteTracking")

    @api_method
    def code(self, **request_options: Unpack[RequestOptions]) -> Operation[str]:
        """The site tracking snippet to put on your pages: the ``<script>`` element,
        with the account's id filled in, as ActiveCampaign shows it under
        Settings > Tracking."""
        data = yield ApiRequest("GET", "siteTracking/code", expect="text")
        if isinstance(data, dict) and isinstance(data.get("code"), str):
            return str(data["code"])  # a JSON {"code": ...} is read the same
        if not isinstance(data, str) or "<script" not in data.lower():
            raise APIResponseValidationError(
                "unexpected answer for siteTracking/code: not a script element",
                body=data if isinstance(data, str) else None,
            )
        return data

    @api_list
    def list_domains(
        self, *, page_size: int = MAX_PAGE_SIZE, **request_options: Unpack[RequestOptions]
    ) -> PageQuery[WhitelistedDomain]:
        """Every whitelisted domain."""
        return PageQuery(_WHITELIST_PATH, "data", WhitelistedDomain, page_size=page_size)

    @api_method
    def add_domain(
        self, domain: str, **request_options: Unpack[RequestOptions]
    ) -> Operation[WhitelistedDomain]:
        """Whitelist a domain, all its pages, for site tracking. One already on the list is
        a ConflictError (409)."""
        body = {"data": {"type": "urlWhitelistings", "attributes": _whitelisting(domain)}}
        data = yield ApiRequest("POST", _WHITELIST_PATH, json=body)
        raw = unwrap(data, "data", what=_WHITELIST_PATH)
        return parse_response(WhitelistedDomain, raw, what=_WHITELIST_PATH)

    @api_method
    def remove_domain(
        self, domain_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Take a domain off the whitelist, by its id (``WhitelistedDomain.id``)."""
        yield ApiRequest("DELETE", f"{_WHITELIST_PATH}/{object_id(domain_id, name='domain_id')}")
