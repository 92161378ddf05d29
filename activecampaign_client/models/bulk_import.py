"""Bulk import: up to 250 contacts per request, processed asynchronously by the API."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ._base import ApiModel, Id, InputModel

__all__ = [
    "BulkImportContact",
    "BulkImportField",
    "BulkImportInfo",
    "BulkImportList",
    "BulkImportOverview",
    "BulkImportResult",
]


class BulkImportField(InputModel):
    """A custom field value by field id."""

    id: int
    value: str


class BulkImportList(InputModel):
    """A list to subscribe the contact to, or unsubscribe it from."""

    listid: int


class BulkImportContact(InputModel):
    """One contact of an import. Tags are given by name; fields by id."""

    email: str
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    customer_acct_name: str | None = None
    tags: list[str] | None = None
    fields: list[BulkImportField] | None = None
    subscribe: list[BulkImportList] | None = None
    unsubscribe: list[BulkImportList] | None = None

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str) -> str:
        if "@" not in value or any(c.isspace() for c in value):
            raise ValueError("email must be an address like name@example.com")
        return value

    def body(self) -> dict[str, Any]:
        """The JSON form of this contact, leaving out what was not given."""
        return self.model_dump(exclude_none=True)


class BulkImportResult(ApiModel):
    """The answer to an accepted import: how many contacts were queued, under which batch."""

    success: int = Field(alias="Success", default=1)
    queued_contacts: int = 0
    batch_id: str = Field(alias="batchId")
    message: str = ""


class BulkImportInfo(ApiModel):
    """Progress of one batch: ids of imported contacts and the rejected entries.

    ``status`` is ``waiting``, ``claimed``, ``active``, ``completed``, ``failed`` or
    ``interrupted`` (ActiveCampaign's documented values); ``""`` when the API answered
    ``false``, which it documents for a batch asked about within a second of its import
    (no status set yet).
    """

    status: str
    success: list[Id] = Field(default_factory=list)
    failure: list[str] = Field(default_factory=list)

    @field_validator("status", mode="before")
    @classmethod
    def _not_set_yet(cls, value: Any) -> Any:
        return "" if value is False else value

    @property
    def finished(self) -> bool:
        """Whether the batch will change nothing more: completed, failed or interrupted."""
        return self.status.strip().lower() in ("completed", "failed", "interrupted")


class BulkImportDay(ApiModel):
    """Batches and contacts for one day."""

    for_date: str = Field(alias="forDate")
    batches: int
    contacts: int


class BulkImportOverview(ApiModel):
    """Outstanding and recently completed imports, per day."""

    outstanding: list[BulkImportDay] = Field(default_factory=list)
    recently_completed: list[BulkImportDay] = Field(default_factory=list, alias="recentlyCompleted")
