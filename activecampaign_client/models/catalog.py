"""Account-level objects: tags, custom fields and mailing lists."""

from __future__ import annotations

from pydantic import Field

from ._base import ApiModel, Id

__all__ = ["CustomField", "MailingList", "Tag"]


class Tag(ApiModel):
    """A tag. Its name is in ``tag`` on the wire; ``name`` reads the same."""

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

    id: Id
    title: str
    type: str = ""
    perstag: str = ""
    descript: str | None = None
    defval: str | None = None


class MailingList(ApiModel):
    """A mailing list (called ``list`` in the API)."""

    id: Id
    name: str
    stringid: str = ""
    cdate: str | None = None
