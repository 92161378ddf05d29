"""The budget holds as the server counts it: on arrival, over real connections.

The server below is ActiveCampaign's rule in miniature: more than 5 requests arriving
within one second get a 429. Each new connection costs 150 ms of TLS handshake (the
server sleeps before it), so the first requests of a run reach it 150 ms after they left
the limiter, while later ones reuse a warm connection and arrive at once. A limiter that
counted a request from the moment it let it go would let the 6th arrive 0.88 s after the
1st; ours counts it from the moment it is written to the connection.

Two clients of one account share that budget by default: the runs below split their
requests between two clients, and the server still answers no 429.
"""

from __future__ import annotations

import asyncio
import ssl
from concurrent.futures import ThreadPoolExecutor

import httpx

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

from ._servers import json_answer, serving

KEY = "network-test-key-0123456789"
CALLS_PER_CLIENT = 6  # 12 in all: a burst of 5, then two more windows


async def test_two_async_clients_earn_no_429_from_a_server_counting_on_arrival(
    server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    with serving(json_answer(), tls=server_tls, handshake_delay=0.15, limit=5) as server:
        https = [httpx.AsyncClient(verify=client_tls) for _ in range(2)]
        clients = [AsyncActiveCampaign(server.url, KEY, http_client=h) for h in https]
        try:
            await asyncio.gather(*(c.tags.get(n) for c in clients for n in range(CALLS_PER_CLIENT)))
        finally:
            for http in https:
                await http.aclose()
    assert server.statuses.count(429) == 0
    assert len(server.arrivals) == 2 * CALLS_PER_CLIENT
    assert server.connections >= 5  # the burst did open new, slow connections


def test_two_sync_clients_in_threads_earn_no_429_from_a_server_counting_on_arrival(
    server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    with serving(json_answer(), tls=server_tls, handshake_delay=0.15, limit=5) as server:
        https = [httpx.Client(verify=client_tls) for _ in range(2)]
        clients = [ActiveCampaign(server.url, KEY, http_client=h) for h in https]
        calls = [(c, n) for c in clients for n in range(CALLS_PER_CLIENT)]
        try:
            with ThreadPoolExecutor(len(calls)) as pool:
                list(pool.map(lambda call: call[0].tags.get(call[1]), calls))
        finally:
            for http in https:
                http.close()
    assert server.statuses.count(429) == 0
    assert len(server.arrivals) == 2 * CALLS_PER_CLIENT
    assert server.connections >= 5
