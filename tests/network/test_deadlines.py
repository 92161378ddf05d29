"""A server that trickles its answer is cut off: by the attempt's own limit (``timeout``)
or by the call's ``deadline``, as APITimeoutError, whichever client.

httpx's timeouts bound each read; a byte every 0.3 s never trips a read timeout of 1 s,
and a 20-byte answer would take 6 s. The server counts the bytes it wrote before the
client hung up: far fewer than 20 means the client did not wait for the end.
"""

from __future__ import annotations

from typing import Any

import pytest

from activecampaign_client import ActiveCampaign, APITimeoutError, AsyncActiveCampaign

from ._servers import serving, trickle

KEY = "network-test-key-0123456789"
BODY = b'{"tag":{"id":"1"}}  '  # 20 bytes
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n"


async def _get_tag(flavour: str, url: str, **options: Any) -> APITimeoutError:
    """The APITimeoutError ``tags.get(1)`` raises on the given client flavour."""
    options.setdefault("requests_per_second", None)
    if flavour == "sync":
        with (
            ActiveCampaign(url, KEY, **options) as client,
            pytest.raises(APITimeoutError) as caught,
        ):
            client.tags.get(1)
    else:
        async with AsyncActiveCampaign(url, KEY, **options) as aclient:
            with pytest.raises(APITimeoutError) as caught:
                await aclient.tags.get(1)
    return caught.value


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_a_trickled_body_is_cut_at_the_attempts_limit(flavour: str) -> None:
    answer, sent = trickle(head=HEAD, body=BODY, interval=0.3)
    with serving(answer) as server:
        error = await _get_tag(flavour, server.url, timeout=1.0, max_retries=0)
    assert sent[0] < 10
    assert error.retryable
    assert "longer than its 1s limit" in str(error)


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_the_calls_deadline_covers_its_retries(flavour: str) -> None:
    # Each attempt may take 10 s, and two retries are allowed: the deadline cuts it all.
    answer, sent = trickle(head=HEAD, body=BODY, interval=0.3)
    with serving(answer) as server:
        error = await _get_tag(flavour, server.url, timeout=10.0, deadline=1.2)
    assert len(server.requests) <= 2
    assert sent[0] < 10
    assert error.retryable


async def test_the_async_client_cuts_trickled_headers_too() -> None:
    # The sync client checks its clock between reads of the body; headers are read by
    # httpx in one call, which only the async client can cancel (see README).
    answer, sent = trickle(head=HEAD, body=BODY, interval=0.2, in_headers=True)
    with serving(answer) as server:
        await _get_tag("async", server.url, timeout=1.0, max_retries=0)
    assert sent[0] < 10
