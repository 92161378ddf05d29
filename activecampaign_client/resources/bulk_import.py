"""Bulk import: 1 to 250 contacts per request, queued and processed by the API.

A request holds at most 250 contacts and 400,000 bytes (ActiveCampaign's bulk import
docs); ``import_chunks`` splits a longer list into requests within both. Its own budget
applies on top of the account's: 100 requests a minute for batches of several contacts,
20 a minute for single-contact ones; the client keeps to both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._exceptions import InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_method
from .._options import RequestOptions
from .._requests import ApiRequest, Budget, encode_json
from ..models._base import parse_response, validate_input
from ..models.bulk_import import (
    BulkImportCallback,
    BulkImportContact,
    BulkImportInfo,
    BulkImportOverview,
    BulkImportResult,
)
from ._common import require_text

__all__ = ["MAX_IMPORT_BYTES", "MAX_IMPORT_CONTACTS", "BulkImport", "import_chunks"]

MAX_IMPORT_CONTACTS = 250
# The documented payload cap. Requests are kept strictly below it: whether a payload of
# exactly 400,000 bytes passes is not documented, and one byte costs nothing.
MAX_IMPORT_BYTES = 400_000

_Contacts = Sequence[BulkImportContact | Mapping[str, Any]]
# The bytes of {"contacts":[...]} around the entries and the commas between them.
_ENVELOPE = len(encode_json({"contacts": []}))


def _contact_entries(contacts: _Contacts, *, exclude_automations: bool) -> list[dict[str, Any]]:
    """Each contact validated, as the JSON it is sent as."""
    if isinstance(contacts, (str, bytes, Mapping)) or not isinstance(contacts, Sequence):
        raise InvalidInputError("contacts", "must be a list of contacts")
    entries = []
    for index, contact in enumerate(contacts):
        if not isinstance(contact, BulkImportContact):
            if not isinstance(contact, Mapping):
                raise InvalidInputError(f"contacts[{index}]", "must be a contact object")
            contact = validate_input(BulkImportContact, dict(contact), prefix=f"contacts[{index}].")
        entry = contact.body()
        if exclude_automations:
            entry["exclude_automations"] = True
        entries.append(entry)
    return entries


def import_chunks(contacts: _Contacts, *, exclude_automations: bool = False) -> list[list[int]]:
    """The positions of ``contacts``, in order, split into requests of at most 250
    contacts and under 400,000 bytes each, as ``import_contacts`` would send them.

    A contact too large for a request of its own is alone in its chunk, which
    ``import_contacts`` refuses (InvalidInputError): nothing else is held back by it.
    """
    chunks: list[list[int]] = []
    size = 0
    for index, entry in enumerate(
        _contact_entries(contacts, exclude_automations=exclude_automations)
    ):
        grown = size + 1 + len(encode_json(entry))  # a comma, then the entry
        if chunks and len(chunks[-1]) < MAX_IMPORT_CONTACTS and grown < MAX_IMPORT_BYTES:
            chunks[-1].append(index)
            size = grown
        else:
            chunks.append([index])
            size = _ENVELOPE + len(encode_json(entry))
    return chunks


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
        **request_options: Unpack[RequestOptions],
    ) -> Operation[BulkImportResult]:
        """Queue up to 250 contacts, under 400,000 bytes of JSON, for import; every contact is
        validated before sending (``import_chunks`` splits a longer list).

        ``callback`` asks ActiveCampaign to call a URL of yours once the import is done
        (``BulkImportCallback``: url, request type, params, headers, detailed results).
        A 400 answer (``BadRequestError``) lists rejected contacts in ``errors``, each with
        ``pointer`` ``/contacts/<index>``.
        """
        entries = _contact_entries(contacts, exclude_automations=exclude_automations)
        if not 1 <= len(entries) <= MAX_IMPORT_CONTACTS:
            raise InvalidInputError(
                "contacts", f"must hold 1 to {MAX_IMPORT_CONTACTS} contacts, got {len(entries)}"
            )
        body: dict[str, Any] = {"contacts": entries}
        if callback is not None:
            body["callback"] = _callback(callback).body()
        size = len(encode_json(body))
        if size >= MAX_IMPORT_BYTES:
            raise InvalidInputError(
                "contacts",
                f"encode to {size} bytes; ActiveCampaign takes less than {MAX_IMPORT_BYTES} "
                "per import: split them with import_chunks(); nothing was sent",
            )
        budget: Budget = "bulk_import" if len(body["contacts"]) > 1 else "bulk_import_single"
        # An upsert by email: importing the same contacts twice leaves the same contacts.
        data = yield ApiRequest(
            "POST", "import/bulk_import", json=body, budget=budget, replay_safe=True
        )
        return parse_response(BulkImportResult, data, what="bulk_import")

    @api_method
    def status(
        self, batch_id: str, **request_options: Unpack[RequestOptions]
    ) -> Operation[BulkImportInfo]:
        """Progress of one batch: imported contact ids and rejected entries."""
        params = {"batchId": require_text(batch_id, name="batch_id", max_length=100)}
        data = yield ApiRequest("GET", "import/info", params=params)
        return parse_response(BulkImportInfo, data, what="import/info")

    @api_method
    def overview(self, **request_options: Unpack[RequestOptions]) -> Operation[BulkImportOverview]:
        """Outstanding and recently completed imports, per day."""
        data = yield ApiRequest("GET", "import/bulk_import")
        return parse_response(BulkImportOverview, data, what="import/bulk_import")
