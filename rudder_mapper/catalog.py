"""Name -> id catalogs of one account: tags, custom fields, event names, tracked domains.

Loaded once per destination and reused, so in steady state an identify with known tags
and fields needs no GET, a known event only its trackcmp call, a known domain nothing.
A catalog is refreshed when a lookup misses (at most once per ``refresh_interval``) or when
the API answers that a name we thought new already exists (a concurrent writer).

Loading the domains also checks that site tracking is switched on (``GET /siteTracking``):
whitelisting domains for an account that tracks no site is a configuration fault, reported
as one (``ConfigurationError``) rather than as a bad page event.

Loading is an *operation* (see ``activecampaign_client._flow``): the destination runs it
under a lock so concurrent tasks share one load. Lookups that create missing entries are
operations too, composed into each event's operation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from activecampaign_client import (
    ActiveCampaign,
    AsyncActiveCampaign,
    ConflictError,
    CustomField,
    NotFoundError,
    Operation,
    UnprocessableEntityError,
)

from ._errors import SiteTrackingDisabled

__all__ = ["SITE_TRACKING_DISABLED", "Catalog", "CatalogName", "FieldRef", "field_key"]

CatalogName = Literal["tags", "fields", "events", "domains", "lists"]
Client = ActiveCampaign | AsyncActiveCampaign

SITE_TRACKING_DISABLED = (
    "site tracking is switched off for this account, so page views cannot be tracked: "
    "enable site tracking in Website > Site Tracking, or with client.site_tracking.enable()"
)
_SEPARATORS = re.compile(r"[\s_-]+")


def _is_duplicate(exc: UnprocessableEntityError) -> bool:
    """Whether a 422 says the name exists already (rather than refusing it)."""
    for error in exc.errors:
        text = f"{error.code} {error.title} {error.detail}".lower()
        if "duplicate" in text or "already exists" in text:
            return True
    return False


def _key(name: str) -> str:
    # ActiveCampaign matches tag names case-insensitively; so do host names.
    # Event names are kept exactly as written: nothing says trackcmp folds their case.
    return name.strip().casefold()


def field_key(name: str) -> str:
    """How a field title, personalization tag or trait name is compared: case-insensitive,
    ``%`` around a personalization tag ignored, and ``_``, ``-`` and spaces equivalent
    (``shirt_size``, ``Shirt Size``, ``%SHIRT-SIZE%`` are one name)."""
    return _SEPARATORS.sub("_", name.strip().strip("%").casefold()).strip("_")


@dataclass(frozen=True)
class FieldRef:
    """A custom field as the mapper needs it: id and type."""

    id: str
    type: str
    title: str


@dataclass
class Catalog:
    """The account's names, shared by all events of one destination."""

    client: Client
    now: Callable[[], float]
    refresh_interval: float = 60.0
    tags: dict[str, str] = field(default_factory=dict)
    fields: dict[str, FieldRef] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    lists: set[str] = field(default_factory=set)
    loaded_at: dict[str, float] = field(default_factory=dict)
    _claimed_at: dict[str, float] = field(default_factory=dict, repr=False)

    def is_loaded(self, name: CatalogName) -> bool:
        """Whether ``name`` has been loaded at least once."""
        return name in self.loaded_at

    def load(self, name: CatalogName) -> Operation[None]:
        """Fetch one catalog in full (every page) and replace what we knew."""
        if name == "tags":
            tags = yield from self.client.tags.list.operation()
            self.tags = {_key(t.tag): t.id for t in tags}
        elif name == "fields":
            fields = yield from self.client.fields.list.operation()
            self.fields = self._index_fields(fields)
        elif name == "events":
            events = yield from self.client.event_tracking.list_events.operation()
            self.events = {e.name for e in events}
        elif name == "lists":
            lists = yield from self.client.lists.list.operation()
            self.lists = {m.id for m in lists}
        else:
            status = yield from self.client.site_tracking.status.operation()
            if not status.enabled:
                raise SiteTrackingDisabled(SITE_TRACKING_DISABLED)
            domains = yield from self.client.site_tracking.list_domains.operation()
            self.domains = {_key(d.domain) for d in domains}
        self.loaded_at[name] = self.now()

    def _claim(self, reason: str, interval: float) -> bool:
        """Whether to reload for ``reason`` now (not within ``interval`` of the last load or
        claim for it). Claiming first keeps concurrent events, which cannot wait for the
        reload, from starting the same one: they go on with what is known."""
        now = self.now()
        last = max(self.loaded_at.get(reason, -math.inf), self._claimed_at.get(reason, -math.inf))
        if now - last < interval:
            return False
        self._claimed_at[reason] = now
        return True

    @staticmethod
    def _index_fields(fields: list[CustomField]) -> dict[str, FieldRef]:
        index: dict[str, FieldRef] = {}
        for f in fields:
            ref = FieldRef(id=f.id, type=f.type or "text", title=f.title)
            # Titles first, then personalization tags, so a tag never shadows a title.
            index.setdefault(field_key(f.title), ref)
        for f in fields:
            if f.perstag:
                ref = FieldRef(id=f.id, type=f.type or "text", title=f.title)
                index.setdefault(field_key(f.perstag), ref)
        return index

    # -- lookups used inside event operations -------------------------------------------

    def field_refs(self, keys: list[str]) -> Operation[dict[str, FieldRef]]:
        """Fields for the given fieldInfo keys or trait names (title or personalization tag,
        compared by ``field_key``).

        A miss refreshes the field list once per interval, then unknown keys are left out.
        """
        found = self._fields_for(keys)
        if len(found) < len(keys) and self._claim("fields", self.refresh_interval):
            yield from self.load("fields")
            found = self._fields_for(keys)
        return found

    def _fields_for(self, keys: list[str]) -> dict[str, FieldRef]:
        found: dict[str, FieldRef] = {}
        for key in keys:
            ref = self.fields.get(field_key(key))
            if ref is not None:
                found[key] = ref
        return found

    def known_lists(self, list_ids: list[str]) -> Operation[set[str]]:
        """Which of ``list_ids`` the account has. A miss refreshes the lists once per
        interval (a list created since we loaded); the rest are not in the account."""
        missing = not self.lists.issuperset(list_ids)
        if not self.is_loaded("lists") or (missing and self._claim("lists", self.refresh_interval)):
            yield from self.load("lists")
        return self.lists.intersection(list_ids)

    def tag_id(self, name: str) -> Operation[str]:
        """The id of tag ``name``, creating the tag if the account does not have it."""
        known = self.tags.get(_key(name))
        if known is not None:
            return known
        try:
            tag = yield from self.client.tags.create.operation(name)
        except UnprocessableEntityError as exc:
            if not _is_duplicate(exc):
                raise
            # Created elsewhere since we loaded: look this one name up (a search, not a
            # reload, so any number of events hitting the same duplicate at once all find it).
            matches = yield from self.client.tags.list.operation(search=name)
            for match in matches:
                self.tags.setdefault(_key(match.tag), match.id)
            if _key(name) in self.tags:
                return self.tags[_key(name)]
            raise
        self.tags[_key(name)] = tag.id
        return tag.id

    def link_tag(self, contact_id: str, name: str) -> Operation[None]:
        """Put tag ``name`` on a contact, creating the tag if need be.

        If the id we knew is refused (the tag was deleted since we loaded), the name is
        resolved again once; a link that exists already is what we wanted.
        """
        tag_id = yield from self.tag_id(name)
        try:
            yield from self.client.contact_tags.add.operation(contact_id, tag_id)
        except (NotFoundError, UnprocessableEntityError) as exc:
            if isinstance(exc, UnprocessableEntityError) and _is_duplicate(exc):
                return
            self.forget_tag(name)
            tag_id = yield from self.tag_id(name)
            yield from self.client.contact_tags.add.operation(contact_id, tag_id)

    def claim_recheck(self, what: str) -> bool:
        """Whether to check ``what`` again now: once per ``refresh_interval``."""
        return self._claim(what, self.refresh_interval)

    def forget_tag(self, name: str) -> None:
        """Drop ``name`` from the cache: the account no longer has the id we knew."""
        self.tags.pop(_key(name), None)

    def forget_event(self, name: str) -> None:
        """Drop ``name`` from the cache: trackcmp refused it, it may have been deleted."""
        self.events.discard(name)

    def ensure_event(self, name: str) -> Operation[None]:
        """Register event ``name`` in the account unless it already is."""
        if name in self.events:
            return
        try:
            yield from self.client.event_tracking.create_event.operation(name)
        except UnprocessableEntityError as exc:
            if not _is_duplicate(exc):
                raise  # a real refusal (e.g. an invalid name), not "exists already"
        self.events.add(name)

    def ensure_domain(self, domain: str) -> Operation[None]:
        """Whitelist ``domain`` for site tracking unless it already is."""
        if _key(domain) in self.domains:
            return
        try:
            yield from self.client.site_tracking.add_domain.operation(domain)
        except ConflictError:
            pass  # already whitelisted: what we wanted
        except UnprocessableEntityError as exc:
            if not _is_duplicate(exc):
                raise
        self.domains.add(_key(domain))

    def snapshot(self) -> Mapping[str, Any]:
        """Sizes of the catalogs, for summaries and debugging."""
        return {
            "tags": len(self.tags),
            "fields": len({ref.id for ref in self.fields.values()}),
            "events": len(self.events),
            "domains": len(self.domains),
            "lists": len(self.lists),
        }
