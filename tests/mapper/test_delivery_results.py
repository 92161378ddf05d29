"""API failures become results with the status and retry flag pipelines act on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from activecampaign_client import ActiveCampaign
from rudder_mapper import ActiveCampaignDestination, DeliveryResult

from .conftest import EmulatorHarness

IDENTIFY: dict[str, Any] = {"type": "identify", "traits": {"email": "a@example.com"}}
TRACK: dict[str, Any] = {
    "type": "track",
    "event": "Signed Up",
    "context": {"traits": {"email": "a@example.com"}},
}


def test_the_apis_422_is_not_retryable_and_names_its_pointer() -> None:
    # The reference's 422 body for an address ActiveCampaign refuses.
    body = {
        "errors": [
            {
                "title": "Contact Email Address is not valid.",
                "detail": "",
                "code": "email_invalid",
                "source": {"pointer": "/data/attributes/email"},
            }
        ]
    }
    http = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(422, json=body)))
    client = ActiveCampaign("https://acct.api-us1.com", "key", http_client=http)
    result = ActiveCampaignDestination(client).process(IDENTIFY)
    assert (result.status_code, result.retryable) == (422, False)
    assert result.field == "/data/attributes/email"
    assert result.error is not None and "not valid" in result.error


def test_a_payment_issue_is_the_accounts_fault_not_the_events() -> None:
    # ActiveCampaign's errors page: 402 means the account has a payment issue.
    body = {"message": "Payment required"}
    http = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(402, json=body)))
    client = ActiveCampaign("https://acct.api-us1.com", "key", http_client=http)
    result = ActiveCampaignDestination(client).process(IDENTIFY)
    assert (result.status_code, result.retryable, result.field) == (402, False, "config")
    assert result.error is not None and "payment issue" in result.error


@pytest.mark.parametrize("address", ["a@b..co", "a@b@c.co", "a@.b.co", "a@b.co."])
async def test_addresses_activecampaign_refuses_are_400s_with_nothing_sent(
    on_emulator: EmulatorHarness, address: str
) -> None:
    harness, emulator = await on_emulator()
    result = await harness.process({"type": "identify", "traits": {"email": address}})
    assert (result.status_code, result.field) == (400, "traits.email")
    assert harness.sent == [] and emulator.contacts() == []


async def test_wrong_api_key_login_page_is_401_not_retryable(on_emulator: EmulatorHarness) -> None:
    harness, _ = await on_emulator(client_options={"api_key": "wrong-key"})
    result = await harness.process(IDENTIFY)
    assert (result.status_code, result.retryable) == (401, False)
    assert result.error is not None and "API key" in result.error
    assert "wrong-key" not in result.error


@pytest.mark.parametrize(
    ("faults", "status", "retryable"),
    [
        (["429", "429", "429"], 429, True),
        (["500", "502", "503"], 503, True),
        (["504", "504", "504"], 504, True),
        (["timeout", "timeout", "timeout"], 504, True),
        (["reset", "reset", "reset"], 502, True),
        (["malformed_json", "malformed_json", "malformed_json"], 502, True),
        (["429", "ok"], 200, False),
        (["503", "timeout", "ok"], 200, False),
    ],
)
async def test_failures_after_retries(
    on_emulator: EmulatorHarness, faults: list[str], status: int, retryable: bool
) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script("POST /api/3/contact/sync", faults)
    result = await harness.process(IDENTIFY)
    assert (result.status_code, result.retryable) == (status, retryable), result.error
    assert (emulator.contact("a@example.com") is not None) == result.delivered


async def test_trackcmp_refusal_is_a_400(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator(client_options={"event_key": "not-the-key"})
    result = await harness.process(TRACK)
    assert (result.status_code, result.retryable) == (400, False)
    assert result.error is not None and "Event Tracking" in result.error
    assert "not-the-key" not in result.error
    assert emulator.tracked_events == []


async def test_missing_event_credentials_is_a_configuration_400(
    on_emulator: EmulatorHarness,
) -> None:
    harness, _ = await on_emulator(client_options={"actid": None, "event_key": None})
    result = await harness.process(TRACK)
    assert (result.status_code, result.retryable) == (400, False)
    assert result.error is not None and "Settings > Tracking" in result.error


async def test_partial_failure_keeps_the_whole_event_retryable(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script("POST /api/3/contactTags", ["500", "500", "500"])
    message = {"type": "identify", "traits": {"email": "a@example.com", "tags": ["VIP"]}}
    failed = await harness.process(message)
    assert (failed.status_code, failed.retryable) == (500, True)
    replayed: DeliveryResult = await harness.process(message)
    assert replayed.delivered
    contact = emulator.contact("a@example.com")
    assert contact is not None and contact.tags == {"VIP"}
    assert list(emulator.tags().values()).count("VIP") == 1


@pytest.mark.parametrize("fault", ["timeout_after_apply", "reset_after_apply", "502"])
async def test_a_track_that_may_have_been_recorded_says_so(
    on_emulator: EmulatorHarness, fault: str
) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script("POST trackcmp.net/event", [fault])
    result = await harness.process(TRACK)
    assert result.retryable and result.maybe_applied, result
    assert len([r for r in emulator.requests if r.host == "trackcmp.net"]) == 1


async def test_a_track_refused_before_sending_is_not_ambiguous(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    emulator.faults.script("POST trackcmp.net/event", ["connect_error"] * 3)
    result = await harness.process(TRACK)
    assert (result.status_code, result.retryable, result.maybe_applied) == (502, True, False)
    assert emulator.tracked_events == []


async def test_missing_tracking_config_registers_no_event_name(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator(client_options={"actid": None, "event_key": None})
    results = await harness.process_batch([TRACK, TRACK])
    assert [(r.status_code, r.field) for r in results] == [(400, "config")] * 2
    assert "Signed Up" not in emulator.event_names()
    assert [r.method for r in emulator.requests] == ["GET"]  # only the catalog was read
