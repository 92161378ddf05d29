"""Event tracking and site tracking: switches, event names, whitelisted domains."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import model_validator

from ._base import ApiModel, Id

__all__ = ["TrackedEvent", "TrackingEventName", "TrackingStatus", "WhitelistedDomain"]


class TrackingStatus(ApiModel):
    """Whether event tracking or site tracking is switched on for the account."""

    repr_fields: ClassVar[tuple[str, ...]] = ("enabled",)

    enabled: bool


class TrackingEventName(ApiModel):
    """An event name registered in the account; only registered names are recorded."""

    repr_fields: ClassVar[tuple[str, ...]] = ("name",)

    name: str


class TrackedEvent(ApiModel):
    """trackcmp.net's answer to an accepted event: ``{"success": 1, "message": ...}``."""

    repr_fields: ClassVar[tuple[str, ...]] = ("success", "message")

    success: int
    message: str = ""


class WhitelistedDomain(ApiModel):
    """A domain allowed for site tracking, flattened from the JSON:API ``data`` item."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "domain")

    id: Id
    domain: str

    @model_validator(mode="before")
    @classmethod
    def _flatten(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("attributes"), dict):
            attributes = data["attributes"]
            return {
                **attributes,
                "id": data.get("id"),
                "domain": attributes.get("whitelisted_domain", attributes.get("name")),
            }
        if isinstance(data, dict) and "domain" not in data and "name" in data:
            return {**data, "domain": data["name"]}
        return data
