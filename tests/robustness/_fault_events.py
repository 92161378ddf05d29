"""The fault run's input: a JSONL stream of mixed events, some of them deliberately bad.

Most events come from ``rudder_mapper.samples.workload`` (tracks, pages, identifies with
tags, fields and a list). On top: identifies of a small set of "fans" with tags in varying
letter case, list subscriptions and unsubscriptions, names and fields (so the same contact
is written many times, merged within a batch, in and out of bulk imports), screens, and a
few lines that can never be delivered. Every message gets a ``messageId``; every track and
screen carries its line number as ``eventData.seq``, so each event recorded by the emulator
names its line.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from rudder_mapper.samples import workload

__all__ = ["INVALID_LINES", "StreamLine", "fault_run_lines"]

# Tags in several letter cases: ActiveCampaign matches names case-insensitively, so these
# must end up as one tag each, however many retries and concurrent creators there are.
_FAN_TAGS = [
    "VIP",
    "vip",
    "Vip",
    "Beta Tester",
    "beta tester",
    "Churn Risk",
    "Newsletter Fan",
    "Coupon Used",
    "coupon used",
    "Early Adopter",
]
_SCREENS = ["Home Screen", "Settings", "Checkout"]
_PLANS = ["Free", "Pro", "Team"]

INVALID_LINES: list[tuple[str, str]] = [
    ("{this is not json", "line"),
    ('["an array"]', "line"),
    (json.dumps({"type": "alias", "userId": "u-x", "previousId": "u-y"}), "type"),
    (json.dumps({"type": "identify", "traits": {"email": "not-an-address"}}), "traits.email"),
    (json.dumps({"type": "track", "userId": "u-z", "event": "Signed Up"}), "context.traits.email"),
    (
        json.dumps(
            {"type": "track", "event": "E" * 40, "properties": {"email": "long@example.com"}}
        ),
        "event",
    ),
    (json.dumps({"type": "page", "properties": {"url": "not a url"}}), "properties.url"),
    (
        json.dumps({"type": "identify", "traits": {"email": "t@example.com", "tags": 7}}),
        "traits.tags",
    ),
]
"""Lines no retry can deliver, and the field their 400 must name."""


@dataclass(frozen=True)
class StreamLine:
    """One line of the input file: its number, text, decoded message, and for deliberately
    bad lines the field the 400 must name."""

    number: int
    text: str
    message: dict[str, Any] | None
    invalid_field: str | None = None


def _fan_identify(rng: random.Random, fan: int) -> dict[str, Any]:
    # Now and then a fan identifies with a second address: one user, two contacts in a
    # batch, which go one by one (contact/sync) rather than into the bulk import.
    email = f"fan{fan}.alt@example.com" if rng.random() < 0.1 else f"fan{fan}@example.com"
    traits: dict[str, Any] = {
        "email": email,
        "tags": rng.sample(_FAN_TAGS, rng.randint(1, 3)),
        "lists": [
            {"id": str(list_id), "status": rng.choice(["subscribe", "unsubscribe"])}
            for list_id in rng.sample([1, 2, 3], rng.randint(1, 2))
        ],
        "fieldInfo": {"Plan": rng.choice(_PLANS), "Signup Date": f"2026-0{rng.randint(1, 9)}-15"},
    }
    if rng.random() < 0.5:
        traits["firstName"], traits["lastName"] = f"Fan{rng.randint(1, 9)}", "Example"
    else:
        traits["name"] = f"Fan {rng.randint(1, 9)} Example"
    return {"type": "identify", "userId": f"fan-{fan}", "traits": traits}


def _screen(rng: random.Random, fan: int) -> dict[str, Any]:
    return {
        "type": "screen",
        "userId": f"fan-{fan}",
        "name": rng.choice(_SCREENS),
        "context": {"traits": {"email": f"fan{fan}@example.com"}},
        "properties": {},
    }


def fault_run_lines(count: int, *, seed: int) -> list[StreamLine]:
    """``count`` lines: ~72% workload events, ~20% fan identifies, ~6% screens, the rest bad."""
    rng = random.Random(seed)
    fans = max(20, count // 12)
    base = workload(count, seed=seed, users=max(50, count // 5), domains=40)
    lines: list[StreamLine] = []
    for number in range(1, count + 1):
        roll = rng.random()
        if roll < 0.01:
            text, field = INVALID_LINES[number % len(INVALID_LINES)]
            decoded = _decode(text)
            lines.append(StreamLine(number, text, decoded, field))
            continue
        if roll < 0.21:
            message = _fan_identify(rng, rng.randrange(fans))
        elif roll < 0.27:
            message = _screen(rng, rng.randrange(fans))
        else:
            message = next(base)
        message["messageId"] = f"m-{number}"
        if message["type"] in ("track", "screen"):
            properties = message.setdefault("properties", {})
            data = properties.get("eventData")
            properties["eventData"] = {**(data if isinstance(data, dict) else {}), "seq": number}
        lines.append(StreamLine(number, json.dumps(message), message))
    return lines


def _decode(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
