"""The examples of the RudderStack ActiveCampaign destination guide, as full messages.

The guide shows SDK calls; these are the messages RudderStack sends for them. Events
after an identify carry the user's traits in ``context.traits`` as the SDKs do, and a
page carries the browser's location in ``context.page``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SEED_EXAMPLES"]

_CONTEXT: dict[str, Any] = {
    "traits": {"email": "name@surname.com", "name": "John Doe", "phone": "2364556"},
    "library": {"name": "RudderLabs JavaScript SDK", "version": "1.1.11"},
}

_BASE: dict[str, Any] = {
    "userId": "userid",
    "anonymousId": "d80b66d5-b33d-412d-866f-r4fft5841af",
    "channel": "web",
}

SEED_EXAMPLES: dict[str, dict[str, Any]] = {
    "page": {
        **_BASE,
        "type": "page",
        "name": "home",
        "messageId": "seed-page",
        "properties": {
            "path": "path",
            "url": "url",
            "title": "title",
            "search": "search",
            "referrer": "referrer",
        },
        "context": {
            **_CONTEXT,
            "page": {"url": "https://www.rudderlabs.com/home", "path": "/home"},
        },
    },
    "screen": {
        **_BASE,
        "type": "screen",
        "name": "Screen Viewed",
        "messageId": "seed-screen",
        "properties": {
            "name": "Screen Viewed",
            "category": "category",
            "label": "label",
            "value": "value",
            "url": "www.rudderlabs.com",
            "info": "Rudder_Event_Screen_Test",
        },
        "context": _CONTEXT,
    },
    "track": {
        **_BASE,
        "type": "track",
        "event": "Product Purchased",
        "messageId": "seed-track",
        "properties": {"category": "category", "label": "label", "name": "Rubik's Cube"},
        "context": _CONTEXT,
    },
    "identify": {
        **_BASE,
        "type": "identify",
        "messageId": "seed-identify",
        "traits": {"email": "name@surname.com", "name": "John Doe", "phone": "2364556"},
    },
    "identify_tags": {
        **_BASE,
        "type": "identify",
        "messageId": "seed-identify-tags",
        "traits": {
            "email": "name@surname.com",
            "name": "John Doe",
            "phone": "2364556",
            "tags": ["Returning User", "Coupon Used"],
        },
    },
    "identify_fields": {
        **_BASE,
        "type": "identify",
        "messageId": "seed-identify-fields",
        "traits": {
            "email": "name@surname.com",
            "name": "John Doe",
            "phone": "2364556",
            "tags": ["Returning User", "Coupon Used"],
            "fieldInfo": {
                "Interest": "Electronics",
                "Country": "USA",
                "Hobbies": ["Cricket", "Tennis"],
            },
        },
    },
    "identify_lists": {
        **_BASE,
        "type": "identify",
        "messageId": "seed-identify-lists",
        "traits": {
            "email": "name@surname.com",
            "name": "John Doe",
            "phone": "2364556",
            "tags": ["Returning User", "Coupon Used"],
            "fieldInfo": {
                "Interest": "Electronics",
                "Country": "USA",
                "Hobbies": ["Cricket", "Tennis"],
            },
            "lists": [{"id": 2, "status": "subscribe"}, {"id": 3, "status": "unsubscribe"}],
        },
    },
}
