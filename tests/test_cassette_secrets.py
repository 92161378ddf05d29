"""No cassette under cassettes/ may hold a secret, whoever recorded it and for whatever module.

Checked in every file, in every folder:

* every ``Api-Token`` (and ``Authorization``) header value, request or response, is ``REDACTED``;
* every request body or URL carrying trackcmp's ``key`` / ``actid`` fields has them ``REDACTED``;
* when the real-account variables are set (``make record``), none of their values appears
  anywhere: ACTIVECAMPAIGN_API_KEY, ACTIVECAMPAIGN_EVENT_KEY, ACTIVECAMPAIGN_ACTID and the host
  of ACTIVECAMPAIGN_API_URL — plain or URL-encoded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlsplit

import pytest
import yaml
from vcr.request import Request

CASSETTES_DIR = Path(__file__).resolve().parent.parent / "cassettes"
PLACEHOLDER = "REDACTED"  # what tests/conftest.py's scrubbing hooks write
SECRET_HEADERS = frozenset({"api-token", "authorization"})
SECRET_FORM_FIELDS = frozenset({"key", "actid"})
SECRET_ENV_VARS = ("ACTIVECAMPAIGN_API_KEY", "ACTIVECAMPAIGN_EVENT_KEY", "ACTIVECAMPAIGN_ACTID")
# Values this short would match by accident (an id, a count); real keys are far longer.
MIN_SECRET_LENGTH = 4


def real_account_values(environ: Mapping[str, str]) -> dict[str, str]:
    """The real-account secrets configured in ``environ``, by variable name."""
    values = {name: environ[name].strip() for name in SECRET_ENV_VARS if environ.get(name)}
    url = environ.get("ACTIVECAMPAIGN_API_URL", "").strip()
    if url:
        host = urlsplit(url if "://" in url else f"https://{url}").hostname
        if host and host != "testaccount.api-us1.com":
            values["ACTIVECAMPAIGN_API_URL host"] = host
    return {name: value for name, value in values.items() if len(value) >= MIN_SECRET_LENGTH}


def _as_text(value: Any) -> str | None:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value if isinstance(value, str) else None


def _header_values(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [str(v) for v in values]


def _form_problems(text: str, where: str) -> Iterator[str]:
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name in SECRET_FORM_FIELDS and value != PLACEHOLDER:
            yield f"{where}: form field {name} is not {PLACEHOLDER}"


def _structure_problems(node: Any, where: str) -> Iterator[str]:
    """Secret headers anywhere; trackcmp credentials in request bodies and URLs."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.lower() in SECRET_HEADERS:
                for item in _header_values(value):
                    if item != PLACEHOLDER:
                        yield f"{where}: {key} header is not {PLACEHOLDER}"
        if "uri" in node and "method" in node:  # a recorded request
            uri = _as_text(node.get("uri")) or ""
            yield from _form_problems(urlsplit(uri).query, f"{where} {uri.split('?')[0]} query")
            body = _as_text(node.get("body"))
            if body and "=" in body and not body.lstrip().startswith(("{", "[")):
                yield from _form_problems(body, f"{where} {uri.split('?')[0]} body")
        for key, value in node.items():
            yield from _structure_problems(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _structure_problems(item, f"{where}[{index}]")


def find_secrets(text: str, *, name: str, real_values: Mapping[str, str]) -> list[str]:
    """Every problem in one file's text; an empty list means the file is clean."""
    problems: list[str] = []
    for variable, value in real_values.items():
        for form in {value, quote(value, safe=""), quote_plus(value)}:
            if form in text:
                problems.append(f"{name}: contains the value of {variable}")
                break
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError:
        document = None
    problems.extend(_structure_problems(document, name))
    return problems


def cassette_files() -> list[Path]:
    return sorted(path for path in CASSETTES_DIR.rglob("*") if path.is_file())


def test_cassettes_exist() -> None:
    assert any(path.suffix in (".yaml", ".yml", ".json") for path in cassette_files())


def test_no_cassette_holds_a_secret() -> None:
    real_values = real_account_values(os.environ)
    problems: list[str] = []
    for path in cassette_files():
        text = path.read_bytes().decode("utf-8", errors="replace")
        problems.extend(
            find_secrets(text, name=str(path.relative_to(CASSETTES_DIR)), real_values=real_values)
        )
    assert problems == [], "unscrubbed secrets:\n" + "\n".join(problems)


# --- the scanner itself, on synthetic cassettes -----------------------------------------------

CLEAN = """\
interactions:
- request:
    body: actid=REDACTED&key=REDACTED&event=signup&visit=%7B%22email%22%3A+%22a%40b.c%22%7D
    headers:
      content-type:
      - application/x-www-form-urlencoded
    method: POST
    uri: https://trackcmp.net/event
  response:
    body:
      string: '{"success":1,"message":"Event spawned"}'
    headers: {}
    status: {code: 200, message: OK}
- request:
    body: '{"tag":{"tag":"key=value"}}'
    headers:
      Api-Token:
      - REDACTED
    method: POST
    uri: https://testaccount.api-us1.com/api/3/tags
  response:
    body: {string: '{}'}
    headers: {}
    status: {code: 201, message: Created}
version: 1
"""


def scan(text: str, **real_values: str) -> list[str]:
    return find_secrets(text, name="synthetic.yaml", real_values=real_values)


def test_scanner_passes_a_clean_cassette() -> None:
    assert scan(CLEAN) == []


@pytest.mark.parametrize(
    ("mutation", "found"),
    [
        (("Api-Token:\n      - REDACTED", "Api-Token:\n      - 0123abcd"), "Api-Token header"),
        (("Api-Token:\n      - REDACTED", "API-TOKEN: 0123abcd"), "API-TOKEN header"),
        (("headers: {}", "headers: {Authorization: [Bearer x]}"), "Authorization header"),
        (("actid=REDACTED", "actid=223344"), "form field actid"),
        (("key=REDACTED", "key=f00dbabe"), "form field key"),
        (("uri: https://trackcmp.net/event", "uri: https://trackcmp.net/event?key=f00d"), "query"),
    ],
    ids=["token", "token-case", "authorization", "actid", "event-key", "query"],
)
def test_scanner_finds_unscrubbed_fields(mutation: tuple[str, str], found: str) -> None:
    old, new = mutation
    assert old in CLEAN
    problems = scan(CLEAN.replace(old, new, 1))
    assert len(problems) == 1
    assert found in problems[0]


def test_scanner_finds_real_account_values_anywhere() -> None:
    leaked = CLEAN.replace("a%40b.c", "realacct.api-us1.com").replace("signup", "s3cr%2Fet%2Bkey")
    problems = scan(
        leaked,
        ACTIVECAMPAIGN_EVENT_KEY="s3cr/et+key",
        **{"ACTIVECAMPAIGN_API_URL host": "realacct.api-us1.com"},
    )
    assert sorted(problems) == [
        "synthetic.yaml: contains the value of ACTIVECAMPAIGN_API_URL host",
        "synthetic.yaml: contains the value of ACTIVECAMPAIGN_EVENT_KEY",
    ]


def test_scanner_reads_json_cassettes_and_plain_text() -> None:
    json_cassette = '{"interactions": [{"request": {"uri": "https://x/api/3", "method": "GET",'
    json_cassette += ' "body": null, "headers": {"Api-Token": ["abc123"]}}}], "version": 1}'
    assert len(scan(json_cassette)) == 1
    assert scan("notes: the key is kept out", ACTIVECAMPAIGN_API_KEY="kept") == [
        "synthetic.yaml: contains the value of ACTIVECAMPAIGN_API_KEY"
    ]


def test_real_account_values_come_from_the_environment() -> None:
    environ = {
        "ACTIVECAMPAIGN_API_URL": "https://realacct.api-us1.com/api/3",
        "ACTIVECAMPAIGN_API_KEY": "abcdef0123",
        "ACTIVECAMPAIGN_ACTID": "12",  # too short to look for
        "ACTIVECAMPAIGN_EVENT_KEY": "",
    }
    assert real_account_values(environ) == {
        "ACTIVECAMPAIGN_API_KEY": "abcdef0123",
        "ACTIVECAMPAIGN_API_URL host": "realacct.api-us1.com",
    }
    assert real_account_values({}) == {}


# --- the scrubbing hooks of tests/conftest.py, which write cassettes that pass the scan -------


def recorded_request(uri: str, body: bytes, content_type: str) -> Any:
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    return Request("POST", uri, body, {**headers, "Api-Token": "live-token-123"})


def test_request_hook_redacts_trackcmp_credentials(vcr_config: dict[str, Any]) -> None:
    body = b"actid=223344&key=f00dbabe1234&event=signup&visit=%7B%22email%22%3A%22a%40b.c%22%7D"
    original = recorded_request(
        "https://trackcmp.net/event", body, "application/x-www-form-urlencoded"
    )
    scrubbed = vcr_config["before_record_request"](original)
    form = dict(parse_qsl(scrubbed.body.decode()))
    assert (form["actid"], form["key"], form["event"]) == (PLACEHOLDER, PLACEHOLDER, "signup")
    assert form["visit"] == '{"email":"a@b.c"}'
    assert scrubbed.headers["Content-Length"] == str(len(scrubbed.body))
    assert original.body == body  # the live request is left alone


def test_request_hook_leaves_json_bodies_alone(vcr_config: dict[str, Any]) -> None:
    body = b'{"tag":{"tag":"key=1&actid=2"}}'
    original = recorded_request(
        "https://testaccount.api-us1.com/api/3/tags", body, "application/json"
    )
    assert vcr_config["before_record_request"](original).body == body


def test_hooks_put_the_placeholder_host_for_the_real_one(
    vcr_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIVECAMPAIGN_API_URL", "https://realacct.api-us1.com/api/3/")
    original = recorded_request(
        "https://realacct.api-us1.com/api/3/tags?limit=100", b"", "text/plain"
    )
    original.headers["host"] = "realacct.api-us1.com"
    scrubbed = vcr_config["before_record_request"](original)
    assert scrubbed.uri == "https://testaccount.api-us1.com/api/3/tags?limit=100"
    assert scrubbed.headers["host"] == "testaccount.api-us1.com"
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"Set-Cookie": ["PHPSESSID=abc"], "Content-Type": ["application/json"]},
        "body": {"string": b'{"links":{"x":"https://realacct.api-us1.com/api/3/tags/1"}}'},
    }
    cleaned = vcr_config["before_record_response"](response)
    assert cleaned["headers"] == {"Content-Type": ["application/json"]}
    assert (
        cleaned["body"]["string"]
        == b'{"links":{"x":"https://testaccount.api-us1.com/api/3/tags/1"}}'
    )


def test_api_token_header_is_filtered(vcr_config: dict[str, Any]) -> None:
    assert ("Api-Token", PLACEHOLDER) in vcr_config["filter_headers"]
    assert vcr_config["match_on"] == ["method", "scheme", "host", "path", "query"]
