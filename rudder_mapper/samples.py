"""Realistic RudderStack messages for the demo, the benchmark and tests.

``demo_events()`` is what ships in ``data/sample_events.jsonl``: the destination guide's
examples, a few hundred generated events of 60 users, and some broken ones. ``workload()``
builds the benchmark's mixed workloads. Both are deterministic for a given seed.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "BAD_LINES",
    "SEED_EXAMPLES",
    "DEMO_FIELDS",
    "DEMO_LISTS",
    "SAMPLE_FILE",
    "demo_events",
    "generated_event",
    "seed_examples",
    "workload",
]

SAMPLE_FILE = Path(__file__).with_name("data") / "sample_events.jsonl"

# Custom fields and lists the demo account starts with (title, personalization tag, type).
DEMO_FIELDS = [
    ("Interest", "INTEREST", "text"),
    ("Country", "COUNTRY", "text"),
    ("Hobbies", "HOBBIES", "checkbox"),
    ("Signup Date", "SIGNUP_DATE", "date"),
    ("Plan", "PLAN", "dropdown"),
]
DEMO_LISTS = ["Newsletter", "Product Updates", "Promotions"]

_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus", "Guido", "Anita"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Borg"]
_TAGS = ["Returning User", "Coupon Used", "VIP", "Beta Tester", "Churn Risk", "Newsletter Fan"]
_EVENTS = [
    "Product Viewed",
    "Product Purchased",
    "Cart Abandoned",
    "Signed Up",
    "Trial Started",
    "Checkout Started",
    "Coupon Applied",
    "Order Refunded",
]
_SCREENS = ["Home Screen", "Settings", "Product Detail", "Checkout"]
_HOBBIES = ["Cricket", "Tennis", "Chess", "Running", "Cooking"]
_COUNTRIES = ["USA", "India", "Germany", "Brazil", "Japan"]

# Lines that must be rejected, each for its own reason (the CLI reports their line numbers).
BAD_LINES = [
    "{this is not json",
    '["an", "array", "is not a message"]',
    json.dumps({"type": "identify", "userId": "u-bad-1", "traits": {"name": "No Email"}}),
    json.dumps({"type": "identify", "traits": {"email": "not-an-address"}}),
    json.dumps({"type": "track", "userId": "u-bad-2", "event": "Signed Up"}),
    json.dumps(
        {
            "type": "track",
            "event": "An event name far longer than thirty-two characters",
            "properties": {"email": "long@example.com"},
        }
    ),
    json.dumps({"type": "page", "properties": {"url": "not a url"}}),
    json.dumps({"type": "alias", "userId": "u-bad-3", "previousId": "x"}),
    json.dumps({"type": "identify", "traits": {"email": "tags@example.com", "tags": {"a": 1}}}),
]


# The examples of RudderStack's ActiveCampaign destination guide, as the messages the SDK
# calls there produce. Events after the identify carry the user's traits in
# ``context.traits`` as the SDKs do, and the page carries the browser's location.
_SEED_CONTEXT: dict[str, Any] = {
    "traits": {"email": "name@surname.com", "name": "John Doe", "phone": "2364556"},
    "library": {"name": "RudderLabs JavaScript SDK", "version": "1.1.11"},
}

_SEED_BASE: dict[str, Any] = {
    "userId": "userid",
    "anonymousId": "d80b66d5-b33d-412d-866f-r4fft5841af",
    "channel": "web",
}

SEED_EXAMPLES: dict[str, dict[str, Any]] = {
    "page": {
        **_SEED_BASE,
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
            **_SEED_CONTEXT,
            "page": {"url": "https://www.rudderlabs.com/home", "path": "/home"},
        },
    },
    "screen": {
        **_SEED_BASE,
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
        "context": _SEED_CONTEXT,
    },
    "track": {
        **_SEED_BASE,
        "type": "track",
        "event": "Product Purchased",
        "messageId": "seed-track",
        "properties": {"category": "category", "label": "label", "name": "Rubik's Cube"},
        "context": _SEED_CONTEXT,
    },
    "identify": {
        **_SEED_BASE,
        "type": "identify",
        "messageId": "seed-identify",
        "traits": {"email": "name@surname.com", "name": "John Doe", "phone": "2364556"},
    },
    "identify_tags": {
        **_SEED_BASE,
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
        **_SEED_BASE,
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
        **_SEED_BASE,
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


def seed_examples() -> list[dict[str, Any]]:
    """Fresh copies of the guide's example messages, in the guide's order of features."""
    order = (
        "identify",
        "identify_tags",
        "identify_fields",
        "identify_lists",
        "track",
        "screen",
        "page",
    )
    return copy.deepcopy([SEED_EXAMPLES[name] for name in order])


def _user(rng: random.Random, number: int) -> dict[str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return {
        "userId": f"user-{number}",
        "email": f"{first}.{last}.{number}@example.com".lower(),
        "first": first,
        "last": last,
    }


def _identify(rng: random.Random, user: dict[str, str], tags: int, fields: int) -> dict[str, Any]:
    field_info: dict[str, Any] = {
        "Interest": rng.choice(["Electronics", "Books", "Travel", "Games"]),
        "Country": rng.choice(_COUNTRIES),
        "Hobbies": rng.sample(_HOBBIES, 2),
        "Signup Date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
        "Plan": rng.choice(["Free", "Pro", "Team"]),
    }
    traits: dict[str, Any] = {
        "email": user["email"],
        "name": f"{user['first']} {user['last']}",
        "phone": f"+1555{rng.randint(1000000, 9999999)}",
        "tags": rng.sample(_TAGS, tags),
        "fieldInfo": dict(list(field_info.items())[:fields]),
        "lists": [{"id": rng.randint(1, 3), "status": "subscribe"}],
    }
    return {"type": "identify", "userId": user["userId"], "traits": traits}


def generated_event(
    rng: random.Random, kind: str, user: dict[str, str], *, domains: int = 10
) -> dict[str, Any]:
    """One realistic event of ``kind`` (identify, track, screen, page) for ``user``."""
    context = {"traits": {"email": user["email"]}}
    if kind == "identify":
        return _identify(rng, user, tags=2, fields=3)
    if kind == "track":
        name = rng.choice(_EVENTS)
        return {
            "type": "track",
            "userId": user["userId"],
            "event": name,
            "context": context,
            "properties": {
                "eventData": {"sku": f"SKU-{rng.randint(1, 500)}", "price": rng.randint(5, 500)}
            },
        }
    if kind == "screen":
        return {
            "type": "screen",
            "userId": user["userId"],
            "name": rng.choice(_SCREENS),
            "context": context,
            "properties": {"name": rng.choice(_SCREENS)},
        }
    host = f"shop{rng.randrange(domains)}.example.com"
    return {
        "type": "page",
        "userId": user["userId"],
        "context": context,
        "properties": {"url": f"https://www.{host}/p/{rng.randint(1, 99)}"},
    }


def demo_events(seed: int = 7, count: int = 300) -> list[str]:
    """The demo's JSONL lines: seed examples, ``count`` generated events, bad lines mixed in."""
    rng = random.Random(seed)
    users = [_user(rng, n) for n in range(60)]
    lines = [json.dumps(m) for m in seed_examples()]
    for user in users:  # everyone is identified first, as a real stream usually starts
        lines.append(
            json.dumps(_identify(rng, user, tags=rng.randint(0, 3), fields=rng.randint(1, 5)))
        )
    kinds = ["track"] * 5 + ["page"] * 3 + ["screen"] + ["identify"]
    for _ in range(count - len(users)):
        lines.append(json.dumps(generated_event(rng, rng.choice(kinds), rng.choice(users))))
    for offset, bad in enumerate(BAD_LINES):
        lines.insert(20 + offset * 31, bad)
    return lines


def workload(
    count: int,
    *,
    seed: int = 1,
    track: float = 0.60,
    page: float = 0.25,
    users: int = 2000,
    domains: int = 50,
) -> Iterator[dict[str, Any]]:
    """The benchmark's mixed stream: ``track`` share of tracks, ``page`` share of pages,
    the rest identifies with 2 tags, 3 custom fields and 1 list."""
    rng = random.Random(seed)
    people = [_user(rng, n) for n in range(users)]
    for _ in range(count):
        roll = rng.random()
        kind = "track" if roll < track else "page" if roll < track + page else "identify"
        yield generated_event(rng, kind, rng.choice(people), domains=domains)


if __name__ == "__main__":  # regenerate the bundled file: python -m rudder_mapper.samples
    SAMPLE_FILE.write_text("\n".join(demo_events()) + "\n", encoding="utf-8")
