"""Endpoint families, each defined once and served to both clients."""

from .bulk_import import BulkImport
from .contacts import Contacts
from .event_tracking import EventTracking
from .fields import Fields, FieldValues
from .lists import ContactLists, Lists
from .site_tracking import SiteTracking
from .tags import ContactTags, Tags

__all__ = [
    "BulkImport",
    "ContactLists",
    "ContactTags",
    "Contacts",
    "EventTracking",
    "FieldValues",
    "Fields",
    "Lists",
    "SiteTracking",
    "Tags",
]
