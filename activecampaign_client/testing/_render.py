"""Records rendered as the API writes them (shapes from the documented examples).

Ids are strings, except where the reference shows the API sending integers: the
``fieldValue`` of a create/update answer, and ``status`` in a ``contactList`` answer.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ._records import (
    ContactListRecord,
    ContactRecord,
    ContactTagRecord,
    DomainRecord,
    FieldOptionRecord,
    FieldRecord,
    FieldRelRecord,
    FieldValueRecord,
    ListRecord,
    TagRecord,
    TrackedEventRecord,
)
from ._state import AccountState

__all__ = [
    "contact_full",
    "contact_list",
    "contact_short",
    "contact_tag",
    "custom_field",
    "domain",
    "field_option",
    "field_rel",
    "field_value",
    "mailing_list",
    "tag",
    "tracking_log",
]

_CONTACT_LINKS = (
    "bounceLogs",
    "contactAutomations",
    "contactData",
    "contactGoals",
    "contactLists",
    "contactLogs",
    "contactTags",
    "contactDeals",
    "deals",
    "fieldValues",
    "geoIps",
    "notes",
    "organization",
    "plusAppend",
    "trackingLogs",
    "scoreValues",
)


def _links(state: AccountState, kind: str, ident: str, names: tuple[str, ...]) -> dict[str, str]:
    return {name: f"{state.base_url}/{kind}/{ident}/{name}" for name in names}


def _utc(stamp: str) -> str:
    return stamp.replace("T", " ")[:19]


def _hash(contact: ContactRecord) -> str:
    return hashlib.md5(contact.email.lower().encode(), usedforsecurity=False).hexdigest()


def contact_full(state: AccountState, contact: ContactRecord) -> dict[str, Any]:
    """A contact as ``GET /contacts`` and ``GET /contacts/{id}`` list it."""
    return {
        "cdate": contact.cdate,
        "email": contact.email,
        "phone": contact.phone,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "orgid": "0",
        "segmentio_id": "",
        "bounced_hard": "0",
        "bounced_soft": "0",
        "bounced_date": None,
        "ip": "0",
        "ua": None,
        "hash": _hash(contact),
        "socialdata_lastcheck": None,
        "email_local": "",
        "email_domain": "",
        "sentcnt": "0",
        "rating_tstamp": None,
        "gravatar": "0",
        "deleted": "0",
        "anonymized": "0",
        "adate": None,
        "udate": contact.udate,
        "edate": None,
        "deleted_at": None,
        "created_utc_timestamp": _utc(contact.cdate),
        "updated_utc_timestamp": _utc(contact.udate),
        "scoreValues": [],
        "links": _links(state, "contacts", contact.id, _CONTACT_LINKS),
        "id": contact.id,
        "organization": None,
    }


def contact_short(
    state: AccountState, contact: ContactRecord, value_ids: list[str]
) -> dict[str, Any]:
    """A contact as create, update and sync answer it, with its written field value ids."""
    return {
        "email": contact.email,
        "phone": contact.phone,
        "firstName": contact.first_name,
        "lastName": contact.last_name,
        "email_empty": False,
        "cdate": contact.cdate,
        "udate": contact.udate,
        "orgid": "",
        "orgname": "",
        "links": _links(state, "contacts", contact.id, _CONTACT_LINKS),
        "hash": _hash(contact),
        "fieldValues": value_ids,
        "id": contact.id,
        "organization": "",
    }


def field_value(
    state: AccountState, record: FieldValueRecord, *, int_ids: bool = False
) -> dict[str, Any]:
    """A field value; ``int_ids`` for the integer ids of POST/PUT /fieldValues answers."""
    contact: str | int = int(record.contact) if int_ids else record.contact
    field: str | int = int(record.field) if int_ids else record.field
    return {
        "contact": contact,
        "field": field,
        "value": record.value,
        "cdate": record.cdate,
        "udate": record.udate,
        "created_by": None,
        "updated_by": None,
        "links": _links(state, "fieldValues", record.id, ("owner", "field")),
        "id": record.id,
        "owner": contact,
    }


def tag(state: AccountState, record: TagRecord) -> dict[str, Any]:
    """A tag; its name is under ``tag``."""
    return {
        "tagType": record.tag_type,
        "tag": record.name,
        "description": record.description,
        "cdate": record.cdate,
        "links": _links(state, "tags", record.id, ("contactGoalTags",)),
        "id": record.id,
    }


def custom_field(state: AccountState, record: FieldRecord) -> dict[str, Any]:
    """A custom field, with the ids of its options and list relations."""
    options = [o.id for o in state.field_options.values() if o.field == record.id]
    relations = [r.id for r in state.field_rels.values() if r.field == record.id]
    return {
        "title": record.title,
        "descript": record.descript,
        "type": record.type,
        "isrequired": "0",
        "perstag": record.perstag,
        "defval": record.defval,
        "show_in_list": "0",
        "rows": "0",
        "cols": "0",
        "visible": "1" if record.visible else "0",
        "service": "",
        "ordernum": str(record.ordernum),
        "cdate": record.cdate,
        "udate": record.udate or record.cdate,
        "options": options,
        "relations": relations,
        "links": _links(state, "fields", record.id, ("options", "relations")),
        "id": record.id,
    }


def field_option(state: AccountState, record: FieldOptionRecord) -> dict[str, Any]:
    """A field option as ``POST /fieldOption/bulk`` answers it (``orderid`` a number,
    ``isdefault`` 0/1)."""
    return {
        "orderid": record.orderid,
        "value": record.value,
        "label": record.label,
        "isdefault": int(record.isdefault),
        "field": record.field,
        "cdate": record.cdate,
        "udate": record.cdate,
        "links": {"field": f"{state.base_url}/fieldOptions/{record.id}/field"},
        "id": record.id,
    }


def field_rel(record: FieldRelRecord, *, int_ids: bool = False) -> dict[str, Any]:
    """A field's list relation; ``int_ids`` for the integer ids of ``POST /fieldRels``."""
    field: str | int = int(record.field) if int_ids else record.field
    relid: str | int = int(record.relid) if int_ids else record.relid
    body: dict[str, Any] = {"relid": relid, "field": field}
    if not int_ids:
        body["dorder"] = "0"
    return {**body, "cdate": record.cdate, "links": [], "id": record.id}


