"""Contacts, their custom field values, tags and list memberships."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, field_validator

from ._base import ApiModel, Id, InputModel, OptionalId
from .statuses import ListStatusValue

__all__ = [
    "Contact",
    "ContactInput",
    "ContactList",
    "ContactTag",
    "FieldValue",
    "FieldValueInput",
    "SyncedContact",
    "TrackingLog",
]


class FieldValueInput(InputModel):
    """A custom field value to write: ``field`` is the field id, ``value`` its text form.

    Multi-value fields take ``||a||b||``, dates ``YYYY-MM-DD``, datetimes ISO 8601.
    """

    field: Id
    value: str

    @field_validator("field")
    @classmethod
    def _numeric(cls, value: str) -> str:
        if not value.isdigit():
            raise ValueError("field must be a numeric custom field id")
        return value


class ContactInput(InputModel):
    """The writable part of a contact, for create, update and sync."""

    email: str | None = None
    first_name: str | None = Field(default=None, serialization_alias="firstName")
    last_name: str | None = Field(default=None, serialization_alias="lastName")
    phone: str | None = None
    field_values: list[FieldValueInput] | None = Field(
        default=None, serialization_alias="fieldValues"
    )

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and ("@" not in value or any(c.isspace() for c in value)):
            raise ValueError("email must be an address like name@example.com")
        return value

    def body(self) -> dict[str, Any]:
        """The ``{"contact": {...}}`` request body, leaving out what was not given."""
        return {"contact": self.model_dump(by_alias=True, exclude_none=True)}


class Contact(ApiModel):
    """A contact as the API returns it."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "email", "first_name", "last_name")

    id: Id
    email: str = ""
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    phone: str | None = None
    cdate: str | None = None
    udate: str | None = None


class FieldValue(ApiModel):
    """One custom field value of one contact."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "contact", "field", "value")

    id: Id
    contact: OptionalId = None
    field: OptionalId = None
    value: str | None = None
    owner: OptionalId = None


class SyncedContact(ApiModel):
    """What create, update and sync answer: the contact and the field values written."""

    repr_fields: ClassVar[tuple[str, ...]] = ("contact",)

    contact: Contact
    field_values: list[FieldValue] = Field(default_factory=list, alias="fieldValues")


class ContactTag(ApiModel):
    """The link between a contact and a tag; its id is what ``contact_tags.remove`` takes.

    ``tag`` is the tag's id: the documented answers carry no tag names
    (``contact_tags.tags(contact_id)`` gives the tags themselves).
    """

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "contact", "tag")

    id: Id
    contact: Id
    tag: Id
    cdate: str | None = None


class ContactList(ApiModel):
    """A contact's membership of a list; ``status`` is a ``ListStatus`` (``"1"``
    subscribed, ``"2"`` unsubscribed, ...), or the API's string for a code it does not
    know."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "contact", "list", "status")

    id: OptionalId = None
    contact: Id
    list: Id
    status: ListStatusValue


class TrackingLog(ApiModel):
    """One event recorded for a contact (``/contacts/{id}/trackingLogs``): ``type`` is the
    event name, ``value`` its data, ``tstamp`` when it happened."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "contact", "type", "tstamp")

    id: Id
    contact: OptionalId = None
    type: str = ""
    value: str | None = None
    tstamp: str | None = None
