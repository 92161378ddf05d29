"""Whatever comes back — too large, not JSON, JSON of the wrong shape or nested past the
recursion limit, any status with any body — the client raises a typed ActiveCampaignError
(or returns a model), and the mapper turns it into a result: never a crash."""

from __future__ import annotations

import asyncio
import json
import re
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activecampaign_client import (
    ActiveCampaign,
    ActiveCampaignError,
    APIResponseValidationError,
    AuthenticationError,
    InternalServerError,
    RateLimitError,
)
from activecampaign_client._constants import MAX_RESPONSE_BYTES
from activecampaign_client.testing._pages import LOGIN_PAGE, MALFORMED_JSON
from rudder_mapper import AsyncActiveCampaignDestination

from ._strategies import json_values
from ._support import async_client, sync_client

DEEP = b"[" * 100_000 + b"]" * 100_000

CALLS: dict[str, Callable[[ActiveCampaign], Any]] = {
    "tags.get": lambda c: c.tags.get(1),
    "contacts.sync": lambda c: c.contacts.sync("jane@example.com", first_name="Jane"),
    "tags.list page": lambda c: c.run(c.tags.list.query().fetch(0)),
    "event_tracking.track": lambda c: c.event_tracking.track("E", email="jane@example.com"),
    "bulk_import": lambda c: c.bulk_import.import_contacts([{"email": "jane@example.com"}]),
    "site_tracking.list_domains page": lambda c: c.run(
        c.site_tracking.list_domains.query().fetch(0)
    ),
}


def answer(
    status: int, body: bytes, content_type: str = "application/json", **headers: str
) -> Callable[[httpx.Request], httpx.Response]:
    """A MockTransport handler giving every request this answer."""

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, content=body, headers={"Content-Type": content_type, **headers}
        )

    return respond


def test_the_size_limit_is_sane() -> None:
    assert 1 << 20 <= MAX_RESPONSE_BYTES <= 64 << 20


@pytest.mark.parametrize("call", sorted(CALLS))
def test_an_answer_over_the_size_limit_is_a_typed_error(call: str) -> None:
    body = b'{"tag": {"id": "1", "tag": "' + b"x" * MAX_RESPONSE_BYTES + b'"}}'
    with (
        sync_client(answer(200, body), max_retries=0) as client,
        pytest.raises(InternalServerError, match="exceeds") as raised,
    ):
        CALLS[call](client)
    assert str(MAX_RESPONSE_BYTES) in str(raised.value)
    assert len(str(raised.value)) < 500  # the message does not carry the body


async def test_the_async_client_refuses_an_oversized_answer_too() -> None:
    body = b'{"x": "' + b"y" * MAX_RESPONSE_BYTES + b'"}'
    client = async_client(answer(200, body), max_retries=0)
    with pytest.raises(InternalServerError, match="exceeds"):
        await client.tags.get(1)
    await client.aclose()


NOT_JSON = [
    pytest.param(200, "text/plain", b"hello", InternalServerError, id="plain-text"),
    pytest.param(200, "text/html", LOGIN_PAGE.encode(), AuthenticationError, id="login-page"),
    pytest.param(200, "application/json", MALFORMED_JSON.encode(), InternalServerError, id="cut"),
    pytest.param(200, "application/json", b"\xff\xfe\x00\x81", InternalServerError, id="binary"),
    pytest.param(200, "application/json", DEEP, InternalServerError, id="nested-too-deep"),
    pytest.param(200, "application/json", b"9" * 5_000, InternalServerError, id="5000-digits"),
    pytest.param(200, "application/json", b"[]", APIResponseValidationError, id="array"),
    pytest.param(200, "application/json", b'"ok"', APIResponseValidationError, id="string"),
    pytest.param(200, "application/json", b"null", APIResponseValidationError, id="null"),
    pytest.param(200, "application/json", b"", APIResponseValidationError, id="empty"),
    pytest.param(
        200,
        "application/json",
        b'{"tag": {"id": 1e999, "tag": "x"}}',
        APIResponseValidationError,
        id="infinite-id",
    ),
    pytest.param(500, "application/json", DEEP, InternalServerError, id="500-nested-too-deep"),
    pytest.param(429, "text/html", b"<html>slow down</html>", RateLimitError, id="429-html"),
]


@pytest.mark.parametrize(("status", "ctype", "body", "error"), NOT_JSON)
def test_what_is_not_the_expected_json_is_a_typed_error(
    status: int, ctype: str, body: bytes, error: type[Exception]
) -> None:
    with (
        sync_client(answer(status, body, ctype), max_retries=0) as client,
        pytest.raises(error),
    ):
        client.tags.get(1)


