"""The emulated account: records, lookups and the mutations several endpoints share.

Nothing here knows about HTTP. Ids are strings, handed out per object type from 1 up, like
ActiveCampaign's. Emails and tag names compare case-insensitively; event names exactly.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from ._limits import SlidingWindow
from ._records import (
    ContactListRecord,
    ContactRecord,
    ContactTagRecord,
    DomainRecord,
    EmulatedContact,
    FieldOptionRecord,
    FieldRecord,
    FieldRelRecord,
    FieldValueRecord,
    ImportBatch,
    ListRecord,
    TagRecord,
    TrackedEventRecord,
)

__all__ = ["AccountState", "valid_email"]

# Simulated time 0.0 is this instant; timestamps are rendered the way the API does (-05:00).
_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
# Lenient like the API: anything@host.tld without spaces (quotes in the local part pass).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def valid_email(email: object) -> bool:
    """Whether ActiveCampaign would take this as a contact's email address."""
    return isinstance(email, str) and len(email) <= 254 and bool(_EMAIL.match(email))


class AccountState:
    """Everything one emulated account holds."""

    def __init__(
        self,
        *,
        base_url: str,
        now: Callable[[], float],
        api_key: str,
        actid: str,
        event_key: str,
        seed: int = 0,
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.actid = actid
        self.event_key = event_key
        self.now = now
        self.rng = random.Random(seed)
        self.contacts: dict[str, ContactRecord] = {}
        self.tags: dict[str, TagRecord] = {}
        self.fields: dict[str, FieldRecord] = {}
        self.lists: dict[str, ListRecord] = {}
        self.field_values: dict[str, FieldValueRecord] = {}
        self.field_options: dict[str, FieldOptionRecord] = {}
        self.field_rels: dict[str, FieldRelRecord] = {}
        self.contact_tags: dict[str, ContactTagRecord] = {}
        self.contact_lists: dict[str, ContactListRecord] = {}
        self.domains: dict[str, DomainRecord] = {}
        self.batches: dict[str, ImportBatch] = {}
        # Accepted imports not yet applied, first received first; applied this many
        # seconds after acceptance (0: at once).
        self.import_queue: deque[str] = deque()
        self.import_delay = 0.0
        self.event_names: list[str] = []
        self.tracked_events: list[TrackedEventRecord] = []
        self.event_tracking_enabled = True
        self.site_tracking_enabled = True
        # POST /import/bulk_import budgets: multi-contact and single-contact batches.
        self.import_multi = SlidingWindow(100, 60.0)
        self.import_single = SlidingWindow(20, 60.0)
        self._counters: dict[str, Iterator[int]] = {}
        # Indexes for the lookups every write makes; kept in step by the methods below.
        self._by_email: dict[str, str] = {}
        self._value_ids: dict[tuple[str, str], str] = {}
        self._link_ids: dict[tuple[str, str], str] = {}
        self._membership_ids: dict[tuple[str, str], str] = {}

    # -- plumbing -----------------------------------------------------------------

    def next_id(self, kind: str) -> str:
        """The next id for objects of ``kind``."""
        counter = self._counters.setdefault(kind, itertools.count(1))
        return str(next(counter))

    def datetime(self, at: float | None = None) -> dt.datetime:
        """The simulated wall-clock time, now or at simulated time ``at``."""
        return _EPOCH + dt.timedelta(seconds=self.now() if at is None else at)

    def timestamp(self, at: float | None = None) -> str:
        """Now (or ``at``), as the API writes dates: ``2024-01-01T00:00:00-05:00``."""
        return self.datetime(at).isoformat(timespec="seconds")

    def new_uuid(self) -> str:
        """A random (seeded) UUID4, for batch ids."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    # -- contacts -----------------------------------------------------------------

    def contact_by_email(self, email: str) -> ContactRecord | None:
        """The contact with this email, compared case-insensitively."""
        contact_id = self._by_email.get(email.strip().lower())
        return self.contacts.get(contact_id) if contact_id else None

    def create_contact(self, email: str) -> ContactRecord:
        """A new contact with only its email set."""
        stamp = self.timestamp()
        contact = ContactRecord(id=self.next_id("contact"), email=email, cdate=stamp, udate=stamp)
        self.contacts[contact.id] = contact
        self._by_email[email.lower()] = contact.id
        return contact

    def update_contact(self, contact: ContactRecord, **attributes: str | None) -> None:
        """Set the given attributes (None leaves one unchanged)."""
        for name, value in attributes.items():
            if value is not None:
                if name == "email":
                    self._by_email.pop(contact.email.lower(), None)
                    self._by_email[value.lower()] = contact.id
                setattr(contact, name, value)
        contact.udate = self.timestamp()

    def delete_contact(self, contact_id: str) -> None:
        """Remove a contact with its field values, tag links and list statuses."""
        contact = self.contacts.pop(contact_id, None)
        if contact is not None:
            self._by_email.pop(contact.email.lower(), None)
        for table, index in (
            (self.field_values, self._value_ids),
            (self.contact_tags, self._link_ids),
            (self.contact_lists, self._membership_ids),
        ):
            for key in [k for k, v in table.items() if v.contact == contact_id]:
                del table[key]
            for pair in [p for p in index if p[0] == contact_id]:
                del index[pair]

    def set_field_value(self, contact_id: str, field_id: str, value: str) -> FieldValueRecord:
        """Create or replace the contact's value for a field."""
        stamp = self.timestamp()
        existing = self._value_ids.get((contact_id, field_id))
        if existing is not None:
            record = self.field_values[existing]
            record.value, record.udate = value, stamp
            return record
        record = FieldValueRecord(
            self.next_id("fieldValue"), contact_id, field_id, value, cdate=stamp, udate=stamp
        )
        self.field_values[record.id] = record
        self._value_ids[contact_id, field_id] = record.id
        return record

    def delete_field_value(self, value_id: str) -> None:
        """Remove one field value by its id."""
        record = self.field_values.pop(value_id, None)
        if record is not None:
            self._value_ids.pop((record.contact, record.field), None)

    def add_contact_tag(self, contact_id: str, tag_id: str) -> ContactTagRecord:
        """Link a tag to a contact; an existing link is returned as it is."""
        existing = self._link_ids.get((contact_id, tag_id))
        if existing is not None:
            return self.contact_tags[existing]
        link = ContactTagRecord(self.next_id("contactTag"), contact_id, tag_id, self.timestamp())
        self.contact_tags[link.id] = link
        self._link_ids[contact_id, tag_id] = link.id
        return link

    def remove_contact_tag(self, link_id: str) -> None:
        """Remove one contact-tag link by its id."""
        link = self.contact_tags.pop(link_id, None)
        if link is not None:
            self._link_ids.pop((link.contact, link.tag), None)

    def set_list_status(
        self, contact_id: str, list_id: str, status: str, sourceid: str = "0"
    ) -> ContactListRecord:
        """Subscribe ("1") or unsubscribe ("2") a contact; one record per contact and list.
        ``sourceid`` is how the status was set ("4": a re-subscription)."""
        stamp = self.timestamp()
        existing = self._membership_ids.get((contact_id, list_id))
        if existing is not None:
            record = self.contact_lists[existing]
            record.status, record.udate, record.sourceid = status, stamp, sourceid
            return record
        record = ContactListRecord(
            self.next_id("contactList"),
            contact_id,
            list_id,
            status,
            sdate=stamp,
            udate=stamp,
            sourceid=sourceid,
        )
        self.contact_lists[record.id] = record
        self._membership_ids[contact_id, list_id] = record.id
        return record

    def snapshots(self, contacts: Iterable[ContactRecord]) -> list[EmulatedContact]:
        """Detached views of contacts with their tags, field values and lists (one pass
        over the link tables, however many contacts)."""
        views = {
            c.id: EmulatedContact(c.id, c.email, c.first_name, c.last_name, c.phone, set(), {}, {})
            for c in contacts
        }
        for link in self.contact_tags.values():
            if link.contact in views and link.tag in self.tags:
                views[link.contact].tags.add(self.tags[link.tag].name)
        for value in self.field_values.values():
            if value.contact in views:
                views[value.contact].field_values[value.field] = value.value
        for membership in self.contact_lists.values():
            if membership.contact in views:
                views[membership.contact].lists[membership.list] = membership.status
        return list(views.values())

    # -- catalog ------------------------------------------------------------------

    def tag_by_name(self, name: str) -> TagRecord | None:
        """The tag with this name, compared case-insensitively."""
        wanted = name.strip().casefold()
        for tag in self.tags.values():
            if tag.name.casefold() == wanted:
                return tag
        return None

    def create_tag(self, name: str, tag_type: str = "contact", description: str = "") -> TagRecord:
        """A new tag (callers check for duplicates)."""
        tag = TagRecord(self.next_id("tag"), name, tag_type, description, self.timestamp())
        self.tags[tag.id] = tag
        return tag

    def delete_tag(self, tag_id: str) -> None:
        """Remove a tag and its links to contacts."""
        self.tags.pop(tag_id, None)
        for key in [k for k, v in self.contact_tags.items() if v.tag == tag_id]:
            self.remove_contact_tag(key)

    def create_field(self, title: str, perstag: str | None, field_type: str) -> FieldRecord:
        """A new custom field; the personalization tag defaults to the title in capitals."""
        tag = perstag or re.sub(r"[^A-Z0-9]+", "_", title.upper()).strip("_") or "FIELD"
        stamp = self.timestamp()
        ident = self.next_id("field")
        record = FieldRecord(ident, title, tag, field_type, stamp, stamp, ordernum=int(ident))
        self.fields[record.id] = record
        return record

    def field_by_title(self, title: str) -> FieldRecord | None:
        """The custom field with this title, compared case-insensitively."""
        wanted = title.strip().casefold()
        return next((f for f in self.fields.values() if f.title.casefold() == wanted), None)

    def delete_field(self, field_id: str) -> None:
        """Remove a field with its options, list relations and every contact's value."""
        self.fields.pop(field_id, None)
        for key in [k for k, v in self.field_values.items() if v.field == field_id]:
            self.delete_field_value(key)
        for table in (self.field_options, self.field_rels):
            for key in [k for k, v in table.items() if v.field == field_id]:
                del table[key]

    def add_field_option(
        self, field_id: str, value: str, label: str, orderid: int, isdefault: bool
    ) -> FieldOptionRecord:
        """A new choice for a field."""
        ident = self.next_id("fieldOption")
        record = FieldOptionRecord(
            ident, field_id, value, label, orderid, isdefault, self.timestamp()
        )
        self.field_options[record.id] = record
        return record

    def add_field_rel(self, field_id: str, relid: str) -> FieldRelRecord:
        """Make a field available on a list ("0": on every list); an existing relation is
        returned as it is."""
        for rel in self.field_rels.values():
            if (rel.field, rel.relid) == (field_id, relid):
                return rel
        record = FieldRelRecord(self.next_id("fieldRel"), field_id, relid, self.timestamp())
        self.field_rels[record.id] = record
        return record

    def create_list(self, name: str) -> ListRecord:
        """A new mailing list."""
        stringid = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "list"
        record = ListRecord(self.next_id("list"), name, stringid, self.timestamp())
        self.lists[record.id] = record
        return record

    def add_domain(self, domain: str) -> DomainRecord:
        """Whitelist a domain (callers check for duplicates)."""
        stamp = self.datetime().astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = DomainRecord(self.next_id("domain"), domain, stamp)
        self.domains[record.id] = record
        return record

    def domain_by_name(self, domain: str) -> DomainRecord | None:
        """The whitelisted entry for this domain, compared case-insensitively."""
        wanted = domain.strip().lower()
        return next((d for d in self.domains.values() if d.domain.lower() == wanted), None)
