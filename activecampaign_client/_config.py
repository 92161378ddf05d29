"""Client settings, validated once: the account URL, credentials and request budget."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import httpx

from ._constants import API_PREFIX, TRACKCMP_URL
from ._exceptions import ConfigurationError

__all__ = ["ClientConfig", "normalize_api_url", "normalize_tracking_url"]


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalize_api_url(api_url: str) -> httpx.URL:
    """The account origin from the URL as users copy it.

    Accepts ``https://acct.api-us1.com``, with or without a trailing ``/`` or ``/api/3``.
    Refuses plain http (the key would travel in clear) unless the host is loopback, and
    refuses credentials, queries or other paths, which would be silently misused.
    """
    if not isinstance(api_url, str) or not api_url.strip():
        raise ConfigurationError(
            "api_url is required: copy it from Settings > Developer in ActiveCampaign "
            "(it looks like https://<account>.api-us1.com)"
        )
    try:
        url = httpx.URL(api_url.strip())
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"api_url is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            "api_url must be an absolute https URL such as https://<account>.api-us1.com"
        )
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ConfigurationError(
            "api_url must use https: the Api-Token would otherwise cross the network in clear"
        )
    if url.userinfo or url.query or url.fragment:
        raise ConfigurationError("api_url must not contain credentials, a query or a fragment")
    path = url.path.rstrip("/")
    if path.endswith(API_PREFIX):
        path = path[: -len(API_PREFIX)]
    if path:
        raise ConfigurationError(
            f"api_url has an unexpected path {url.path!r}: give the account URL, "
            "e.g. https://<account>.api-us1.com"
        )
    return url.copy_with(path="/")


def normalize_tracking_url(tracking_url: str) -> httpx.URL:
    """The event-tracking endpoint, ``https://trackcmp.net/event`` unless told otherwise.

    Another endpoint is for a local server (the emulator, a test double) or a proxy of
    your own; the same rule as ``api_url`` applies: https, or plain http on loopback only,
    since the event key travels in the body. Any path is kept as given.
    """
    if not isinstance(tracking_url, str) or not tracking_url.strip():
        raise ConfigurationError(f"tracking_url must be a URL such as {TRACKCMP_URL}")
    try:
        url = httpx.URL(tracking_url.strip())
    except httpx.InvalidURL as exc:
        raise ConfigurationError(f"tracking_url is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"tracking_url must be an absolute https URL such as {TRACKCMP_URL}"
        )
    if url.scheme == "http" and not _is_loopback(url.host):
        raise ConfigurationError(
            "tracking_url must use https: the event key would otherwise cross the network in clear"
        )
    if url.userinfo or url.query or url.fragment:
        raise ConfigurationError("tracking_url must not contain credentials, a query or a fragment")
    return url


def _secret_repr(value: str | None) -> str:
    return "None" if value is None else "'***'"


@dataclass(frozen=True)
class ClientConfig:
    """Everything a request needs to be built. Secrets are hidden from ``repr``."""

    origin: httpx.URL
    api_key: str = field(repr=False)
    actid: str | None = field(default=None, repr=False)
    event_key: str | None = field(default=None, repr=False)
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(30.0))
    tracking_url: httpx.URL = field(default_factory=lambda: httpx.URL(TRACKCMP_URL))

    @classmethod
    def create(
        cls,
        api_url: str,
        api_key: str,
        *,
        actid: str | None,
        event_key: str | None,
        timeout: float | httpx.Timeout,
        tracking_url: str = TRACKCMP_URL,
    ) -> ClientConfig:
        """Validate user input and build a config, raising ConfigurationError on bad values."""
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError(
                "api_key is required: find it under Settings > Developer in ActiveCampaign"
            )
        if any(c in api_key for c in "\r\n"):
            raise ConfigurationError("api_key contains a line break; copy it again")
        for name, value in (("actid", actid), ("event_key", event_key)):
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(f"{name} must be a string")
        if not isinstance(timeout, httpx.Timeout):
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
                raise ConfigurationError("timeout must be a positive number of seconds")
            timeout = httpx.Timeout(float(timeout), connect=min(5.0, float(timeout)))
        return cls(
            origin=normalize_api_url(api_url),
            api_key=api_key.strip(),
            actid=(actid or "").strip() or None,
            event_key=(event_key or "").strip() or None,
            timeout=timeout,
            tracking_url=normalize_tracking_url(tracking_url),
        )

    @property
    def host(self) -> str:
        """The account host: the only host the Api-Token is ever sent to."""
        return self.origin.host

    def __repr__(self) -> str:
        return (
            f"ClientConfig(origin={str(self.origin)!r}, tracking_url={str(self.tracking_url)!r}, "
            f"api_key={_secret_repr(self.api_key)}, "
            f"actid={_secret_repr(self.actid)}, event_key={_secret_repr(self.event_key)})"
        )
