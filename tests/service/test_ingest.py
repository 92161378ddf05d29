"""The ingest endpoint on a real PostgreSQL: 200 only once stored, nothing stored on refusal."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from psycopg_pool import AsyncConnectionPool

from rudder_mapper.service.accounts import Accounts
from rudder_mapper.service.ingest import IngestSettings, create_app
from rudder_mapper.service.intake import IntakeLimits
from rudder_mapper.service.store import Store

ENTRY = {"apiUrl": "https://acct.api-us1.com", "apiKey": "k" * 24, "actid": 1, "eventKey": "e"}
ACCOUNTS = Accounts.from_mapping({"wk-web": ENTRY, "wk-server": ENTRY})
IDENTIFY = {"type": "identify", "userId": "u1", "traits": {"email": "jane@example.com"}}


def basic(write_key: str) -> dict[str, str]:
    token = base64.b64encode(f"{write_key}:".encode()).decode()
    return {"Authorization": f"Basic {token}"}


class Ingest:
    """The app on an in-process transport, with what it stored and woke."""

    def __init__(self, pool: AsyncConnectionPool, settings: IngestSettings) -> None:
        self.pool = pool
        self.woken: list[str] = []

        async def wake(account: str) -> None:
            self.woken.append(account)

        app = create_app(Store(pool), ACCOUNTS.get, wake, settings)
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://ingest"
        )

    async def post(
        self, path: str, body: object, write_key: str = "wk-web", **kw: object
    ) -> httpx.Response:
        headers = {**basic(write_key), **kw.pop("headers", {})}  # type: ignore[dict-item]
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.http.post(path, content=content, headers=headers)

    async def stored(self) -> list[tuple[str, str, object]]:
        async with self.pool.connection() as conn:
            cur = await conn.execute(
                "SELECT source, message_id, body FROM rudder_events ORDER BY id"
            )
            return [(s, m, json.loads(b)) for s, m, b in await cur.fetchall()]


@pytest.fixture
async def ingest(pool: AsyncConnectionPool) -> AsyncIterator[Ingest]:
    limits = IntakeLimits(max_request_bytes=64 * 1024, max_message_bytes=2048)
    client = Ingest(pool, IngestSettings(limits=limits))
    yield client
    await client.http.aclose()


async def test_a_batch_is_stored_in_order_before_the_answer(ingest: Ingest) -> None:
    track = {"type": "track", "userId": "u1", "event": "Bought", "messageId": "m-2"}
    response = await ingest.post("/v1/batch", {"batch": [IDENTIFY, track]})
    assert response.status_code == 200
    assert response.json() == {"ok": True, "received": 2, "stored": 2, "duplicates": 0}
    stored = await ingest.stored()
    assert [body["type"] for _, _, body in stored] == ["identify", "track"]  # type: ignore[index]
    assert stored[1][1] == "m-2"
    assert ingest.woken == ["acct.api-us1.com"]


async def test_a_repeated_message_id_is_stored_once_per_source(ingest: Ingest) -> None:
    message = {**IDENTIFY, "messageId": "m-1"}
    await ingest.post("/v1/identify", message)
    again = await ingest.post("/v1/batch", {"batch": [message, message]})
    assert again.json()["duplicates"] == 2
    await ingest.post("/v1/identify", message, write_key="wk-server")  # another source
    assert [m for _, m, _ in await ingest.stored()] == ["m-1", "m-1"]


async def test_after_the_window_a_message_id_is_new_again(pool: AsyncConnectionPool) -> None:
    client = Ingest(pool, IngestSettings(dedup_window=0.0))
    message = {**IDENTIFY, "messageId": "m-1"}
    await client.post("/v1/identify", message)
    await client.post("/v1/identify", message)
    assert len(await client.stored()) == 2
    await client.http.aclose()


async def test_gzip_bodies_are_accepted(ingest: Ingest) -> None:
    body = gzip.compress(json.dumps({"batch": [IDENTIFY]}).encode())
    response = await ingest.post("/v1/batch", body, headers={"Content-Encoding": "gzip"})
    assert response.status_code == 200
    assert len(await ingest.stored()) == 1


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/v1/batch", b'{"batch": [{"type": "identify"}', 400),
        ("/v1/batch", b'{"batch": [{"x": NaN}]}', 400),
        ("/v1/batch", {"batch": [IDENTIFY, {**IDENTIFY, "blob": "x" * 4096}]}, 413),
        ("/v1/batch", {"batch": [IDENTIFY] * 1000}, 413),
        ("/v1/nonsense", {}, 404),
    ],
)
async def test_a_refused_request_stores_nothing(
    ingest: Ingest, path: str, body: object, status: int
) -> None:
    response = await ingest.post(path, body)
    assert response.status_code == status
    assert "error" in response.json()
    assert await ingest.stored() == []
    assert ingest.woken == []


@pytest.mark.parametrize("header", [None, "Basic bm90LWEta2V5Og==", "Bearer wk-web", "Basic !!"])
async def test_an_unknown_write_key_is_401(ingest: Ingest, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    response = await ingest.http.post("/v1/batch", json={"batch": [IDENTIFY]}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert await ingest.stored() == []


async def test_events_the_mapper_rejects_are_stored_for_their_dead_letter(ingest: Ingest) -> None:
    response = await ingest.post("/v1/batch", {"batch": [{"type": "alias"}, "text"]})
    assert response.status_code == 200
    assert [body for _, _, body in await ingest.stored()][1] == "text"


async def test_health_and_metrics(ingest: Ingest) -> None:
    await ingest.post("/v1/batch", {"batch": [IDENTIFY, IDENTIFY]})
    health = await ingest.http.get("/health")
    assert health.status_code == 200 and health.json() == {"ok": True}
    metrics = (await ingest.http.get("/metrics")).text
    assert 'rudder_ac_events_accepted_total{account="acct.api-us1.com"} 2.0' in metrics
    assert 'rudder_ac_backlog{account="acct.api-us1.com"} 2.0' in metrics
    assert "k" * 24 not in metrics