@pytest.mark.parametrize(("status", "ctype", "body", "error"), NOT_JSON)
def test_the_mapper_turns_bad_answers_into_results(
    status: int, ctype: str, body: bytes, error: type[ActiveCampaignError]
) -> None:
    client = async_client(answer(status, body, ctype), max_retries=0)
    destination = AsyncActiveCampaignDestination(client)
    message = {"type": "identify", "traits": {"email": "jane@example.com", "tags": ["VIP"]}}
    result = asyncio.run(destination.process(message))
    assert not result.delivered
    assert result.status_code in (401, 429, 500, 502)
    # The flag of the client's error: a server error or rate limit is worth retrying; a
    # login page (bad key) or an answer of the wrong shape is not.
    assert result.retryable is error.retryable


def _json_body(value: Any) -> bytes:
    try:
        return json.dumps(value).encode("utf-8", errors="surrogatepass")
    except ValueError:
        return b"{}"


BODIES = st.one_of(
    st.binary(max_size=200),
    json_values.map(_json_body),
    st.sampled_from([DEEP, LOGIN_PAGE.encode(), MALFORMED_JSON.encode(), b"", b"null"]),
    st.fixed_dictionaries(
        {"tag": st.fixed_dictionaries({"id": json_values, "tag": json_values})}
    ).map(_json_body),
)


@settings(
    max_examples=600,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    call=st.sampled_from(sorted(CALLS)),
    status=st.sampled_from([200, 201, 204, 301, 400, 401, 403, 404, 422, 429, 500, 503])
    | st.integers(100, 599),
    content_type=st.sampled_from(["application/json", "text/html", "text/plain", ""]),
    body=BODIES,
    retry_after=st.none() | st.text(max_size=20) | st.integers(-5, 10**6).map(str),
)
def test_any_answer_is_a_model_or_a_typed_error(
    call: str, status: int, content_type: str, body: bytes, retry_after: str | None
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    try:
        headers_ok = httpx.Headers(headers)
    except (ValueError, TypeError):
        headers_ok = httpx.Headers()
    with sync_client(answer(status, body, content_type, **dict(headers_ok)), max_retries=0) as c:
        try:
            CALLS[call](c)
        except ActiveCampaignError as error:
            assert str(error)
            assert isinstance(error.retryable, bool)


class _Spy:
    """Stands in for a compiled pattern or the ``re`` module, noting how long each text it
    is given is; everything else goes to the real thing."""

    def __init__(self, real: Any, seen: list[int]) -> None:
        self._real = real
        self._seen = seen

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._real, name)
        if not callable(attribute):
            return attribute

        def noted(*args: Any, **kwargs: Any) -> Any:
            self._seen.extend(len(a) for a in args if isinstance(a, (str, bytes)))
            return attribute(*args, **kwargs)

        return noted


def test_an_error_snippet_scans_a_few_kilobytes_whatever_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Broken HTML (tags opened, never closed) made the snippet's regexes quadratic in the
    # body: 200 KB took 18 s, and bodies may reach 16 MiB. No regex may see more than a
    # few KB of it, however the body is made.
    from activecampaign_client import _responses

    seen: list[int] = []
    for name, value in vars(_responses).items():
        if isinstance(value, re.Pattern) or value is re:
            monkeypatch.setattr(_responses, name, _Spy(value, seen))
    for body in (b"<script>" * 25_000, b"<" * 200_000, b"<style a='" * 20_000):
        with (
            sync_client(answer(503, body, "text/html"), max_retries=0) as client,
            pytest.raises(InternalServerError),
        ):
            client.tags.get(1)
    assert seen
    assert max(seen) <= 16_384


@pytest.mark.parametrize(
    ("page", "snippet"),
    [
        ("<html><script>var a = '<b>';</script><p>Service  Unavailable</p>", "Service Unavailable"),
        ("<STYLE>p {}</Style >Down for <b>maintenance</b>", "Down for maintenance"),
        # A script longer than what is scanned never shows its code.
        ("<html><script>" + "var x = 1;" * 2_000 + "</script>Down</html>", "Service Unavailable"),
    ],
)
def test_an_error_snippet_leaves_out_scripts_styles_and_tags(page: str, snippet: str) -> None:
    with (
        sync_client(answer(503, page.encode(), "text/html"), max_retries=0) as client,
        pytest.raises(InternalServerError) as raised,
    ):
        client.tags.get(1)
    assert str(raised.value).endswith(f"-> 503: {snippet}")


