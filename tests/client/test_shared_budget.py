"""One budget per account per process: clients of one account origin on one clock share
their limiters (5 a second between them), unless given a ``rate_limiter`` of their own."""

from __future__ import annotations

import gc

import httpx
import pytest

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign, RateLimiter
from activecampaign_client._budgets import shared_book

from ._support import TEST_API_KEY, TEST_API_URL, FakeClock

TAG = {"tag": {"id": "1", "tag": "vip"}}
IMPORTED = {"success": 1, "queued_contacts": 1, "batchId": "b-1", "message": "queued"}
WINDOW = 1.03


def _client(clock: FakeClock, url: str = TEST_API_URL, **options: object) -> ActiveCampaign:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=IMPORTED if "import" in request.url.path else TAG)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return ActiveCampaign(url, TEST_API_KEY, http_client=http, clock=clock, **options)  # type: ignore[arg-type]


def test_two_clients_of_one_account_keep_5_a_second_together() -> None:
    clock = FakeClock()
    first, second = _client(clock), _client(clock)
    for n in range(3):
        first.tags.get(n)
        second.tags.get(n)  # the 6th start in the account's window: it waits
    assert clock.sleeps == [pytest.approx(WINDOW)]


async def test_a_sync_and_an_async_client_share_it_too() -> None:
    clock = FakeClock()
    sync = _client(clock)
    http = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200, json=TAG)))
    async_client = AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY, http_client=http, clock=clock)
    for n in range(5):
        sync.tags.get(n)
    await async_client.tags.get(6)
    assert clock.sleeps == [pytest.approx(WINDOW)]
    await http.aclose()


def test_other_accounts_and_other_clocks_have_budgets_of_their_own() -> None:
    clock, other_clock = FakeClock(), FakeClock()
    first = _client(clock)
    for n in range(5):
        first.tags.get(n)
    _client(clock, "https://other.api-us1.com").tags.get(1)
    _client(other_clock).tags.get(1)  # readings of another clock: another timeline
    assert clock.sleeps == [] and other_clock.sleeps == []


def test_a_rate_limiter_of_your_own_opts_out_and_can_be_shared_on_purpose() -> None:
    clock = FakeClock()
    mine = RateLimiter(2)
    for n in range(5):
        _client(clock).tags.get(n)  # the account's shared budget is now full
    alone, together = _client(clock, rate_limiter=mine), _client(clock, rate_limiter=mine)
    alone.tags.get(1)
    together.tags.get(2)
    assert clock.sleeps == []  # not the shared budget
    together.tags.get(3)  # the third start of a 2-a-second budget the two share
    assert clock.sleeps == [pytest.approx(1.0 + 1.0 * 0.02 + 0.01)]


def test_a_client_asking_a_lower_rate_keeps_it_against_the_accounts_traffic() -> None:
    # Each client applies its own rate to every start on the account: one asking 2/s
    # starts only while the account's last second holds fewer than 2.
    clock = FakeClock()
    busy, modest = _client(clock), _client(clock, requests_per_second=2)
    busy.tags.get(1)
    modest.tags.get(2)
    assert clock.sleeps == []
    busy.tags.get(3)
    modest.tags.get(4)  # 3 starts in the window already: past its 2
    assert clock.sleeps == [pytest.approx(1.03)]


def test_bulk_import_budgets_are_shared_with_the_account() -> None:
    clock = FakeClock()
    first, second = _client(clock), _client(clock)
    for n in range(20):  # 20 single-contact imports a minute
        first.bulk_import.import_contacts([{"email": f"u{n}@example.com"}])
        clock.time += WINDOW  # keep clear of the per-second budget
    clock.sleeps.clear()
    second.bulk_import.import_contacts([{"email": "late@example.com"}])
    assert sum(clock.sleeps) > 30  # waits for the minute, the other client's imports count


def test_the_registry_forgets_a_budget_nobody_uses() -> None:
    clock = FakeClock()
    first = _client(clock)
    for n in range(5):
        first.tags.get(n)
    book = shared_book(str(first.config.origin), clock)
    assert book.tickets
    del first, book
    gc.collect()
    assert shared_book("https://testaccount.api-us1.com/", clock).tickets == []
    _client(clock).tags.get(6)
    assert clock.sleeps == []
