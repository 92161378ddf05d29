"""Account-level objects: tags, custom fields (with their options and lists), mailing lists."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from ._base import ApiModel, Id, InputModel, OptionalId

__all__ = [
    "CustomField",
    "CustomFieldInput",
    "FieldOption",
    "FieldOptionInput",
    "FieldRel",
    "FieldType",
    "MailingList",
    "Tag",
    "TagType",
]

TagType = Literal["contact", "template"]
"""What a tag labels: contacts, or email templates."""

FieldType = Literal[
    "text",
    "textarea",
    "date",
    "datetime",
    "number",
    "dropdown",
    "listbox",
    "radio",
    "checkbox",
    "hidden",
]
"""Custom field types the API documents. ``listbox`` is the multi-select list; values of
``checkbox`` and ``listbox`` fields are written ``||a||b||``."""


class Tag(ApiModel):
    """A tag. Its name is in ``tag`` on the wire; ``name`` reads the same."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "tag", "tag_type")

    id: Id
    tag: str
    tag_type: str = Field(default="contact", alias="tagType")
    description: str | None = ""
    cdate: str | None = None

    @property
    def name(self) -> str:
        """The tag's name."""
        return self.tag


class CustomField(ApiModel):
    """A custom contact field; ``perstag`` is its personalization tag (``%PERSTAG%``)."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "title", "type", "perstag")

    id: Id
    title: str
    type: str = ""
    perstag: str = ""
    descript: str | None = None
    defval: str | None = None


class CustomFieldInput(InputModel):
    """The writable attributes of a custom field, for ``fields.create`` and
    ``fields.update``; what is left None is not sent."""

    title: str | None = Field(default=None, min_length=1, max_length=255)
    type: FieldType | None = None
    descript: str | None = None
    perstag: str | None = Field(default=None, max_length=255)
    defval: str | None = None
    visible: bool | None = None
    ordernum: int | None = Field(default=None, ge=0)

    def body(self) -> dict[str, Any]:
        """The ``{"field": {...}}`` request body; booleans as the documented 0/1."""
        data = self.model_dump(exclude_none=True)
        if "visible" in data:
            data["visible"] = int(data["visible"])
        return {"field": data}


class FieldOption(ApiModel):
    """One choice of a dropdown, radio, checkbox or listbox field."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "field", "value", "label")

    id: Id
    field: OptionalId = None
    value: str = ""
    label: str = ""
    orderid: int | None = None
    isdefault: bool = False

    @field_validator("isdefault", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        # Sent as 0/1 (or "0"/"1"); None for an option that never had the flag.
        return bool(int(value)) if isinstance(value, (int, str)) and str(value).isdigit() else value


class FieldOptionInput(InputModel):
    """A choice to add to a field (``fields.add_options``): its ``value``, the ``label``
    shown (the value unless given), whether it is the default, and its place."""

    value: str = Field(min_length=1)
    label: str | None = None
    isdefault: bool = False
    orderid: int | None = Field(default=None, ge=0)


class FieldRel(ApiModel):
    """A custom field's availability on a list (``relid`` 0: on every list)."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "field", "relid")

    id: Id
    field: Id
    relid: Id
    cdate: str | None = None


class MailingList(ApiModel):
    """A mailing list (called ``list`` in the API)."""

    repr_fields: ClassVar[tuple[str, ...]] = ("id", "name")

    id: Id
    name: str
    stringid: str = ""
    cdate: str | None = None
