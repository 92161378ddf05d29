"""Fault injection: every kind, scripts, stretches, seeded random faults, and the record."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter

import httpx
import pytest

from activecampaign_client import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InternalServerError,
    RateLimitError,
)
from activecampaign_client.testing import (
    DEFAULT_RANDOM_KINDS,
    FAULT_KINDS,
    ActiveCampaignEmulator,
)

SYNC = "POST /api/3/contact/sync"

TRANSPORT_ERRORS = {
    "timeout": httpx.ReadTimeout,
    "reset": httpx.RemoteProtocolError,
    "connect_error": httpx.ConnectError,
}
STATUSES = {"429": 429, "429_burst": 429, "500": 500, "502": 502, "503": 503, "504": 504}


def _sync_contact(emu: ActiveCampaignEmulator, http: httpx.Client) -> httpx.Response:
    return http.post(
        emu.api_url + "/api/3/contact/sync",
        json={"contact": {"email": "jane@example.com"}},
        headers={"Api-Token": emu.api_key},
    )


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_every_fault_kind_on_the_wire(kind: str) -> None:
    emu = ActiveCampaignEmulator()
    emu.faults.script(SYNC, [kind])
    base = kind.removesuffix("_after_apply")
    with httpx.Client(transport=emu.transport()) as http:
        if base in TRANSPORT_ERRORS:
            with pytest.raises(TRANSPORT_ERRORS[base]):
                _sync_contact(emu, http)
        else:
            answer = _sync_contact(emu, http)
            if base in STATUSES:
                assert answer.status_code == STATUSES[base]
            else:
                assert answer.status_code == 200
            if base.startswith("5") or base == "login_page":
                assert "html" in answer.headers["content-type"]
                assert answer.text.lstrip().startswith("<")
            if base.startswith("429"):
                assert answer.headers["Retry-After"] == "1"
            if base == "malformed_json":
                with pytest.raises(ValueError):
                    answer.json()
    applied = kind.endswith("_after_apply")
    assert (emu.contact("jane@example.com") is not None) is applied
    [record] = emu.requests
    assert record.fault == kind
    assert record.status == (None if base in TRANSPORT_ERRORS else STATUSES.get(base, 200))


def test_504_is_a_cloudflare_page() -> None:
    emu = ActiveCampaignEmulator()
    emu.faults.script("*", ["504"])
    with httpx.Client(transport=emu.transport()) as http:
        page = _sync_contact(emu, http).text
    assert "Gateway time-out" in page and "Cloudflare" in page


def test_a_timeout_takes_the_read_timeout_on_the_clock() -> None:
    emu = ActiveCampaignEmulator()
    emu.faults.script("*", ["timeout"])
    with emu.client(timeout=12.0, max_retries=0) as client, pytest.raises(APITimeoutError):
        client.contacts.sync("jane@example.com")
    assert emu.clock.now() == 12.0


async def test_concurrent_timeouts_overlap_on_the_simulated_clock() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    emu.faults.script("*", ["timeout"] * 10)
    async with emu.async_client(timeout=30.0, max_retries=0, requests_per_second=None) as client:
        results = await asyncio.gather(
            *(client.contacts.sync(f"c{n}@example.com") for n in range(10)),
            return_exceptions=True,
        )
    assert all(isinstance(r, APITimeoutError) for r in results)
    assert emu.clock.now() == 30.0


@pytest.mark.parametrize(
    ("kind", "error"),
    [
        ("429", RateLimitError),
        ("500", InternalServerError),
        ("503", InternalServerError),
        ("504", InternalServerError),
        ("timeout", APITimeoutError),
        ("reset", APIConnectionError),
        ("connect_error", APIConnectionError),
        ("login_page", AuthenticationError),
        ("malformed_json", InternalServerError),
    ],
)
def test_the_client_sees_each_fault_as_its_typed_error(kind: str, error: type[Exception]) -> None:
    emu = ActiveCampaignEmulator()
    emu.faults.script(SYNC, [kind])
    with emu.client(max_retries=0) as client, pytest.raises(error):
        client.contacts.sync("jane@example.com")
    assert emu.contacts() == []


def test_a_scripted_sequence_is_consumed_request_by_request() -> None:
    emu = ActiveCampaignEmulator()
    emu.faults.script(SYNC, ["429", "500", "ok", "502"])
    with emu.client() as client:
        client.contacts.sync("jane@example.com")  # 429, retry after 1 s; 500, retry; ok
        assert emu.faults.scripted_remaining == 1
        client.tags.create("vip")  # other paths are untouched
    assert [(r.path, r.fault) for r in emu.requests] == [
        ("/api/3/contact/sync", "429"),
        ("/api/3/contact/sync", "500"),
        ("/api/3/contact/sync", None),
        ("/api/3/tags", None),
    ]
    assert len(emu.contacts()) == 1


def test_targets_match_methods_globs_and_trackcmp() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    emu.add_event_name("e")
    emu.add_contact("a@example.com")
    emu.faults.script("GET /api/3/contacts/*", ["500"])
    emu.faults.script("https://trackcmp.net/event", ["503"])
    emu.faults.script("DELETE *", ["502"])
    with emu.client(max_retries=0) as client:
        client.contacts.sync("a@example.com")  # POST: no GET script applies
        with pytest.raises(InternalServerError):
            client.contacts.get(1)
        with pytest.raises(InternalServerError):
            client.event_tracking.track("e", email="a@example.com")
        with pytest.raises(InternalServerError):
            client.tags.delete(1)
    assert [r.fault for r in emu.requests] == [None, "500", "503", "502"]


def test_a_login_page_stretch() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    emu.faults.stretch("login_page", 3, after=2)
    with httpx.Client(transport=emu.transport()) as http:
        for _ in range(7):
            _sync_contact(emu, http)
    assert [r.fault for r in emu.requests] == [None, None] + ["login_page"] * 3 + [None, None]


def test_a_429_burst_refuses_the_whole_host_for_retry_after_seconds() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    emu.faults.retry_after = 2
    emu.faults.script(SYNC, ["429_burst"])
    emu.add_event_name("e")
    with emu.client() as client:
        client.contacts.sync("jane@example.com")
        client.event_tracking.track("e", email="jane@example.com")  # another host: unaffected
    assert [(r.time, r.status, r.fault) for r in emu.requests] == [
        (0.0, 429, "429_burst"),
        (2.0, 201, None),
        (2.0, 200, None),
    ]
    with httpx.Client(transport=emu.transport()) as http:
        emu.faults.script("*", ["429_burst"])
        statuses = [_sync_contact(emu, http).status_code for _ in range(3)]
        emu.clock.sleep(2)
        statuses.append(_sync_contact(emu, http).status_code)
    assert statuses == [429, 429, 429, 200]


def _fault_sequence(seed: int, **options: object) -> list[str | None]:
    emu = ActiveCampaignEmulator(rate_limit=None)
    emu.faults.randomize(rate=0.2, seed=seed, **options)  # type: ignore[arg-type]
    with httpx.Client(transport=emu.transport()) as http:
        for _ in range(1000):
            with contextlib.suppress(httpx.TransportError):
                _sync_contact(emu, http)
            emu.clock.sleep(5)  # let any 429 burst end
    return [r.fault for r in emu.requests]


def test_random_faults_are_reproducible_and_hit_the_given_fraction() -> None:
    first, again, other = _fault_sequence(1), _fault_sequence(1), _fault_sequence(2)
    assert first == again
    assert first != other
    counts = Counter(first)
    assert 150 <= 1000 - counts[None] <= 250
    assert set(counts) - {None} == set(DEFAULT_RANDOM_KINDS)


def test_random_faults_only_of_the_given_kinds_and_paths() -> None:
    assert set(_fault_sequence(3, kinds=["502"])) == {None, "502"}
    assert set(_fault_sequence(3, paths=["GET /api/3/contacts"])) == {None}


def test_scripts_come_before_random_faults_and_clear_stops_all() -> None:
    emu = ActiveCampaignEmulator(rate_limit=None)
    emu.faults.randomize(rate=1.0, kinds=["500"])
    emu.faults.script(SYNC, ["ok", "503"])
    with httpx.Client(transport=emu.transport()) as http:
        statuses = [_sync_contact(emu, http).status_code for _ in range(3)]
        emu.faults.clear()
        statuses.append(_sync_contact(emu, http).status_code)
    assert statuses == [201, 503, 500, 200]
    assert repr(emu.faults) == "FaultPlan(scripted=0, random=off)"


def test_after_apply_timeout_on_trackcmp_is_the_ambiguous_case() -> None:
    """The event was recorded, yet the caller saw a timeout; the client does not retry it
    by default (at most once), so it is counted exactly once here."""
    emu = ActiveCampaignEmulator()
    emu.add_event_name("purchase")
    emu.faults.script("POST trackcmp.net/event", ["timeout_after_apply"])
    with emu.client() as client, pytest.raises(APITimeoutError):
        client.event_tracking.track("purchase", email="jane@example.com")
    assert len(emu.tracked_events) == 1
    assert [r.fault for r in emu.requests] == ["timeout_after_apply"]


def test_after_apply_reset_then_retry_does_not_duplicate_a_sync() -> None:
    emu = ActiveCampaignEmulator()
    emu.add_tag("vip")
    emu.faults.script(SYNC, ["reset_after_apply"])
    emu.faults.script("POST /api/3/contactTags", ["timeout_after_apply"])
    with emu.client() as client:
        synced = client.contacts.sync("jane@example.com")
        client.contact_tags.add(synced.contact.id, 1)
    [jane] = emu.contacts()
    assert jane.tags == {"vip"}
    assert [r.fault for r in emu.requests] == [
        "reset_after_apply",
        None,
        "timeout_after_apply",
        None,
    ]


def test_bad_plans_are_refused() -> None:
    emu = ActiveCampaignEmulator()
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.faults.script("*", ["418"])
    with pytest.raises(ValueError, match="unknown fault kind"):
        emu.faults.randomize(rate=0.1, kinds=["ok"])
    with pytest.raises(ValueError, match="between 0 and 1"):
        emu.faults.randomize(rate=1.5)
    with pytest.raises(ValueError):
        emu.faults.script("", ["500"])


def test_requests_to_unknown_hosts_fail_to_connect() -> None:
    emu = ActiveCampaignEmulator()
    with httpx.Client(transport=emu.transport()) as http, pytest.raises(httpx.ConnectError):
        http.get("https://elsewhere.example.com/api/3/contacts")
    assert [(r.host, r.fault, r.status) for r in emu.requests] == [
        ("elsewhere.example.com", "unknown_host", None)
    ]
