"""Shared pytest set-up: where cassettes live, how requests match them, how secrets are scrubbed.

Cassettes sit under ``<repo>/cassettes/`` in one folder per test module, mirroring ``tests/``:
``tests/client/test_tags.py`` replays ``cassettes/client/test_tags/<test name>.yaml``.

The scrubbing hooks run when a cassette is recorded (``make record``) *and* on every request
before it is matched in replay, so a recording made against a real account matches the
placeholder host, and no secret reaches a cassette file:

* the ``Api-Token`` header becomes ``REDACTED``;
* the ``actid`` and ``key`` fields of form bodies (trackcmp.net events) become ``REDACTED``;
* the real account host (from ``ACTIVECAMPAIGN_API_URL``) becomes ``testaccount.api-us1.com``,
  in request URLs and in response bodies (their ``links`` name the account);
* ``Set-Cookie`` response headers are dropped.

Requests match on method, scheme, host, path and query, never on the (scrubbed) body.

Hypothesis runs seeded (profile "ci") unless HYPOTHESIS_PROFILE=random (``make soak``).
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from hypothesis import settings

# Hypothesis is seeded unless asked otherwise: "ci" (the default, what `make test` and CI
# run) derandomizes every property test, so a run is reproducible and a failure is one
# that fails every time; "random" (what `make soak` runs) explores new examples each run.
# HYPOTHESIS_PROFILE picks one. Loaded here, before any test module builds its settings.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("random", derandomize=False, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTS_DIR = REPO_ROOT / "tests"
CASSETTES_DIR = REPO_ROOT / "cassettes"

REDACTED = "REDACTED"
PLACEHOLDER_HOST = "testaccount.api-us1.com"
SCRUBBED_FORM_FIELDS = frozenset({"actid", "key"})


def real_account_host() -> str | None:
    """The host of ``ACTIVECAMPAIGN_API_URL``, when a real account is configured."""
    url = os.environ.get("ACTIVECAMPAIGN_API_URL", "").strip()
    if not url:
        return None
    host = urlsplit(url if "://" in url else f"https://{url}").hostname
    return host if host and host != PLACEHOLDER_HOST else None


def _replace_host(uri: str, real_host: str) -> str:
    parts = urlsplit(uri)
    if parts.hostname != real_host:
        return uri
    netloc = PLACEHOLDER_HOST if parts.port is None else f"{PLACEHOLDER_HOST}:{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _scrub_form(body: bytes) -> bytes:
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        return body
    pairs = parse_qsl(text, keep_blank_values=True)
    if not pairs or not any(name in SCRUBBED_FORM_FIELDS for name, _ in pairs):
        return body
    scrubbed = [(name, REDACTED if name in SCRUBBED_FORM_FIELDS else v) for name, v in pairs]
    return urlencode(scrubbed).encode("ascii")


def scrub_request(request: Any) -> Any:
    """``before_record_request``: placeholder host, no trackcmp credentials in form bodies."""
    request = copy.deepcopy(request)
    real_host = real_account_host()
    if real_host:
        request.uri = _replace_host(request.uri, real_host)
        for name in [name for name in request.headers if name.lower() == "host"]:
            request.headers[name] = str(request.headers[name]).replace(real_host, PLACEHOLDER_HOST)
    content_type = str(request.headers.get("Content-Type", ""))
    if request.body and "application/x-www-form-urlencoded" in content_type:
        body = request.body if isinstance(request.body, bytes) else str(request.body).encode()
        scrubbed = _scrub_form(body)
        if scrubbed != body:
            request.body = scrubbed
            # The original length would tell how long the secrets were.
            for name in [name for name in request.headers if name.lower() == "content-length"]:
                request.headers[name] = str(len(scrubbed))
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """``before_record_response``: no cookies, and no real account host in the body."""
    response = copy.deepcopy(response)
    headers = response.get("headers", {})
    for name in [name for name in headers if name.lower() == "set-cookie"]:
        del headers[name]
    real_host = real_account_host()
    body = response.get("body", {})
    if real_host and isinstance(body.get("string"), bytes):
        body["string"] = body["string"].replace(real_host.encode(), PLACEHOLDER_HOST.encode())
    elif real_host and isinstance(body.get("string"), str):
        body["string"] = body["string"].replace(real_host, PLACEHOLDER_HOST)
    return response


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """pytest-recording's configuration for every cassette in the repository."""
    return {
        "filter_headers": [("Api-Token", REDACTED), ("Authorization", REDACTED)],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "match_on": ["method", "scheme", "host", "path", "query"],
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``cassettes/<module path relative to tests/>``, e.g. ``cassettes/client/test_tags``."""
    module = Path(request.path).resolve()
    try:
        relative = module.relative_to(TESTS_DIR)
    except ValueError:
        relative = Path(module.name)
    return str(CASSETTES_DIR / relative.with_suffix(""))
