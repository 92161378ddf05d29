"""Destination settings, accepted in RudderStack's own shape (apiUrl, apiKey, actid, eventKey)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from typing_extensions import TypedDict

from activecampaign_client import Clock, ConfigurationError, RateLimiter

__all__ = ["ClientOptions", "DestinationConfig"]

# Where to find each credential again, for the message refusing a damaged one.
_CREDENTIALS = {
    "apiKey": "Settings > Developer",
    "actid": "Settings > Tracking > Event Tracking",
    "eventKey": "Settings > Tracking > Event Tracking",
}


def _check_printable(name: str, value: object) -> None:
    """Refuse a credential holding anything but printable ASCII (a zero-width space or a NUL
    pasted with it): every request would be refused, or worse, mangled on the way. The
    message names the key and where to copy it again, never its value."""
    if not isinstance(value, str):
        return
    for position, char in enumerate(value.strip(), start=1):
        if not "!" <= char <= "~":
            raise ConfigurationError(
                f"destination config {name} holds a character that is not printable ASCII "
                f"(character {position}); copy it again from {_CREDENTIALS[name]} in "
                "ActiveCampaign"
            )


class DestinationConfig(BaseModel):
    """RudderStack's ActiveCampaign destination config. Secrets stay hidden in reprs."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        populate_by_name=True, extra="ignore", frozen=True
    )

    api_url: str = Field(alias="apiUrl", min_length=1)
    api_key: SecretStr = Field(alias="apiKey")
    actid: SecretStr | None = None
    event_key: SecretStr | None = Field(default=None, alias="eventKey")
    tracking_url: str | None = Field(default=None, alias="trackingUrl", min_length=1)
    """Where events are recorded instead of https://trackcmp.net/event (a local server)."""

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> DestinationConfig:
        """Validate a config dict; a missing or bad key is a ConfigurationError naming it."""
        if not isinstance(config, Mapping):
            raise ConfigurationError("destination config must be an object")
        data = {
            k: (str(v) if isinstance(v, int) and not isinstance(v, bool) else v)
            for k, v in config.items()
        }
        for key in ("actid", "eventKey", "trackingUrl"):
            if data.get(key) == "":
                data[key] = None
        for key in _CREDENTIALS:
            _check_printable(key, data.get(key))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            name = ".".join(str(p) for p in first["loc"])
            raise ConfigurationError(
                f"destination config {name}: {first['msg']} (expected RudderStack's keys "
                "apiUrl, apiKey, actid, eventKey, and optionally trackingUrl)"
            ) from None

    def client_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``ActiveCampaign(...)``/``AsyncActiveCampaign(...)``."""
        arguments: dict[str, Any] = {
            "api_url": self.api_url,
            "api_key": self.api_key.get_secret_value(),
            "actid": self.actid.get_secret_value() if self.actid else None,
            "event_key": self.event_key.get_secret_value() if self.event_key else None,
        }
        if self.tracking_url is not None:
            arguments["tracking_url"] = self.tracking_url
        return arguments


class ClientOptions(TypedDict, total=False):
    """Client settings ``from_config`` passes on (see ``ActiveCampaign`` for each)."""

    timeout: float | httpx.Timeout
    max_retries: int
    requests_per_second: float | None
    rate_limiter: RateLimiter | None
    tracking_requests_per_second: float | None
    tracking_max_concurrency: int | None
    clock: Clock | None
