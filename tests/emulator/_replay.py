"""Replaying recorded interactions on a seeded emulator, for the conformance tests.

Cassette ids are mapped onto the seeded account (the n-th distinct contact id of a request
becomes the n-th seeded contact, and so on), in paths, bodies and the id filters of a query
(``listid``, ``tagid``, ``id_greater``). The dates of date filters (the reference's, from
2018) are moved past the seeded account's, keeping their direction: ``*_before`` far ahead,
``*_after`` far back, so that what matched in the recording matches the seeded contacts.
Error answers are reproduced the way they arise: a 404 with ids that do not exist, a
duplicate by sending the request again, a budget refusal by repeating it, a trackcmp
refusal with a wrong key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import httpx
import pytest
from vcr.serializers import yamlserializer

from activecampaign_client.testing import ActiveCampaignEmulator

__all__ = [
    "CASSETTES",
    "Interaction",
    "World",
    "build_request",
    "json_of",
    "load_interactions",
    "reproduce",
]

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "client"

# Path segment before an id -> the kind of object it names.
PATH_KINDS = {
    "contacts": "contact",
    "tags": "tag",
    "fields": "field",
    "lists": "list",
    "fieldValues": "fieldValue",
    "contactTags": "contactTag",
    "urlWhitelistings": "domain",
    "fieldRels": "fieldRel",
}
# Request body object -> its id attributes and their kinds.
BODY_KINDS = {
    "contactTag": {"contact": "contact", "tag": "tag"},
    "contactList": {"contact": "contact", "list": "list"},
    "fieldValue": {"contact": "contact", "field": "field"},
    "fieldRel": {"field": "field", "relid": "list"},
}
# Query parameters holding an id -> the kind of object they name.
QUERY_KINDS = {"listid": "list", "tagid": "tag", "id_greater": "contact", "id_less": "contact"}
MISSING_ID = "999999"


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its answer."""

    source: str
    method: str
    url: httpx.URL
    body: str
    content_type: str
    status: int
    response_body: str
    response_type: str

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.response_body)
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.source}: {self.method} {self.url.path} -> {self.status}"


def _header(headers: dict[str, Any], name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) and value else value)
    return ""


