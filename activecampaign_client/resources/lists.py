"""Mailing lists and contacts' subscriptions to them."""

from __future__ import annotations

from typing_extensions import Unpack

from .._constants import MAX_PAGE_SIZE
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._options import RequestOptions
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap
from ..models.catalog import MailingList
from ..models.contacts import ContactList

__all__ = ["ContactLists", "Lists"]

# Status codes of /contactLists: 1 subscribed, 2 unsubscribed.
SUBSCRIBED = 1
UNSUBSCRIBED = 2
# The documented ``sourceid`` of a re-subscription (of a contact who unsubscribed).
RESUBSCRIBE_SOURCE = 4


class Lists(Resource[D]):
    """``/lists``."""

    @api_list
    def list(
        self, *, page_size: int = MAX_PAGE_SIZE, **request_options: Unpack[RequestOptions]
    ) -> PageQuery[MailingList]:
        """Every mailing list."""
        return PageQuery("lists", "lists", MailingList, page_size=page_size)

    @api_method
    def get(
        self, list_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[MailingList]:
        """One list by id."""
        path = f"lists/{object_id(list_id, name='list_id')}"
        data = yield ApiRequest("GET", path)
        raw = unwrap(data, "list", what=path)
        return parse_response(MailingList, raw, what=path)


class ContactLists(Resource[D]):
    """``/contactLists``: setting a contact's status on a list is idempotent."""

    @api_method
    def subscribe(
        self,
        contact_id: str | int,
        list_id: str | int,
        *,
        resubscribe: bool = False,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[ContactList]:
        """Subscribe a contact to a list (status 1).

        ``resubscribe=True`` also sends ``sourceid`` 4, which the API documents for
        re-subscribing a contact to a list they were unsubscribed from. As the API warns,
        this subscribes again a contact who unsubscribed by themselves: do it only with
        their consent.
        """
        source = RESUBSCRIBE_SOURCE if resubscribe else None
        return (yield from self._set_status(contact_id, list_id, SUBSCRIBED, source))

    @api_method
    def unsubscribe(
        self, contact_id: str | int, list_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[ContactList]:
        """Unsubscribe a contact from a list (status 2)."""
        return (yield from self._set_status(contact_id, list_id, UNSUBSCRIBED))

    @api_list
    def list(
        self,
        contact_id: str | int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        **request_options: Unpack[RequestOptions],
    ) -> PageQuery[ContactList]:
        """One contact's list memberships."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}/contactLists"
        return PageQuery(path, "contactLists", ContactList, page_size=page_size)

    @staticmethod
    def _set_status(
        contact_id: str | int, list_id: str | int, status: int, source: int | None = None
    ) -> Operation[ContactList]:
        membership: dict[str, str | int] = {
            "list": object_id(list_id, name="list_id"),
            "contact": object_id(contact_id, name="contact_id"),
            "status": status,
        }
        if source is not None:
            membership["sourceid"] = source
        body = {"contactList": membership}
        # Sets a status, whatever it was: sending it twice is harmless, so it is retried.
        data = yield ApiRequest("POST", "contactLists", json=body, replay_safe=True)
        raw = unwrap(data, "contactList", what="contactLists")
        return parse_response(ContactList, raw, what="contactLists")