def _compressed(coding: str, pieces: Iterable[bytes]) -> bytes:
    """``pieces`` joined and compressed for a ``Content-Encoding`` of ``coding``."""
    wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}[coding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return b"".join(packer.compress(piece) for piece in pieces) + packer.flush()


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """About 130 KB that inflate to eight times the size limit (128 MiB of spaces)."""
    return _compressed("gzip", (b" " * (1 << 20) for _ in range(8 * MAX_RESPONSE_BYTES >> 20)))


def _peak_memory(call: Callable[[], Any]) -> int:
    """The most memory Python held at once (beyond what it held before) during ``call``."""
    tracemalloc.start()
    try:
        call()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_compressed_answer_is_inflated_only_up_to_the_size_limit(
    gzip_bomb: bytes, flavour: str
) -> None:
    # Its Content-Length (the compressed size, 130 KB) is well within the limit: the
    # client once took that as leave to read the body whole, inflating all 128 MiB. And
    # httpx inflates each chunk it receives whole: here, one chunk of 130 KB.
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(gzip_bomb))}

    def respond(request: httpx.Request) -> httpx.Response:
        # stream=: received as from a socket (content= would be inflated right here).
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(gzip_bomb))

    def call() -> None:
        with pytest.raises(InternalServerError, match="exceeds"):
            if flavour == "sync":
                with sync_client(respond, max_retries=0) as client:
                    client.tags.get(1)
            else:

                async def fetch() -> None:
                    async with async_client(respond, max_retries=0) as client:
                        await client.tags.get(1)

                asyncio.run(fetch())

    assert _peak_memory(call) < 3 * MAX_RESPONSE_BYTES


TAG_JSON = b'{"tag": {"id": "7", "tag": "' + b"VIP " * 5_000 + b'"}}'


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        pytest.param("gzip", _compressed("gzip", [TAG_JSON]), id="gzip"),
        pytest.param("x-gzip", _compressed("gzip", [TAG_JSON]), id="x-gzip"),
        pytest.param("deflate", _compressed("deflate", [TAG_JSON]), id="deflate"),
        # "deflate" sent without its zlib wrapper, as some servers do
        pytest.param("deflate", _compressed("raw-deflate", [TAG_JSON]), id="raw-deflate"),
        pytest.param("GZIP", _compressed("gzip", [TAG_JSON]), id="upper-case"),
        pytest.param("identity", TAG_JSON, id="identity"),
        pytest.param("gzip, identity", _compressed("gzip", [TAG_JSON]), id="gzip-identity"),
        pytest.param(
            "deflate, gzip",
            _compressed("gzip", [_compressed("deflate", [TAG_JSON])]),
            id="deflate-then-gzip",
        ),
    ],
)
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_compressed_answers_are_decoded(
    coding: str, body: bytes, declared: bool, flavour: str
) -> None:
    pieces = [body[i : i + 100] for i in range(0, len(body), 100)]
    headers = {"Content-Type": "application/json", "Content-Encoding": coding}
    if declared:
        headers["Content-Length"] = str(len(body))

    def respond(request: httpx.Request) -> httpx.Response:
        assert request.headers["Accept-Encoding"] == "gzip, deflate"
        if flavour == "sync":
            return httpx.Response(200, headers=headers, stream=_Chunks(pieces))
        return httpx.Response(200, headers=headers, stream=_AsyncChunks(pieces))

    if flavour == "sync":
        with sync_client(respond, max_retries=0) as client:
            tag = client.tags.get(7)
    else:

        async def fetch() -> Any:
            async with async_client(respond, max_retries=0) as client:
                return await client.tags.get(7)

        tag = asyncio.run(fetch())
    assert (tag.id, len(tag.tag)) == ("7", 20_000)


@pytest.mark.parametrize("coding", ["br", "zstd", "compress", "gzip, br"])
def test_a_coding_the_client_did_not_ask_for_is_a_garbled_answer(coding: str) -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        headers = {"Content-Type": "application/json", "Content-Encoding": coding}
        return httpx.Response(200, headers=headers, stream=httpx.ByteStream(TAG_JSON))

    with (
        sync_client(respond, max_retries=0) as client,
        pytest.raises(InternalServerError, match="could not be decoded"),
    ):
        client.tags.get(7)


class _Chunks(httpx.SyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        yield from self._pieces


class _AsyncChunks(httpx.AsyncByteStream):
    def __init__(self, pieces: list[bytes]) -> None:
        self._pieces = pieces

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._pieces:
            yield piece
