"""Typed request and response models, one module per resource family."""

from .bulk_import import (
    BulkImportCallback,
    BulkImportContact,
    BulkImportField,
    BulkImportInfo,
    BulkImportList,
    BulkImportOverview,
    BulkImportResult,
)
from .catalog import (
    CustomField,
    CustomFieldInput,
    FieldOption,
    FieldOptionInput,
    FieldRel,
    FieldType,
    MailingList,
    Tag,
    TagType,
)
from .contacts import (
    Contact,
    ContactInput,
    ContactList,
    ContactTag,
    FieldValue,
    FieldValueInput,
    SyncedContact,
    TrackingLog,
)
from .statuses import ListStatus, ListStatusValue
from .tracking import TrackedEvent, TrackingEventName, TrackingStatus, WhitelistedDomain

__all__ = [
    "BulkImportCallback",
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
    "CustomFieldInput",
    "FieldOption",
    "FieldOptionInput",
    "FieldRel",
    "FieldType",
    "FieldValue",
    "FieldValueInput",
    "ListStatus",
    "ListStatusValue",
    "MailingList",
    "SyncedContact",
    "Tag",
    "TagType",
    "TrackedEvent",
    "TrackingEventName",
    "TrackingLog",
    "TrackingStatus",
    "WhitelistedDomain",
]
