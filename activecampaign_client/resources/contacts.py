"""Contacts: upsert by email, CRUD, and search."""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import Unpack

from .._constants import MAX_PAGE_SIZE
from .._exceptions import InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._options import RequestOptions
from .._pagination import KeysetOrder, PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap, validate_input
from ..models.contacts import Contact, ContactInput, SyncedContact, TrackingLog
from ..models.statuses import ListStatus
from ._common import (
    DateArg,
    FieldValuesArg,
    date_param,
    field_values_input,
    query_text,
    require_text,
)

__all__ = ["ContactOrder", "Contacts"]

ContactOrder = Literal[
    "id",
    "-id",
    "cdate",
    "-cdate",
    "email",
    "-email",
    "first_name",
    "-first_name",
    "last_name",
    "-last_name",
    "name",
    "-name",
]
"""``contacts.list(order_by=...)``: a field of the API's ``orders[...]``; ``-`` descending."""

_ORDERS: tuple[str, ...] = ContactOrder.__args__  # type: ignore[attr-defined]


def _status(value: object) -> str:
    """A list status for the ``status`` filter: a ListStatus, or its code as int or text."""
    try:
        code = ListStatus(str(value) if isinstance(value, int) else value)
    except ValueError:
        codes = ", ".join(f"{s.value} ({s.name.lower()})" for s in ListStatus)
        raise InvalidInputError("status", f"must be a ListStatus: {codes}; got {value!r}") from None
    return code.value


def _contact_input(
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    phone: str | None,
    field_values: FieldValuesArg | None,
) -> ContactInput:
    data: dict[str, Any] = {
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "phone": phone,
        "field_values": field_values_input(field_values),
    }
    return validate_input(ContactInput, data)


class Contacts(Resource[D]):
    """``/contacts`` and ``/contact/sync``."""

    @api_method
    def sync(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        field_values: FieldValuesArg | None = None,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[SyncedContact]:
        """Create or update the contact with this email, custom field values included.

        The only idempotent write of the API: safe to retry, one request whatever the state,
        so it is retried after a timeout or a 5xx like a read.
        """
        body = _contact_input(email, first_name, last_name, phone, field_values).body()
        data = yield ApiRequest("POST", "contact/sync", json=body, replay_safe=True)
        return parse_response(SyncedContact, data, what="contact/sync")

    @api_method
    def create(
        self,
        email: str,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        field_values: FieldValuesArg | None = None,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[SyncedContact]:
        """Create a contact; an existing email is a 422 (use ``sync`` to upsert).

        Not retried after a timeout or a 5xx, where the contact may have been created:
        the retry would answer 422 to a call that succeeded.
        """
        body = _contact_input(email, first_name, last_name, phone, field_values).body()
        data = yield ApiRequest("POST", "contacts", json=body)
        return parse_response(SyncedContact, data, what="create contact")

    @api_method
    def get(
        self, contact_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[Contact]:
        """One contact by id."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}"
        data = yield ApiRequest("GET", path)
        return parse_response(Contact, unwrap(data, "contact", what=path), what=path)

    @api_method
    def update(
        self,
        contact_id: str | int,
        *,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        field_values: FieldValuesArg | None = None,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[SyncedContact]:
        """Change the given attributes of a contact; others stay as they are."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}"
        body = _contact_input(email, first_name, last_name, phone, field_values).body()
        data = yield ApiRequest("PUT", path, json=body)
        return parse_response(SyncedContact, data, what=path)

    @api_method
    def delete(
        self, contact_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Delete a contact."""
        yield ApiRequest("DELETE", f"contacts/{object_id(contact_id, name='contact_id')}")

    @api_list
    def list(
        self,
        *,
        email: str | None = None,
        search: str | None = None,
        list_id: str | int | None = None,
        tag_id: str | int | None = None,
        status: ListStatus | int | None = None,
        created_after: DateArg | None = None,
        created_before: DateArg | None = None,
        updated_after: DateArg | None = None,
        updated_before: DateArg | None = None,
        order_by: ContactOrder | None = None,
        page_size: int = MAX_PAGE_SIZE,
        **request_options: Unpack[RequestOptions],
    ) -> PageQuery[Contact]:
        """Every contact, or those matching every filter given.

        ``email`` is exact, ``search`` looks into names, organization, phone and email;
        ``list_id`` / ``tag_id`` keep contacts on that list / with that tag; ``status`` is
        their status on lists (``ListStatus``; with ``list_id``, on that list). The date
        filters take a ``date``, a ``datetime`` or the API's own text.

        ``order_by`` is a field, ``-field`` for descending. Ordered by ``"id"`` or
        ``"-id"``, the listing pages by id (``id_greater``/``id_less``) rather than by
        offset, as ActiveCampaign's pagination guide recommends for large accounts: each
        page is as quick as the first, and contacts added meanwhile are not skipped or
        seen twice. Without ``order_by`` it pages by offset, in the API's default order.
        """
        params: dict[str, str | int] = {}
        texts = (("email", email), ("search", search))
        for name, text in texts:
            if text is not None:
                params[name] = query_text(text, name=name)
        for param, name, value in (("listid", "list_id", list_id), ("tagid", "tag_id", tag_id)):
            if value is not None:
                params[param] = object_id(value, name=name)
        if status is not None:
            params["status"] = _status(status)
        for name, date in (
            ("created_after", created_after),
            ("created_before", created_before),
            ("updated_after", updated_after),
            ("updated_before", updated_before),
        ):
            if date is not None:
                params[f"filters[{name}]"] = date_param(date, name=name)
        keyset: KeysetOrder | None = None
        if order_by is not None:
            if order_by not in _ORDERS:
                raise InvalidInputError("order_by", f"must be one of {', '.join(_ORDERS)}")
            direction: KeysetOrder = "desc" if order_by.startswith("-") else "asc"
            field = order_by.lstrip("-")
            if field == "id":
                keyset = direction  # PageQuery sends orders[id] with id_greater / id_less
            else:
                params[f"orders[{field}]"] = direction
        return PageQuery("contacts", "contacts", Contact, params, page_size, keyset=keyset)

    @api_method
    def find_by_email(
        self, email: str, **request_options: Unpack[RequestOptions]
    ) -> Operation[Contact | None]:
        """The contact with this email address (compared case-insensitively), or None.
        One request."""
        wanted = require_text(email, name="email", max_length=254)
        page = yield from PageQuery("contacts", "contacts", Contact, {"email": wanted}).fetch()
        # Compared here too, so that a server ignoring the filter cannot hand back a stranger.
        return next((c for c in page.items if c.email.strip().lower() == wanted.lower()), None)

    @api_list
    def tracking_logs(
        self,
        contact_id: str | int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        **request_options: Unpack[RequestOptions],
    ) -> PageQuery[TrackingLog]:
        """The events recorded for a contact by event tracking: ``type`` is the event
        name, ``value`` its data."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}/trackingLogs"
        return PageQuery(path, "trackingLogs", TrackingLog, page_size=page_size)
