"""Bulk import: up to 250 contacts per request, processed asynchronously by the API."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from ._base import ApiModel, Id, InputModel

__all__ = [
    "BulkImportCallback",
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


class BulkImportCallback(InputModel):
    """Where ActiveCampaign reports a finished import: it calls ``url`` with
    ``request_type`` (GET or POST), adding ``params`` (to the query of a GET, to the body
    of a POST) and ``headers``. ``detailed_results``: a POST callback also carries the
    numbers of successes and failures, and an error message per failed contact.

    ``headers`` may hold a credential for your own endpoint: they are left out of
    ``repr()``.
    """

    url: str = Field(min_length=1, max_length=2048)
    request_type: Literal["GET", "POST"] = "POST"
    detailed_results: bool = True
    params: dict[str, str] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict, repr=False)

    @field_validator("url")
    @classmethod
    def _one_token(cls, value: str) -> str:
        if any(c.isspace() for c in value):
            raise ValueError("url must not contain spaces or line breaks")
        return value

    def body(self) -> dict[str, Any]:
        """The documented ``callback`` object: ``requestType``, ``detailed_results`` as the
        string "true"/"false", params and headers as lists of ``{key, value}``."""
        return {
            "url": self.url,
            "requestType": self.request_type,
            "detailed_results": "true" if self.detailed_results else "false",
            "params": [{"key": k, "value": v} for k, v in self.params.items()],
            "headers": [{"key": k, "value": v} for k, v in self.headers.items()],
        }


class BulkImportResult(ApiModel):
    """The answer to an accepted import: how many contacts were queued, under which batch."""

    repr_fields: ClassVar[tuple[str, ...]] = ("batch_id", "queued_contacts", "message")

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
