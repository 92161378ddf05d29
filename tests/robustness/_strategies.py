"""Hypothesis strategies for hostile RudderStack messages.

Two families: ``json_values`` (anything JSON can hold, and worse: NaN, huge integers, lone
surrogates, control characters, deep nesting) and ``corrupted_messages`` (identify, track,
screen and page messages that look real, with a few fields replaced by hostile values or
removed).
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "HOSTILE_TEXT",
    "corrupted_messages",
    "hostile_values",
    "json_values",
    "messages",
    "nested",
]

# Strings that have broken parsers, URL builders and HTTP stacks before.
TRICKY_STRINGS = [
    "",
    " ",
    "\t",
    "\r\n",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\udfff",
    "..",
    "../../admin",
    "a/b?c=d#e",
    "%2e%2e%2f",
    "%00",
    "x\r\nApi-Token: stolen",
    "https://evil.example/",
    "//evil.example/x",
    "javascript:alert(1)",
    "${jndi:ldap://x}",
    "<script>alert(1)</script>",
    "'; DROP TABLE contacts; --",
    "a@b@c.co",
    "a@b..co",
    "a@.b.co",
    "a@b.co.",
    '"a@b"@example.com',
    "@example.com",
    "Signed Up",
    "signed up",
    "SIGNED UP ",
    "Vip",
    "jane@example.com",
    "JANE@EXAMPLE.COM ",
    "名前@例え.jp",
    "\uff33\uff49\uff47\uff4e\uff45\uff44 Up",  # fullwidth letters
    "🎉" * 40,
    "x" * 33,
    "x" * 256,
]

# Controls, format characters, separators, surrogates, private use, unassigned.
_ODD_CHARACTERS = (
    "\x00\x07\x08\t\n\r\x1b\x7f\x85\xa0\u200b\u200d\u2028\u2029\u202e"
    "\ud800\udbff\udc00\ue000\U0010ffff\u0378"
)

# Address-like strings: the parts an email validator must get right, in any order.
_EMAILISH = st.lists(
    st.sampled_from(["a", "b1", "x.y", "@", ".", "..", "-", "+", '"', " ", "\u00e9", "com"]),
    min_size=3,
    max_size=9,
).map("".join)

HOSTILE_TEXT = st.one_of(
    st.sampled_from(TRICKY_STRINGS),
    _EMAILISH,
    st.text(max_size=40),
    st.text(st.sampled_from(_ODD_CHARACTERS), max_size=10),
    # Huge strings, built by repetition: generating them character by character is slow.
    st.tuples(st.text(min_size=1, max_size=4), st.integers(2_000, 20_000)).map(
        lambda piece_count: piece_count[0] * (piece_count[1] // len(piece_count[0]))
    ),
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(4_301, 6_000).map(lambda digits: 10**digits),  # beyond int->str's limit
    st.floats(),  # NaN and infinities included
    HOSTILE_TEXT,
)


def nested(depth: int, leaf: Any = "x") -> Any:
    """``depth`` levels of alternating objects and arrays around ``leaf``."""
    value = leaf
    for level in range(depth):
        value = {"k": value} if level % 2 else [value]
    return value


json_values = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(HOSTILE_TEXT, children, max_size=4),
    ),
    max_leaves=12,
)
"""Any JSON-like value, hostile scalars included."""

hostile_values = st.one_of(
    json_values,
    st.integers(20, 1_500).map(nested),
    st.builds(object),  # not JSON at all: what a careless Python caller might pass
)
"""What a corrupted field gets."""

_EMAILS = st.builds(
    "{}@{}.{}".format,
    st.text("abcxyz0129._+-", min_size=1, max_size=8).filter(lambda local: local[0].isalnum()),
    st.text("abcdefxyz", min_size=2, max_size=8),
    st.sampled_from(["com", "org", "io"]),
)
_NAMES = st.sampled_from(["Signed Up", "Product Viewed", "Cart Abandoned", "Home Screen"])


def _identify(email: str, tags: list[str], lists: list[int]) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": "u-" + email.split("@")[0],
        "traits": {
            "email": email,
            "name": "Ada Lovelace",
            "phone": "+15550100",
            "tags": tags,
            "fieldInfo": {"Interest": "Books", "Hobbies": ["Chess", "Running"]},
            "lists": [{"id": i, "status": "subscribe"} for i in lists],
        },
    }


def _track(kind: str, email: str, name: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": kind,
        "anonymousId": "anon-1",
        "context": {"traits": {"email": email}},
        "properties": {"eventData": {"sku": "A-1", "price": 5}},
    }
    message["event" if kind == "track" else "name"] = name
    return message


def _page(host: str) -> dict[str, Any]:
    return {
        "type": "page",
        "userId": "u-page",
        "context": {"page": {"url": f"https://www.{host}/p/1"}},
        "properties": {"url": f"https://{host}/p/1", "title": "Home"},
    }


messages = st.one_of(
    st.builds(
        _identify,
        _EMAILS,
        st.lists(st.sampled_from(["VIP", "vip", "Beta"]), max_size=2),
        st.lists(st.integers(1, 3), max_size=2),
    ),
    st.builds(_track, st.sampled_from(["track", "screen"]), _EMAILS, _NAMES),
    st.builds(_page, st.sampled_from(["shop.example.com", "example.org", "xn--bcher-kva.de"])),
)
"""Well-formed messages of every supported type."""

PATHS = [
    ("type",),
    ("userId",),
    ("anonymousId",),
    ("messageId",),
    ("event",),
    ("name",),
    ("traits",),
    ("traits", "email"),
    ("traits", "name"),
    ("traits", "firstName"),
    ("traits", "last_name"),
    ("traits", "phone"),
    ("traits", "tags"),
    ("traits", "tags", 0),
    ("traits", "fieldInfo"),
    ("traits", "fieldInfo", "Interest"),
    ("traits", "fieldInfo", "Hobbies"),
    ("traits", "fieldInfo", "Signup Date"),
    ("traits", "fieldInfo", "Plan"),
    ("traits", "lists"),
    ("traits", "lists", 0),
    ("traits", "lists", 0, "id"),
    ("traits", "lists", 0, "status"),
    ("context",),
    ("context", "traits"),
    ("context", "traits", "email"),
    ("context", "traits", "tags"),
    ("context", "page", "url"),
    ("properties",),
    ("properties", "url"),
    ("properties", "domain"),
    ("properties", "email"),
    ("properties", "name"),
    ("properties", "eventData"),
    ("properties", "referring_domain"),
]
"""Where corruption strikes: every field some action reads, and their parents."""


def _set(message: dict[str, Any], path: tuple[str | int, ...], value: Any, delete: bool) -> None:
    node: Any = message
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return  # the list is gone or shorter: nothing to corrupt there
            node = node[step]
            continue
        if not isinstance(node, dict):
            return
        child = node.get(step)
        if not isinstance(child, (dict, list)):
            child = node[step] = {}
        node = child
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int):
        if last < len(node):
            if delete:
                del node[last]
            else:
                node[last] = value
        elif not delete:
            node.append(value)
    elif isinstance(node, dict) and isinstance(last, str):
        if delete:
            node.pop(last, None)
        else:
            node[last] = value


@st.composite
def corrupted_messages(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed message with one to four fields replaced by hostile values or removed."""
    message: dict[str, Any] = copy.deepcopy(draw(messages))
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        delete = draw(st.integers(0, 4)) == 0
        _set(message, path, None if delete else draw(hostile_values), delete)
    return message
