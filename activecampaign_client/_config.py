"""Client settings, validated once: the account URL, credentials and request budget."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import httpx

from ._constants import API_PREFIX, TRACKCMP_URL
from ._exceptions import ConfigurationError

__all__ = [
    "ENVIRONMENT_VARIABLES",
    "ClientConfig",
    "Credentials",
    "as_timeout",
    "credentials_from_environment",
    "longest_timeout",
    "normalize_api_url",
    "normalize_tracking_url",
]

ENVIRONMENT_VARIABLES = {
    "api_url": "ACTIVECAMPAIGN_API_URL",
    "api_key": "ACTIVECAMPAIGN_API_KEY",
    "actid": "ACTIVECAMPAIGN_ACTID",
    "event_key": "ACTIVECAMPAIGN_EVENT_KEY",
}
"""Where a client looks for each setting it was not given (the CLI reads the same ones)."""

_WHERE = {
    "api_url": "the account URL, Settings > Developer",
    "api_key": "Settings > Developer",
}


@dataclass(frozen=True)
class Credentials:
    """The account and keys a client was given or found in the environment."""

    api_url: str
    api_key: str = field(repr=False)
    actid: str | None = field(default=None, repr=False)
    event_key: str | None = field(default=None, repr=False)


def credentials_from_environment(
    api_url: str | None,
    api_key: str | None,
    actid: str | None,
    event_key: str | None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """The settings not given (None), read from their ``ACTIVECAMPAIGN_*`` variables.

    The account URL and the API key are required: one found nowhere is a
    ConfigurationError naming the argument and the variable. ``actid`` and ``event_key``
    (needed only to track events) are read from the environment only when the account URL
    is too: event keys are per account, and pairing another account's with the URL given
    would record its events in the wrong account. Unset, they stay None (``track`` then
    says which variables to set).
    """
    env = os.environ if environ is None else environ

    def variable(name: str) -> str | None:
        return env.get(ENVIRONMENT_VARIABLES[name], "").strip() or None

    account_from_env = api_url is None
    found = {
        "api_url": api_url if api_url is not None else variable("api_url"),
        "api_key": api_key if api_key is not None else variable("api_key"),
    }
    for name, value in found.items():
        if value is None:
            raise ConfigurationError(
                f"{name} was not given and {ENVIRONMENT_VARIABLES[name]} is not set: pass "
                f"{name}=... or set the variable ({_WHERE[name]} in ActiveCampaign)"
            )
    if account_from_env:
        actid = actid if actid is not None else variable("actid")
        event_key = event_key if event_key is not None else variable("event_key")
    return Credentials(
        api_url=str(found["api_url"]),
        api_key=str(found["api_key"]),
        actid=actid,
        event_key=event_key,
    )


def as_timeout(value: object) -> httpx.Timeout:
    """A timeout from seconds (each read, write and pool wait; connecting at most 5 s) or an
    httpx.Timeout; ValueError for anything else."""
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError("timeout must be a positive number of seconds or an httpx.Timeout")
    return httpx.Timeout(float(value), connect=min(5.0, float(value)))


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


def longest_timeout(timeout: httpx.Timeout) -> float | None:
    """The longest of the timeouts set (None: none is): how long one attempt may take."""
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
        try:
            timeout = as_timeout(timeout)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        return cls(
            origin=normalize_api_url(api_url),
            api_key=api_key.strip(),
            actid=(actid or "").strip() or None,
            event_key=(event_key or "").strip() or None,
            timeout=timeout,
            tracking_url=normalize_tracking_url(tracking_url),
            attempt_timeout=longest_timeout(timeout),
        )

    def with_timeout(self, timeout: httpx.Timeout) -> ClientConfig:
        """This config with another timeout (and the attempt bound that goes with it)."""
        return replace(self, timeout=timeout, attempt_timeout=longest_timeout(timeout))

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
