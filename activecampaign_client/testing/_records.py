"""Plain records of the emulated account, and the snapshots tests inspect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ContactListRecord",
    "ContactRecord",
    "ContactTagRecord",
    "DomainRecord",
    "EmulatedContact",
    "FieldOptionRecord",
    "FieldRecord",
    "FieldRelRecord",
    "FieldValueRecord",
    "ImportBatch",
    "ListRecord",
    "TagRecord",
    "TrackedEventRecord",
]


@dataclass
class ContactRecord:
    """A contact as stored."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    cdate: str = ""
    udate: str = ""
    customer_acct_name: str = ""


@dataclass
class TagRecord:
    """A tag; ``name`` is ``tag`` on the wire."""

    id: str
    name: str
    tag_type: str = "contact"
    description: str = ""
    cdate: str = ""


@dataclass
class FieldRecord:
    """A custom contact field."""

    id: str
    title: str
    perstag: str
    type: str = "text"
    cdate: str = ""
    udate: str = ""
    descript: str | None = None
    defval: str | None = None
    visible: bool = True
    ordernum: int = 0


@dataclass
class FieldOptionRecord:
    """One choice of a field (dropdown, radio, checkbox, listbox)."""

    id: str
    field: str
    value: str
    label: str
    orderid: int
    isdefault: bool
    cdate: str = ""


@dataclass
class FieldRelRecord:
    """A field made available on a list (``relid``; "0": every list)."""

    id: str
    field: str
    relid: str
    cdate: str = ""


@dataclass
class ListRecord:
    """A mailing list."""

    id: str
    name: str
    stringid: str
    cdate: str = ""


@dataclass
class FieldValueRecord:
    """One contact's value of one custom field."""

    id: str
    contact: str
    field: str
    value: str
    cdate: str = ""
    udate: str = ""


@dataclass
class ContactTagRecord:
    """The link of a contact and a tag."""

    id: str
    contact: str
    tag: str
    cdate: str = ""


@dataclass
class ContactListRecord:
    """A contact's status on a list: "1" subscribed, "2" unsubscribed."""

    id: str
    contact: str
    list: str
    status: str
    sdate: str = ""
    udate: str = ""
    sourceid: str = "0"


@dataclass
class DomainRecord:
    """A domain whitelisted for site tracking."""

    id: str
    domain: str
    created_at: str = ""


@dataclass
class ImportBatch:
    """One accepted bulk import: its contacts, queued until ``due`` (simulated time), then
    applied (``applied``), after which ``success`` holds the imported contacts' ids."""

    id: str
    for_date: str
    contacts: int
    accepted: float = 0.0
    due: float = 0.0
    payload: list[dict[str, Any]] = field(default_factory=list, repr=False)
    applied: bool = False
    success: list[str] = field(default_factory=list)
    failure: list[str] = field(default_factory=list)
    callback: dict[str, object] | None = None


@dataclass(frozen=True)
class TrackedEventRecord:
    """An event trackcmp.net accepted: name, the contact's email, data, simulated time.

    ``id`` numbers them from 1, as the contact's ``trackingLogs`` show them."""

    event: str
    email: str
    eventdata: str | None
    time: float
    id: str = ""


@dataclass
class EmulatedContact:
    """A snapshot of one contact: attributes, tag names, field values and list statuses.

    ``field_values`` maps field id to value; ``lists`` maps list id to "1" (subscribed) or
    "2" (unsubscribed). Changing a snapshot does not change the emulator.
    """

    id: str
    email: str
    first_name: str
    last_name: str
    phone: str
    tags: set[str]
    field_values: dict[str, str]
    lists: dict[str, str]
