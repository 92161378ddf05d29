"""Every response example documented in the API reference goes through the client method
that calls its endpoint, and comes out typed: 2xx examples as models (ids as strings,
round-tripping through ``model_dump``), error examples as the matching APIStatusError.

The reference (``activecampaign-v3-openapi.json``) is read where the project keeps it,
``../shared/reference/`` beside the repository, or from ``ACTIVECAMPAIGN_OPENAPI``; it is
reference data and not committed, so without it these tests are skipped.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from activecampaign_client import ActiveCampaign, APIStatusError, InternalServerError, Page

from ._support import sync_client

DEFAULT_REFERENCE = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "activecampaign-v3-openapi.json"
)
REFERENCE = Path(os.environ.get("ACTIVECAMPAIGN_OPENAPI") or DEFAULT_REFERENCE)

Call = Callable[[ActiveCampaign], Any]

CALLS: dict[tuple[str, str], Call] = {
    ("POST", "/contacts"): lambda c: c.contacts.create("jane@example.com"),
    ("GET", "/contacts"): lambda c: c.run(c.contacts.list.query().fetch(0)),
    ("POST", "/contact/sync"): lambda c: c.contacts.sync("jane@example.com"),
    ("GET", "/contacts/{id}"): lambda c: c.contacts.get(1),
    ("PUT", "/contacts/{id}"): lambda c: c.contacts.update(1, first_name="Jane"),
    ("DELETE", "/contacts/{id}"): lambda c: c.contacts.delete(1),
    ("POST", "/contactLists"): lambda c: c.contact_lists.subscribe(1, 2),
    ("POST", "/import/bulk_import"): lambda c: c.bulk_import.import_contacts(
        [{"email": "jane@example.com"}, {"email": "john@example.com"}]
    ),
    ("GET", "/import/bulk_import"): lambda c: c.bulk_import.overview(),
    ("GET", "/import/info"): lambda c: c.bulk_import.status("batch-1"),
    ("GET", "/contacts/{id}/contactLists"): lambda c: c.run(c.contact_lists.list.query(1).fetch(0)),
    ("GET", "/contacts/{id}/fieldValues"): lambda c: c.run(c.field_values.list.query(1).fetch(0)),
    ("GET", "/fields"): lambda c: c.run(c.fields.list.query().fetch(0)),
    ("GET", "/fields/{id}"): lambda c: c.fields.get(1),
    ("POST", "/fieldValues"): lambda c: c.field_values.create(1, 2, "Books"),
    ("PUT", "/fieldValues/{id}"): lambda c: c.field_values.update(
        3, contact_id=1, field_id=2, value="Books"
    ),
    ("POST", "/contactTags"): lambda c: c.contact_tags.add(1, 2),
    ("DELETE", "/contactTags/{id}"): lambda c: c.contact_tags.remove(1),
    ("GET", "/lists"): lambda c: c.run(c.lists.list.query().fetch(0)),
    ("GET", "/lists/{id}"): lambda c: c.lists.get(1),
    ("POST", "/eventTrackingEvents"): lambda c: c.event_tracking.create_event("Signed Up"),
    ("GET", "/eventTrackingEvents"): lambda c: c.run(c.event_tracking.list_events.query().fetch(0)),
    ("GET", "/eventTracking"): lambda c: c.event_tracking.status(),
    ("PUT", "/eventTracking"): lambda c: c.event_tracking.enable(),
    ("DELETE", "/eventTrackingEvents/{eventName}"): lambda c: c.event_tracking.delete_event("x"),
    ("GET", "/siteTracking"): lambda c: c.site_tracking.status(),
    ("PUT", "/siteTracking"): lambda c: c.site_tracking.enable(),
    ("POST", "/tags"): lambda c: c.tags.create("VIP"),
    ("GET", "/tags"): lambda c: c.run(c.tags.list.query().fetch(0)),
    ("GET", "/tags/{id}"): lambda c: c.tags.get(1),
    ("DELETE", "/tags/{id}"): lambda c: c.tags.delete(1),
    ("POST", "/prism/urlWhitelistings"): lambda c: c.site_tracking.add_domain("example.com"),
    ("GET", "/prism/urlWhitelistings"): lambda c: c.run(
        c.site_tracking.list_domains.query().fetch(0)
    ),
    ("DELETE", "/prism/urlWhitelistings/{domain_id}"): lambda c: c.site_tracking.remove_domain(1),
}
"""The client call for each documented endpoint the client implements."""

NOT_IN_CLIENT = {
    ("POST", "/fields"),
    ("PUT", "/fields/{id}"),
    ("DELETE", "/fields/{id}"),
    ("GET", "/fieldValues"),
    ("GET", "/fieldValues/{id}"),
    ("DELETE", "/fieldValues/{id}"),
    ("POST", "/lists"),
    ("DELETE", "/lists/{id}"),
    ("PUT", "/tags/{id}"),
    ("GET", "/siteTracking/code"),
}
"""Documented endpoints the client has no method for (nothing to parse their answers with)."""

MALFORMED = {
    ("GET", "/eventTrackingEvents", "200", "Result"): "trailing comma after meta.total",
    ("GET", "/eventTracking", "200", "Result"): 'missing ":" after "eventTracking"',
    ("PUT", "/eventTracking", "200", "Result"): 'missing ":" after "eventTracking"',
}
"""2xx examples that are not valid JSON in the reference itself: not parsed as models (the
reason says why); the client must turn them into a typed error instead, which is tested."""

ID_NAMES = frozenset({"id", "contact", "tag", "list", "field", "owner", "batch_id"})
ID_LISTS = frozenset({"success"})  # BulkImportInfo.success: the imported contacts' ids


@dataclass(frozen=True)
class Example:
    method: str
    path: str
    status: str
    content_type: str
    name: str
    value: Any

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def label(self) -> str:
        return f"{self.method} {self.path} {self.status} {self.name}"

    def body(self) -> bytes:
        text = self.value if isinstance(self.value, str) else json.dumps(self.value)
        return text.encode()


def load_examples() -> list[Example]:
    if not REFERENCE.is_file():
        return []
    spec = json.loads(REFERENCE.read_text(encoding="utf-8"))
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            for status, response in (operation.get("responses") or {}).items():
                for ctype, content in (response.get("content") or {}).items():
                    for name, example in (content.get("examples") or {}).items():
                        found.append(
                            Example(method.upper(), path, status, ctype, name, example.get("value"))
                        )
    return found


EXAMPLES = load_examples()
needs_reference = pytest.mark.skipif(not EXAMPLES, reason=f"API reference not found at {REFERENCE}")


def answering(example: Example, seen: list[httpx.Request]) -> Callable[..., httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        headers = {"Content-Type": example.content_type}
        return httpx.Response(int(example.status), content=example.body(), headers=headers)

    return answer


def path_pattern(template: str) -> re.Pattern[str]:
    escaped = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
    return re.compile(f"/api/3{escaped}")


def walk_ids(value: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every id-like attribute of a parsed answer, with where it was found."""
    if isinstance(value, Page):
        for index, item in enumerate(value.items):
            yield from walk_ids(item, f"{where}[{index}]")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name)
            if name in ID_NAMES | ID_LISTS and isinstance(item, list):
                yield from ((f"{where}.{name}[{i}]", x) for i, x in enumerate(item))
            elif name in ID_NAMES and item is not None and not isinstance(item, BaseModel):
                yield f"{where}.{name}", item
            else:
                yield from walk_ids(item, f"{where}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_ids(item, f"{where}[{index}]")


def models_in(value: Any) -> Iterator[BaseModel]:
    if isinstance(value, Page):
        yield from value.items
    elif isinstance(value, BaseModel):
        yield value


def params(success: bool) -> list[Any]:
    # Malformed examples have their own test below (a typed error each), not a skip here.
    chosen = [
        e
        for e in EXAMPLES
        if e.status.startswith("2") == success
        and e.key not in NOT_IN_CLIENT
        and (e.method, e.path, e.status, e.name) not in MALFORMED
    ]
    return [pytest.param(e, id=e.label) for e in chosen] or [pytest.param(None, id="none")]


@needs_reference
def test_every_documented_endpoint_is_mapped_or_listed() -> None:
    documented = {e.key for e in EXAMPLES}
    assert documented == set(CALLS) | NOT_IN_CLIENT
    assert not set(CALLS) & NOT_IN_CLIENT


@needs_reference
@pytest.mark.parametrize("example", params(success=True))
def test_success_examples_parse_into_the_clients_models(example: Example) -> None:
    seen: list[httpx.Request] = []
    with sync_client(answering(example, seen)) as client:
        result = CALLS[example.key](client)
    assert len(seen) == 1
    assert seen[0].method == example.method
    assert path_pattern(example.path).fullmatch(seen[0].url.path), seen[0].url
    ids = list(walk_ids(result))
    assert all(isinstance(value, str) for _, value in ids), ids
    for model in models_in(result):
        dumped = model.model_dump(by_alias=True)
        assert type(model).model_validate(dumped) == model


@needs_reference
@pytest.mark.parametrize("example", params(success=False))
def test_error_examples_raise_the_matching_typed_error(example: Example) -> None:
    seen: list[httpx.Request] = []
    with (
        sync_client(answering(example, seen), max_retries=0) as client,
        pytest.raises(APIStatusError) as raised,
    ):
        CALLS[example.key](client)
    status = int(example.status)
    assert raised.value.status_code == status
    # Retry later: 429, 5xx, and bulk import's documented 400 for a spent per-minute budget.
    spent_budget = "Rate limit exceeded" in example.body().decode()
    assert raised.value.retryable is (status == 429 or status >= 500 or spent_budget)


@needs_reference
@pytest.mark.parametrize("key", sorted(MALFORMED))
def test_the_malformed_examples_are_typed_errors_not_crashes(key: tuple[str, ...]) -> None:
    (example,) = [e for e in EXAMPLES if (e.method, e.path, e.status, e.name) == key]
    with (
        sync_client(answering(example, []), max_retries=0) as client,
        pytest.raises(InternalServerError, match="not valid JSON"),
    ):
        CALLS[example.key](client)


@needs_reference
def test_ids_are_strings_even_where_the_examples_send_numbers() -> None:
    number_id = re.compile(r'"(?:id|contact|tag|list|field|owner)"\s*:\s*\d')
    numeric = [
        e
        for e in EXAMPLES
        if e.status.startswith("2") and e.key in CALLS and number_id.search(e.body().decode())
    ]
    assert numeric, "the reference documents ids sent as JSON numbers"
    for example in numeric:
        seen: list[httpx.Request] = []
        with sync_client(answering(example, seen)) as client:
            result = CALLS[example.key](client)
        ids = dict(walk_ids(result))
        assert ids and all(isinstance(v, str) for v in ids.values()), example.label
