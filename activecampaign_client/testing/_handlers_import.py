"""Bulk import: validated as a whole when received, applied ``import_delay`` later.

Limits: 1 to 250 contacts a request; 100 requests a minute for multi-contact batches and
20 a minute for single-contact ones. Beyond that the API answers (as documented) a 400
``{"success": 0, "message": "Rate limit exceeded.", "failureReasons": ["Up to 100 ..."]}``.

An accepted import is queued and applied, in the order received, once simulated time
reaches its acceptance plus the account's ``import_delay`` (0: at once). ``GET
/import/info`` follows it as the documentation describes: ``false`` for the status within
the first second (no status set yet), then ``active``, then ``completed`` with the ids.
Imports due are applied before any request is served or any state is inspected, so nothing
can observe the account between the moment one is due and its application.
"""

from __future__ import annotations

from typing import Any

from ._handlers_contacts import ident
from ._records import ContactRecord, ImportBatch
from ._state import AccountState, valid_email
from ._wire import EmuRequest, EmuResponse, bad_request, json_response

__all__ = ["MAX_IMPORT_CONTACTS", "ROUTES", "apply_due_imports"]

MAX_IMPORT_CONTACTS = 250


def _failures(contacts: list[Any]) -> list[dict[str, Any]]:
    reasons: list[dict[str, Any]] = []
    for index, contact in enumerate(contacts):
        if not isinstance(contact, dict):
            reasons.append({"contact": index, "failureReason": "Contact must be an object"})
        elif not valid_email(contact.get("email")):
            reasons.append({"contact": index, "failureReason": "Field 'email' incorrect format"})
        elif not all(isinstance(t, str) for t in contact.get("tags") or []):
            reasons.append({"contact": index, "failureReason": "Field 'tags' must hold names"})
    return reasons


def _text(contact: dict[str, Any], key: str) -> str | None:
    value = contact.get(key)
    return None if value is None else str(value)


def _apply(state: AccountState, data: dict[str, Any]) -> ContactRecord:
    email = str(data["email"]).strip()
    contact = state.contact_by_email(email) or state.create_contact(email)
    state.update_contact(
        contact,
        first_name=_text(data, "first_name"),
        last_name=_text(data, "last_name"),
        phone=_text(data, "phone"),
        customer_acct_name=_text(data, "customer_acct_name"),
    )
    for name in data.get("tags") or []:
        name = name.strip()
        if name:
            tag = state.tag_by_name(name) or state.create_tag(name)
            state.add_contact_tag(contact.id, tag.id)
    for item in data.get("fields") or []:
        field_id = ident(item.get("id")) if isinstance(item, dict) else None
        if field_id in state.fields and isinstance(item, dict):
            state.set_field_value(contact.id, str(field_id), str(item.get("value", "")))
    for key, status in (("subscribe", "1"), ("unsubscribe", "2")):
        for item in data.get(key) or []:
            list_id = ident(item.get("listid")) if isinstance(item, dict) else None
            if list_id in state.lists:
                state.set_list_status(contact.id, str(list_id), status)
    return contact


def _valid_callback(callback: Any) -> bool:
    """The documented ``callback``: ``url`` and ``requestType`` (GET or POST) required."""
    return (
        isinstance(callback, dict)
        and isinstance(callback.get("url"), str)
        and bool(callback["url"].strip())
        and callback.get("requestType") in ("GET", "POST")
    )


def bulk_import(state: AccountState, request: EmuRequest) -> EmuResponse:
    """POST /import/bulk_import: 400 with ``failureReasons`` (nothing applied) or queued.
    A ``callback`` is checked and kept with the batch (the emulator calls no URL)."""
    contacts = request.json.get("contacts") if isinstance(request.json, dict) else None
    if not isinstance(contacts, list) or not 1 <= len(contacts) <= MAX_IMPORT_CONTACTS:
        return bad_request(f"'contacts' must be a list of 1 to {MAX_IMPORT_CONTACTS} contacts.")
    multi = len(contacts) > 1
    window = state.import_multi if multi else state.import_single
    if not window.admit(state.now()):
        # Documented as a 400 (not a 429) with the reason as a plain string.
        kind = "multi-contact" if multi else "single-contact"
        body = {
            "success": 0,
            "message": "Rate limit exceeded.",
            "failureReasons": [
                f"Up to {window.burst} imports may be requested per minute.Please batch "
                f"contacts into larger requests, or retry this request in a minute. ({kind})"
            ],
        }
        return EmuResponse(400, body)
    callback = request.json.get("callback") if isinstance(request.json, dict) else None
    if callback is not None and not _valid_callback(callback):
        return bad_request("'callback' needs a 'url' and a 'requestType' of GET or POST.")
    reasons = _failures(contacts)
    if reasons:
        body = {
            "success": 0,
            "message": "JSON payload did not pass validation. Please fix failure Reasons and "
            "retry. The import was not queued for processing.",
            "failureReasons": reasons,
        }
        return EmuResponse(400, body)
    now = state.now()
    batch = ImportBatch(
        id=state.new_uuid(),
        for_date=state.datetime().date().isoformat(),
        contacts=len(contacts),
        accepted=now,
        due=now + state.import_delay,
        payload=contacts,
        callback=callback,
    )
    state.batches[batch.id] = batch
    state.import_queue.append(batch.id)
    apply_due_imports(state)
    body = {
        "Success": 1,
        "queued_contacts": len(contacts),
        "batchId": batch.id,
        "message": "Contact import queued",
    }
    return json_response(body)


def apply_due_imports(state: AccountState) -> None:
    """Apply the queued imports whose time has come, first received first."""
    queue = state.import_queue
    now = state.now()
    while queue and state.batches[queue[0]].due <= now:
        batch = state.batches[queue.popleft()]
        batch.success = [_apply(state, contact).id for contact in batch.payload]
        batch.payload = []
        batch.applied = True


# ActiveCampaign documents ``false`` for a batch asked about within a second of its import.
_NO_STATUS_YET = 1.0


def import_info(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /import/info?batchId=...: status, imported contact ids, rejected emails."""
    batch_id = request.params.get("batchId")
    if not batch_id:
        return bad_request("'batchId' is a required field.")
    batch = state.batches.get(batch_id)
    if batch is None:
        return EmuResponse(404, {"success": 0, "message": f"No batch found with id {batch_id}"})
    if batch.applied:
        return json_response(
            {"status": "completed", "success": batch.success, "failure": batch.failure}
        )
    status: str | bool = "active" if state.now() - batch.accepted >= _NO_STATUS_YET else False
    return json_response({"status": status, "success": [], "failure": []})


def import_overview(state: AccountState, request: EmuRequest) -> EmuResponse:
    """GET /import/bulk_import: batches and contacts per day (counts as strings), still
    outstanding or completed."""
    days: dict[tuple[bool, str], list[int]] = {}
    for batch in state.batches.values():
        day = days.setdefault((batch.applied, batch.for_date), [0, 0])
        day[0] += 1
        day[1] += batch.contacts

    def per_day(applied: bool) -> list[dict[str, str]]:
        return [
            {"forDate": date, "batches": str(batches), "contacts": str(count)}
            for (done, date), (batches, count) in sorted(days.items())
            if done is applied
        ]

    return json_response({"outstanding": per_day(False), "recentlyCompleted": per_day(True)})


ROUTES = [
    ("POST", "import/bulk_import", bulk_import),
    ("GET", "import/info", import_info),
    ("GET", "import/bulk_import", import_overview),
]
"""(method, path under /api/3, handler)."""
