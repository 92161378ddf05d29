"""A typed client for the ActiveCampaign v3 API, synchronous and asynchronous.

    from activecampaign_client import ActiveCampaign

    with ActiveCampaign("https://<account>.api-us1.com", api_key) as ac:
        synced = ac.contacts.sync("jane@example.com", first_name="Jane")
        for tag in ac.tags.list(search="vip"):
            ac.contact_tags.add(synced.contact.id, tag.id)

``AsyncActiveCampaign`` has the same resources; its methods are coroutines and its
listings async iterators. ``activecampaign_client.testing`` is an in-process emulator.
"""

from ._client import (
    ActiveCampaign,
    AsyncActiveCampaign,
    ClientOverrides,
    RawActiveCampaign,
    RawAsyncActiveCampaign,
)
from ._clock import Clock, SystemClock
from ._config import ClientConfig
from ._exceptions import (
    ActiveCampaignError,
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    ErrorDetail,
    EventTrackingError,
    InternalServerError,
    InvalidInputError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServiceUnavailableError,
    UnprocessableEntityError,
)
from ._flow import Operation
from ._limiter import RateLimiter
from ._listing import AsyncListing, Listing
from ._options import RequestOptions
from ._pagination import KeysetOrder, Page, PageQuery
from ._raw import RawResponse
from ._requests import ApiRequest
from ._retry import RetryPolicy
from ._version import __version__
from .models import (
    BulkImportCallback,
    BulkImportContact,
    BulkImportInfo,
    BulkImportResult,
    Contact,
    ContactList,
    ContactTag,
    CustomField,
    CustomFieldInput,
    FieldOption,
    FieldOptionInput,
    FieldRel,
    FieldType,
    FieldValue,
    FieldValueInput,
    ListStatus,
    MailingList,
    SyncedContact,
    Tag,
    TagType,
    TrackedEvent,
    TrackingEventName,
    TrackingLog,
    TrackingStatus,
    WhitelistedDomain,
)
from .resources.contacts import ContactOrder
from .resources.tags import TagMatch

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "ActiveCampaign",
    "ActiveCampaignError",
    "ApiRequest",
    "AsyncActiveCampaign",
    "AsyncListing",
    "AuthenticationError",
    "BadRequestError",
    "BulkImportCallback",
    "BulkImportContact",
    "BulkImportInfo",
    "BulkImportResult",
    "ClientConfig",
    "ClientOverrides",
    "Clock",
    "ConfigurationError",
    "ConflictError",
    "Contact",
    "ContactList",
    "ContactOrder",
    "ContactTag",
    "CustomField",
    "CustomFieldInput",
    "ErrorDetail",
    "EventTrackingError",
    "FieldOption",
    "FieldOptionInput",
    "FieldRel",
    "FieldType",
    "FieldValue",
    "FieldValueInput",
    "InternalServerError",
    "InvalidInputError",
    "KeysetOrder",
    "ListStatus",
    "Listing",
    "MailingList",
    "NotFoundError",
    "Operation",
    "Page",
    "PageQuery",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiter",
    "RawActiveCampaign",
    "RawAsyncActiveCampaign",
    "RawResponse",
    "RequestOptions",
    "RetryPolicy",
    "ServiceUnavailableError",
    "SyncedContact",
    "SystemClock",
    "Tag",
    "TagMatch",
    "TagType",
    "TrackedEvent",
    "TrackingEventName",
    "TrackingLog",
    "TrackingStatus",
    "UnprocessableEntityError",
    "WhitelistedDomain",
    "__version__",
]
