"""Bulk import: 1 to 250 contacts per request, queued and processed by the API.

Its own budget applies on top of the account's: 100 requests a minute for batches of
several contacts, 20 a minute for single-contact ones; the client keeps to both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._exceptions import InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_method
from .._requests import ApiRequest, Budget
from ..models._base import parse_response, validate_input
from ..models.bulk_import import (
    BulkImportCallback,
    BulkImportContact,
    BulkImportInfo,
    BulkImportOverview,
    BulkImportResult,
)
from ._common import require_text

__all__ = ["MAX_IMPORT_CONTACTS", "BulkImport"]

MAX_IMPORT_CONTACTS = 250


def _contacts_body(contacts: Sequence[BulkImportContact | Mapping[str, Any]]) -> list[Any]:
    if isinstance(contacts, (str, bytes, Mapping)) or not isinstance(contacts, Sequence):
        raise InvalidInputError("contacts", "must be a list of contacts")
    if not 1 <= len(contacts) <= MAX_IMPORT_CONTACTS:
        raise InvalidInputError(
            "contacts", f"must hold 1 to {MAX_IMPORT_CONTACTS} contacts, got {len(contacts)}"
        )
    body = []
    for index, contact in enumerate(contacts):
        if not isinstance(contact, BulkImportContact):
            if not isinstance(contact, Mapping):
                raise InvalidInputError(f"contacts[{index}]", "must be a contact object")
            contact = validate_input(BulkImportContact, dict(contact), prefix=f"contacts[{index}].")
        body.append(contact.body())
    return body


def _callback(callback: BulkImportCallback | Mapping[str, Any]) -> BulkImportCallback:
    if isinstance(callback, BulkImportCallback):
        return callback
    if not isinstance(callback, Mapping):
        raise InvalidInputError("callback", "must be a BulkImportCallback or a mapping")
    return validate_input(BulkImportCallback, dict(callback), prefix="callback.")


class BulkImport(Resource[D]):
    """``/import/bulk_import`` and ``/import/info``."""

    @api_method
    def import_contacts(
        self,
        contacts: Sequence[BulkImportContact | Mapping[str, Any]],
        *,
        exclude_automations: bool = False,
        callback: BulkImportCallback | Mapping[str, Any] | None = None,
    ) -> Operation[BulkImportResult]:
        """Queue up to 250 contacts for import; every contact is validated before sending.

        ``callback`` asks ActiveCampaign to call a URL of yours once the import is done
        (``BulkImportCallback``: url, request type, params, headers, detailed results).
        A 400 answer (``BadRequestError``) lists rejected contacts in ``errors``, each with
        ``pointer`` ``/contacts/<index>``.
        """
        body: dict[str, Any] = {"contacts": _contacts_body(contacts)}
        if callback is not None:
            body["callback"] = _callback(callback).body()
        if exclude_automations:
            for contact in body["contacts"]:
                contact["exclude_automations"] = True
        budget: Budget = "bulk_import" if len(body["contacts"]) > 1 else "bulk_import_single"
        # An upsert by email: importing the same contacts twice leaves the same contacts.
        data = yield ApiRequest(
            "POST", "import/bulk_import", json=body, budget=budget, replay_safe=True
        )
        return parse_response(BulkImportResult, data, what="bulk_import")

    @api_method
    def status(self, batch_id: str) -> Operation[BulkImportInfo]:
        """Progress of one batch: imported contact ids and rejected entries."""
        params = {"batchId": require_text(batch_id, name="batch_id", max_length=100)}
        data = yield ApiRequest("GET", "import/info", params=params)
        return parse_response(BulkImportInfo, data, what="import/info")

    @api_method
    def overview(self) -> Operation[BulkImportOverview]:
        """Outstanding and recently completed imports, per day."""
        data = yield ApiRequest("GET", "import/bulk_import")
        return parse_response(BulkImportOverview, data, what="import/bulk_import")
