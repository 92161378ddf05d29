"""Tags and the contact-tag links."""

from __future__ import annotations

import builtins
from typing import Any, Literal

from typing_extensions import Unpack

from .._constants import MAX_PAGE_SIZE
from .._exceptions import InvalidInputError, NotFoundError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._options import RequestOptions
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap
from ..models.catalog import Tag, TagType
from ..models.contacts import ContactTag
from ._common import query_text, require_text

__all__ = ["ContactTags", "TagMatch", "Tags"]

TagMatch = Literal["contains", "eq", "neq", "starts_with", "lt", "lte", "gt", "gte"]
"""How ``tags.list(search=..., match=...)`` compares names: the operators of the API's
``filters[search][<operator>]`` (``contains`` is its plain ``search``)."""

_TAG_MATCHES = ("contains", "eq", "neq", "starts_with", "lt", "lte", "gt", "gte")


def _tag_type(value: object) -> str:
    if value not in ("contact", "template"):
        raise InvalidInputError("tag_type", f"must be 'contact' or 'template', got {value!r}")
    return str(value)


def _description(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError("description", f"must be a string, not {type(value).__name__}")
    return value


class Tags(Resource[D]):
    """``/tags``. Names compare case-insensitively; creating an existing name is a 422."""

    @api_method
    def create(
        self,
        name: str,
        *,
        tag_type: TagType = "contact",
        description: str = "",
        **request_options: Unpack[RequestOptions],
    ) -> Operation[Tag]:
        """Create a tag (``tag_type`` "contact" or "template").

        Not retried after a timeout or a 5xx, where the tag may have been created.
        """
        body = {
            "tag": {
                "tag": require_text(name, name="name", max_length=255),
                "tagType": _tag_type(tag_type),
                "description": _description(description),
            }
        }
        data = yield ApiRequest("POST", "tags", json=body)
        return parse_response(Tag, unwrap(data, "tag", what="create tag"), what="create tag")

    @api_method
    def get(self, tag_id: str | int, **request_options: Unpack[RequestOptions]) -> Operation[Tag]:
        """One tag by id."""
        path = f"tags/{object_id(tag_id, name='tag_id')}"
        data = yield ApiRequest("GET", path)
        return parse_response(Tag, unwrap(data, "tag", what=path), what=path)

    @api_method
    def update(
        self,
        tag_id: str | int,
        *,
        name: str | None = None,
        tag_type: TagType | None = None,
        description: str | None = None,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[Tag]:
        """Rename a tag, or change its type or description; what is None stays as it is.

        A name another tag has (in any letter case) is a 422, like ``create``.
        """
        path = f"tags/{object_id(tag_id, name='tag_id')}"
        changes: dict[str, Any] = {}
        if name is not None:
            changes["tag"] = require_text(name, name="name", max_length=255)
        if tag_type is not None:
            changes["tagType"] = _tag_type(tag_type)
        if description is not None:
            changes["description"] = _description(description)
        if not changes:
            raise InvalidInputError("name", "give at least one of name, tag_type, description")
        data = yield ApiRequest("PUT", path, json={"tag": changes})
        return parse_response(Tag, unwrap(data, "tag", what=path), what=path)

    @api_method
    def delete(
        self, tag_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Delete a tag (and its links to contacts)."""
        yield ApiRequest("DELETE", f"tags/{object_id(tag_id, name='tag_id')}")

    @api_list
    def list(
        self,
        *,
        search: str | None = None,
        match: TagMatch = "contains",
        page_size: int = MAX_PAGE_SIZE,
        **request_options: Unpack[RequestOptions],
    ) -> PageQuery[Tag]:
        """Every tag, or those whose name compares to ``search`` as ``match`` says:
        ``contains`` (the default), ``eq`` (the same name; the API compares letter case
        as the account's database does), ``starts_with``, ``neq``, ``lt``/``lte``/``gt``/
        ``gte`` (alphabetical order)."""
        if match not in _TAG_MATCHES:
            raise InvalidInputError("match", f"must be one of {', '.join(_TAG_MATCHES)}")
        params: dict[str, str | int] = {}
        if search is not None:
            text = query_text(search, name="search")
            params["search" if match == "contains" else f"filters[search][{match}]"] = text
        return PageQuery("tags", "tags", Tag, params, page_size=page_size)

    @api_method
    def find(self, name: str, **request_options: Unpack[RequestOptions]) -> Operation[Tag | None]:
        """The tag with exactly this name, compared case-insensitively as ActiveCampaign
        compares tag names; None when there is none. One request
        (``filters[search][eq]``), more only if the account has several matches."""
        wanted = require_text(name, name="name", max_length=255)
        query = PageQuery("tags", "tags", Tag, {"filters[search][eq]": wanted})
        cursor = query.cursor()
        while not cursor.done:
            # Compared here too: the filter's own rule (or a server ignoring it) decides
            # what comes back, not what counts as the same name.
            for tag in (yield from cursor.next_page()):
                if tag.name.strip().casefold() == wanted.casefold():
                    return tag
        return None


class ContactTags(Resource[D]):
    """``/contactTags``: which tags a contact carries."""

    @api_method
    def add(
        self, contact_id: str | int, tag_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[ContactTag]:
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
    def remove(
        self, contact_tag_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Take a tag off a contact, by the link id (``ContactTag.id``, not the tag id)."""
        yield ApiRequest(
            "DELETE", f"contactTags/{object_id(contact_tag_id, name='contact_tag_id')}"
        )

    @api_method
    def remove_tag(
        self, contact_id: str | int, tag_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[ContactTag | None]:
        """Take the tag ``tag_id`` off a contact: finds the link among the contact's tags,
        then deletes it. Returns the link removed, or None when the contact did not carry
        the tag (nothing is deleted then, and a link someone else removed meanwhile counts
        as not carried)."""
        wanted = object_id(tag_id, name="tag_id")
        links = yield from self._links(contact_id).collect()
        link = next((link for link in links if link.tag == wanted), None)
        if link is None:
            return None
        try:
            yield ApiRequest("DELETE", f"contactTags/{object_id(link.id, name='contact_tag_id')}")
        except NotFoundError:
            return None
        return link

    @api_list
    def list(
        self,
        contact_id: str | int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        **request_options: Unpack[RequestOptions],
    ) -> PageQuery[ContactTag]:
        """The tag links of one contact: the link ids and the tag ids (the documented
        answer names no tag; ``tags(contact_id)`` gives the tags with their names)."""
        return self._links(contact_id, page_size)

    @api_method
    def tags(
        self, contact_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[builtins.list[Tag]]:
        """The tags one contact carries, with their names: the contact's links, then each
        tag by id (1 + one request per tag). A tag deleted meanwhile is left out."""
        links = yield from self._links(contact_id).collect()
        tags: builtins.list[Tag] = []
        for tag_id in dict.fromkeys(link.tag for link in links):
            path = f"tags/{object_id(tag_id, name='tag_id')}"
            try:
                data = yield ApiRequest("GET", path)
            except NotFoundError:
                continue
            tags.append(parse_response(Tag, unwrap(data, "tag", what=path), what=path))
        return tags

    @staticmethod
    def _links(contact_id: str | int, page_size: int = MAX_PAGE_SIZE) -> PageQuery[ContactTag]:
        path = f"contacts/{object_id(contact_id, name='contact_id')}/contactTags"
        return PageQuery(path, "contactTags", ContactTag, page_size=page_size)
