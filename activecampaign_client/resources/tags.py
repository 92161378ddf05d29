"""Tags and the contact-tag links."""

from __future__ import annotations

from .._exceptions import InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap
from ..models.catalog import Tag
from ..models.contacts import ContactTag
from ._common import require_text

__all__ = ["ContactTags", "Tags"]


class Tags(Resource[D]):
    """``/tags``. Names compare case-insensitively; creating an existing name is a 422."""

    @api_method
    def create(
        self, name: str, *, tag_type: str = "contact", description: str = ""
    ) -> Operation[Tag]:
        """Create a tag (``tag_type`` "contact" or "template").

        Not retried after a timeout or a 5xx, where the tag may have been created.
        """
        if tag_type not in ("contact", "template"):
            raise InvalidInputError(
                "tag_type", f"must be 'contact' or 'template', got {tag_type!r}"
            )
        body = {
            "tag": {
                "tag": require_text(name, name="name", max_length=255),
                "tagType": tag_type,
                "description": description,
            }
        }
        data = yield ApiRequest("POST", "tags", json=body)
        return parse_response(Tag, unwrap(data, "tag", what="create tag"), what="create tag")

    @api_method
    def get(self, tag_id: str | int) -> Operation[Tag]:
        """One tag by id."""
        path = f"tags/{object_id(tag_id, name='tag_id')}"
        data = yield ApiRequest("GET", path)
        return parse_response(Tag, unwrap(data, "tag", what=path), what=path)

    @api_method
    def delete(self, tag_id: str | int) -> Operation[None]:
        """Delete a tag (and its links to contacts)."""
        yield ApiRequest("DELETE", f"tags/{object_id(tag_id, name='tag_id')}")

    @api_list
    def list(self, *, search: str | None = None) -> PageQuery[Tag]:
        """Every tag, or those whose name contains ``search``."""
        params = {"search": search} if search is not None else {}
        return PageQuery("tags", "tags", Tag, params)


class ContactTags(Resource[D]):
    """``/contactTags``: which tags a contact carries."""

    @api_method
    def add(self, contact_id: str | int, tag_id: str | int) -> Operation[ContactTag]:
        """Put a tag on a contact (retried like a read: linking twice is harmless)."""
        body = {
            "contactTag": {
                "contact": object_id(contact_id, name="contact_id"),
                "tag": object_id(tag_id, name="tag_id"),
            }
        }
        # Assumed idempotent: a link that exists is answered with that link (as the
        # emulator does), not a second link or a 422, so a retry cannot fail a success.
        data = yield ApiRequest("POST", "contactTags", json=body, replay_safe=True)
        raw = unwrap(data, "contactTag", what="add contact tag")
        return parse_response(ContactTag, raw, what="add contact tag")

    @api_method
    def remove(self, contact_tag_id: str | int) -> Operation[None]:
        """Take a tag off a contact, by the link id (``ContactTag.id``, not the tag id)."""
        yield ApiRequest(
            "DELETE", f"contactTags/{object_id(contact_tag_id, name='contact_tag_id')}"
        )

    @api_list
    def list(self, contact_id: str | int) -> PageQuery[ContactTag]:
        """The tag links of one contact."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}/contactTags"
        return PageQuery(path, "contactTags", ContactTag)
