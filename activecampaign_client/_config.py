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


def _check_key(name: str, value: str, where: str) -> None:
    """A key travels in a header or a form: printable ASCII only. The message names the
    parameter, never the value."""
    if any(c in value for c in "\r\n"):
        raise ConfigurationError(f"{name} contains a line break; copy it again from {where}")
    if not all(" " <= c <= "~" for c in value.strip()):
        raise ConfigurationError(
            f"{name} holds a character that is not printable ASCII (a control character or "
            f"a non-ASCII letter, often from copying); copy it again from {where}"
        )


def _longest(timeout: httpx.Timeout) -> float | None:
    """The longest of the timeouts set (None: none is)."""
    values = [v for v in timeout.as_dict().values() if v is not None]
    return max(values) if values else None


@dataclass(frozen=True)
class ClientConfig:
    """Everything a request needs to be built. Secrets are hidden from ``repr``."""

    origin: httpx.URL
    api_key: str = field(repr=False)
    actid: str | None = field(default=None, repr=False)
    event_key: str | None = field(default=None, repr=False)
    timeout: httpx.Timeout = field(default_factory=lambda: httpx.Timeout(30.0))
    tracking_url: httpx.URL = field(default_factory=lambda: httpx.URL(TRACKCMP_URL))
    # Seconds one attempt may take in all, connection to last body byte (None: no limit):
    # httpx's timeouts bound each read, so a server trickling a byte at a time never
    # trips them. By default the longest of ``timeout``'s values.
    attempt_timeout: float | None = 30.0

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
        """Validate user input and build a config, raising ConfigurationError on bad values.

        ``timeout`` is a number of seconds (each read, write and pool wait; connecting at
        most 5 s), or an httpx.Timeout. Either way one attempt as a whole, connection to
        the last byte of the body, takes at most the longest of its values.
        """
        if not isinstance(api_key, str) or not api_key.strip():
            raise ConfigurationError(
                "api_key is required: find it under Settings > Developer in ActiveCampaign"
            )
        _check_key("api_key", api_key, "Settings > Developer")
        for name, value in (("actid", actid), ("event_key", event_key)):
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(f"{name} must be a string")
            if value is not None:
                _check_key(name, value, "Settings > Tracking > Event Tracking")
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
            attempt_timeout=_longest(timeout),
        )

    @property
    def host(self) -> str:
        """The account host: the only host the Api-Token is ever sent to."""
        return self.origin.host

    @property
    def secrets(self) -> tuple[str, ...]:
        """The values no message may contain (masked in transport errors' text)."""
        return tuple(s for s in (self.api_key, self.event_key) if s)

    def plain_http_origins(self) -> list[httpx.URL]:
        """The origins this client talks to in plain http (loopback only): no proxy may
        see them, the Api-Token and the event key travelling in clear."""
        return [url for url in (self.origin, self.tracking_url) if url.scheme == "http"]

    def __repr__(self) -> str:
        return (
            f"ClientConfig(origin={str(self.origin)!r}, tracking_url={str(self.tracking_url)!r}, "
            f"api_key={_secret_repr(self.api_key)}, "
            f"actid={_secret_repr(self.actid)}, event_key={_secret_repr(self.event_key)})"
        )
