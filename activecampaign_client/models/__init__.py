"""Typed request and response models, one module per resource family."""

from .bulk_import import (
    BulkImportContact,
    BulkImportField,
    BulkImportInfo,
    BulkImportList,
    BulkImportOverview,
    BulkImportResult,
)
from .catalog import CustomField, MailingList, Tag
from .contacts import (
    Contact,
    ContactInput,
    ContactList,
    ContactTag,
    FieldValue,
    FieldValueInput,
    SyncedContact,
)
from .tracking import TrackedEvent, TrackingEventName, TrackingStatus, WhitelistedDomain

__all__ = [
    "BulkImportContact",
    "BulkImportField",
    "BulkImportInfo",
    "BulkImportList",
    "BulkImportOverview",
    "BulkImportResult",
    "Contact",
    "ContactInput",
    "ContactList",
    "ContactTag",
    "CustomField",
    "FieldValue",
    "FieldValueInput",
    "MailingList",
    "SyncedContact",
    "Tag",
    "TrackedEvent",
    "TrackingEventName",
    "TrackingStatus",
    "WhitelistedDomain",
]
