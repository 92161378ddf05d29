"""Contacts: upsert by email, CRUD, and search."""

from __future__ import annotations

from typing import Any

from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap, validate_input
from ..models.contacts import Contact, ContactInput, SyncedContact
from ._common import FieldValuesArg, field_values_input

__all__ = ["Contacts"]


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
    ) -> Operation[SyncedContact]:
        """Create a contact; an existing email is a 422 (use ``sync`` to upsert).

        Not retried after a timeout or a 5xx, where the contact may have been created:
        the retry would answer 422 to a call that succeeded.
        """
        body = _contact_input(email, first_name, last_name, phone, field_values).body()
        data = yield ApiRequest("POST", "contacts", json=body)
        return parse_response(SyncedContact, data, what="create contact")

    @api_method
    def get(self, contact_id: str | int) -> Operation[Contact]:
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
    ) -> Operation[SyncedContact]:
        """Change the given attributes of a contact; others stay as they are."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}"
        body = _contact_input(email, first_name, last_name, phone, field_values).body()
        data = yield ApiRequest("PUT", path, json=body)
        return parse_response(SyncedContact, data, what=path)

    @api_method
    def delete(self, contact_id: str | int) -> Operation[None]:
        """Delete a contact."""
        yield ApiRequest("DELETE", f"contacts/{object_id(contact_id, name='contact_id')}")

    @api_list
    def list(self, *, email: str | None = None, search: str | None = None) -> PageQuery[Contact]:
        """Every contact, or those with this exact ``email`` / matching ``search``."""
        params = {k: v for k, v in (("email", email), ("search", search)) if v is not None}
        return PageQuery("contacts", "contacts", Contact, params)