def tracking_log(
    state: AccountState, record: TrackedEventRecord, contact_id: str
) -> dict[str, Any]:
    """A tracked event as a contact's ``trackingLogs`` list it."""
    stamp = state.timestamp(record.time)
    digest = hashlib.sha1(f"{record.id}:{record.email}".encode(), usedforsecurity=False)
    return {
        "subscriberid": contact_id,
        "type": record.event,
        "value": record.eventdata or "",
        "tstamp": stamp,
        "hash": digest.hexdigest(),
        "links": {"contact": f"{state.base_url}/trackingLogs/{record.id}/contact"},
        "id": record.id,
        "contact": contact_id,
    }


def mailing_list(state: AccountState, record: ListRecord) -> dict[str, Any]:
    """A mailing list."""
    return {
        "stringid": record.stringid,
        "userid": "1",
        "name": record.name,
        "cdate": record.cdate,
        "private": "0",
        "sender_url": "",
        "sender_reminder": "",
        "udate": None,
        "links": _links(state, "lists", record.id, ("contactGoalLists", "user", "addressLists")),
        "id": record.id,
        "user": "1",
    }


def contact_tag(state: AccountState, record: ContactTagRecord) -> dict[str, Any]:
    """A contact-tag link."""
    return {
        "contact": record.contact,
        "tag": record.tag,
        "cdate": record.cdate,
        "created_timestamp": _utc(record.cdate),
        "updated_timestamp": _utc(record.cdate),
        "created_by": None,
        "updated_by": None,
        "links": _links(state, "contactTags", record.id, ("contact", "tag")),
        "id": record.id,
    }


def contact_list(
    state: AccountState, record: ContactListRecord, *, int_status: bool = False
) -> dict[str, Any]:
    """A list membership; ``int_status`` for the integer status of POST /contactLists."""
    return {
        "contact": record.contact,
        "list": record.list,
        "form": None,
        "seriesid": "0",
        "sdate": record.sdate,
        "udate": record.udate,
        "status": int(record.status) if int_status else record.status,
        "responder": "1",
        "sync": "0",
        "unsubreason": None,
        "campaign": None,
        "message": None,
        "first_name": state.contacts[record.contact].first_name,
        "last_name": state.contacts[record.contact].last_name,
        "ip4Sub": "0",
        "sourceid": record.sourceid,
        "autosyncLog": None,
        "ip4_last": "0",
        "ip4Unsub": "0",
        "unsubscribeAutomation": None,
        "links": _links(
            state, "contactLists", record.id, ("automation", "list", "contact", "form")
        ),
        "id": record.id,
        "automation": None,
    }


def domain(record: DomainRecord, *, int_flags: bool = True) -> dict[str, Any]:
    """A whitelisted domain as a JSON:API item (flags 0/1 in listings, booleans on create)."""
    escaped = record.domain.replace(".", "\\.")
    flags: dict[str, Any] = {"tracking_enabled": True, "conversations_enabled": False}
    flags["wp_enabled"] = False
    if int_flags:
        flags = {key: int(value) for key, value in flags.items()}
    return {
        "type": "urlWhitelistings",
        "id": record.id,
        "attributes": {
            "whitelisted_domain": record.domain,
            "whitelisted_page": "*",
            "url_regex": f"#^{escaped}(\\/.*)?$#",
            **flags,
            "created_at": record.created_at,
            "updated_at": record.created_at,
        },
    }