def _text(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("string", "")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def load_interactions() -> list[Interaction]:
    """Every interaction of every cassette under ``cassettes/client``."""
    found = []
    for path in sorted(CASSETTES.rglob("*.yaml")):
        data = yamlserializer.deserialize(path.read_text(encoding="utf-8")) or {}
        for index, item in enumerate(data.get("interactions") or []):
            request, response = item["request"], item["response"]
            found.append(
                Interaction(
                    source=f"{path.relative_to(CASSETTES)}#{index}",
                    method=request["method"],
                    url=httpx.URL(request["uri"]),
                    body=_text(request.get("body")),
                    content_type=_header(request.get("headers"), "content-type"),
                    status=int(response["status"]["code"]),
                    response_body=_text(response.get("body")),
                    response_type=_header(response.get("headers"), "content-type"),
                )
            )
    return found


# -- the emulated account the recordings are replayed on ---------------------------


class World:
    """A fresh emulator with a few objects of every kind, and the requests to reach it."""

    def __init__(self) -> None:
        self.emu = ActiveCampaignEmulator(rate_limit=None)
        emu = self.emu
        self.ids: dict[str, list[str]] = {
            "field": [emu.add_field(f"Field {n}") for n in range(1, 9)],
            "list": [emu.add_list(f"List {n}") for n in range(1, 5)],
            "tag": [emu.add_tag(name) for name in ("one", "two", "three", "four")],
        }
        fields, lists = self.ids["field"], self.ids["list"]
        self.ids["contact"] = [
            emu.add_contact(
                f"seeded{n}@example.org",
                first_name="Test",
                last_name=f"Seeded{n}",
                tags=["one", "two"],
                field_values={fields[0]: "a", fields[1]: "b"},
                lists={lists[0]: "1", lists[1]: "2"},
            )
            for n in range(1, 4)
        ]
        self.ids["domain"] = [emu.add_domain(f"seeded{n}.example.org") for n in range(1, 3)]
        for n in range(1, 4):
            emu.add_event_name(f"seeded_event_{n}")
        with emu.client(requests_per_second=None) as client:
            contact = self.ids["contact"][0]
            self.ids["fieldValue"] = [v.id for v in client.field_values.list(contact)]
            self.ids["contactTag"] = [t.id for t in client.contact_tags.list(contact)]
            self.ids["fieldRel"] = [client.fields.add_to_list(fields[0], lists[0]).id]
            client.fields.add_options(fields[2], ["Red", "Blue"])
            for n in range(1, 3):
                client.event_tracking.track(
                    "seeded_event_1", email="seeded1@example.org", eventdata=f"visit {n}"
                )
            batch = client.bulk_import.import_contacts([{"email": "batch@example.org"}])
            self.batch_id = batch.batch_id
        self.http = httpx.Client(transport=emu.transport())
        self.emu.reset_requests()

    def send(self, request: httpx.Request) -> httpx.Response:
        response = self.http.send(request)
        response.read()
        return response


class Mapping:
    """Cassette ids to seeded ids, by kind, in order of first appearance."""

    def __init__(self, world: World, *, missing: bool = False) -> None:
        self.world = world
        self.missing = missing
        self.seen: dict[str, dict[str, str]] = {}

    def __call__(self, kind: str, value: Any) -> str:
        if self.missing:
            return MISSING_ID
        known = self.seen.setdefault(kind, {})
        if str(value) not in known:
            pool = self.world.ids[kind]
            known[str(value)] = pool[len(known) % len(pool)]
        return known[str(value)]


def _map_path(path: str, mapped: Mapping) -> str:
    parts = path.split("/")
    for i in range(1, len(parts)):
        kind = PATH_KINDS.get(parts[i - 1])
        if kind and parts[i].isdigit():
            parts[i] = mapped(kind, parts[i])
    return "/".join(parts)


def _map_json(body: Any, mapped: Mapping) -> Any:
    if not isinstance(body, dict):
        return body
    body = json.loads(json.dumps(body))
    for key, attributes in BODY_KINDS.items():
        obj = body.get(key)
        for attribute, kind in attributes.items():
            if isinstance(obj, dict) and attribute in obj:
                obj[attribute] = mapped(kind, obj[attribute])
    for option in body.get("fieldOptions") or []:
        option["field"] = mapped("field", option["field"])
    contact = body.get("contact")
    for value in (contact.get("fieldValues") or []) if isinstance(contact, dict) else []:
        value["field"] = mapped("field", value["field"])
    for item in body.get("contacts") or []:
        for value in item.get("fields") or []:
            value["id"] = int(mapped("field", value["id"]))
        for key in ("subscribe", "unsubscribe"):
            for value in item.get(key) or []:
                value["listid"] = int(mapped("list", value["listid"]))
    return body


def build_request(
    world: World, recorded: Interaction, *, missing: bool = False, wrong_key: bool = False
) -> httpx.Request:
    """The recorded request, aimed at the world: its host, credentials and ids."""
    emu, mapped = world.emu, Mapping(world, missing=missing)
    headers = {"Accept": "application/json"}
    if recorded.url.host == "trackcmp.net":
        url = str(recorded.url)
    else:
        headers["Api-Token"] = emu.api_key
        query = dict(parse_qsl(urlsplit(str(recorded.url)).query, keep_blank_values=True))
        if "batchId" in query:
            query["batchId"] = MISSING_ID if missing else world.batch_id
        if "email" in query:
            query["email"] = "seeded1@example.org"
        for name, kind in QUERY_KINDS.items():
            if name in query and query[name].isdigit():
                query[name] = mapped(kind, query[name])
        for name in [n for n in query if n.startswith("filters[") and n.endswith("before]")]:
            query[name] = "2100-01-01"
        for name in [n for n in query if n.startswith("filters[") and n.endswith("after]")]:
            query[name] = "2000-01-01"
        path = _map_path(recorded.url.raw_path.decode().split("?")[0], mapped)
        url = emu.api_url + path + ("?" + urlencode(query) if query else "")
    content = recorded.body.encode()
    if "json" in recorded.content_type and recorded.body:
        content = json.dumps(_map_json(json.loads(recorded.body), mapped)).encode()
    elif "form" in recorded.content_type:
        form = dict(parse_qsl(recorded.body, keep_blank_values=True))
        form["actid"] = emu.actid
        form["key"] = "wrong-key" if wrong_key else emu.event_key
        content = urlencode(form).encode()
    if recorded.content_type:
        headers["Content-Type"] = recorded.content_type
    return httpx.Request(recorded.method, url, headers=headers, content=content)


def _prepare(world: World, recorded: Interaction) -> None:
    """What must exist for the recorded call to succeed: its event name."""
    name = None
    if recorded.url.host == "trackcmp.net":
        name = dict(parse_qsl(recorded.body)).get("event")
    elif "/eventTrackingEvents/" in recorded.url.path:
        name = unquote(recorded.url.raw_path.decode().split("?")[0].rsplit("/", 1)[1])
    if name and name not in world.emu.event_names():
        world.emu.add_event_name(name)


def _signature(status: int, body: Any) -> tuple[int, Any]:
    success = body.get("success", body.get("Success")) if isinstance(body, dict) else None
    return status, success if isinstance(success, int) else None


def _attempts(recorded: Interaction) -> Iterator[tuple[str, Callable[[World], httpx.Response]]]:
    def as_recorded(world: World) -> httpx.Response:
        _prepare(world, recorded)
        return world.send(build_request(world, recorded))

    def missing_ids(world: World) -> httpx.Response:
        return world.send(build_request(world, recorded, missing=True))

    def wrong_key(world: World) -> httpx.Response:
        _prepare(world, recorded)
        return world.send(build_request(world, recorded, wrong_key=True))

    def repeated(world: World) -> httpx.Response:
        _prepare(world, recorded)
        want = _signature(recorded.status, recorded.json)
        for _ in range(125):  # a duplicate on the 2nd try; a spent budget by the 101st
            response = world.send(build_request(world, recorded))
            if _signature(response.status_code, json_of(response)) == want:
                break
        return response

    yield "as recorded", as_recorded
    yield "with ids that do not exist", missing_ids
    yield "with a wrong event key", wrong_key
    yield "sent repeatedly", repeated


def json_of(response: httpx.Response) -> Any:
    """The JSON body of a response, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None


def reproduce(recorded: Interaction) -> httpx.Response:
    """The emulator's answer in the situation that produced the recording."""
    want = _signature(recorded.status, recorded.json)
    tried = []
    for label, attempt in _attempts(recorded):
        response = attempt(World())
        got = _signature(response.status_code, json_of(response))
        if got == want:
            return response
        tried.append(f"{label}: {got}")
    pytest.fail(f"{recorded}: the emulator never answers {want}; tried {'; '.join(tried)}")
