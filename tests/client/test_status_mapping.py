"""Statuses the reference documents but no cassette can provoke on demand: 402, and 403s
that mean "not found" or "not allowed" rather than "wrong key"."""

from __future__ import annotations

import pytest

from activecampaign_client import NotFoundError, PaymentRequiredError, PermissionDeniedError

from ._support import FakeServer, MockApi, reply


# ActiveCampaign's errors page: 402 is an account payment issue; several documented endpoints
# answer a missing object with 403 {"message": "No Result found for ... with id N"}.
async def test_payment_issue_is_its_own_error(mock_api: MockApi) -> None:
    server = FakeServer(reply(402, json={"message": "Payment Required"}))
    api = mock_api(server)
    with pytest.raises(PaymentRequiredError) as caught:
        await api(api.tags.get, 16)
    assert (caught.value.status_code, caught.value.retryable) == (402, False)
    assert "payment" in str(caught.value)
    assert len(server.requests) == 1


async def test_forbidden_saying_no_result_found_is_not_found(mock_api: MockApi) -> None:
    body = {"message": "No Result found for FieldValue with id 10"}
    server = FakeServer(reply(403, json=body))
    api = mock_api(server)
    with pytest.raises(NotFoundError) as caught:
        await api(api.tags.get, 10)
    assert caught.value.status_code == 403
    assert "No Result found for FieldValue with id 10" in str(caught.value)


async def test_forbidden_does_not_claim_the_key_is_wrong(mock_api: MockApi) -> None:
    server = FakeServer(reply(403, json={"message": "Forbidden"}))
    api = mock_api(server)
    with pytest.raises(PermissionDeniedError) as caught:
        await api(api.tags.get, 10)
    message = str(caught.value)
    assert "lacks permission for this call, or the object does not exist" in message
    assert "check the API key" not in message
