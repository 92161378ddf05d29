"""The API's failure modes, replayed: each becomes the typed error a caller can act on."""

from __future__ import annotations

import pytest

from activecampaign_client import (
    AuthenticationError,
    BadRequestError,
    EventTrackingError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
)

from ._support import Both, FakeClock

# Hand-made: these answers cannot be provoked on demand, so `make record` leaves them alone.
pytestmark = pytest.mark.vcr(record_mode="none")


async def test_html_login_page_is_an_authentication_error(api: Both) -> None:
    # A wrong or expired key can get ActiveCampaign's login page with a 200.
    with pytest.raises(AuthenticationError) as caught:
        await api.all(api.contacts.list())
    error = caught.value
    assert error.status_code == 200
    assert not error.retryable
    assert "HTML" in str(error)
    assert "Settings > Developer" in str(error)
    assert api.requests_sent == 1


async def test_invalid_email_is_unprocessable(api: Both) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.contacts.sync, "johndoe@example")
    error = caught.value
    assert (error.status_code, error.retryable) == (422, False)
    assert [(e.code, e.pointer) for e in error.errors] == [
        ("email_invalid", "/data/attributes/email")
    ]
    assert "Contact Email Address is not valid." in str(error)


async def test_existing_email_is_unprocessable(api: Both) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.contacts.create, "johndoe@example.com")
    [detail] = caught.value.errors
    assert detail.title == "Email address already exists in the system"
    assert (detail.code, detail.pointer) == ("duplicate", "/data/attributes/email")


async def test_duplicate_tag_is_unprocessable(api: Both) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.tags.create, "My Tag")
    [detail] = caught.value.errors
    assert (detail.code, detail.pointer) == ("duplicate", "/data/attributes/tag")


async def test_forbidden_is_permission_denied(api: Both) -> None:
    # The reference serves this JSON body as text/plain; it is parsed all the same.
    with pytest.raises(PermissionDeniedError) as caught:
        await api.all(api.lists.list())
    error = caught.value
    assert isinstance(error, AuthenticationError)
    assert (error.status_code, error.retryable) == (403, False)
    assert [e.detail for e in error.errors] == ["You do not have permission to view lists."]
    assert api.requests_sent == 1


async def test_missing_contact_is_not_found(api: Both) -> None:
    with pytest.raises(NotFoundError) as caught:
        await api(api.contacts.get, 1)
    assert caught.value.status_code == 404
    assert "No Result found for Subscriber with id 1" in str(caught.value)
    assert api.requests_sent == 1


async def test_rate_limited_request_is_retried_after_retry_after(api: Both) -> None:
    tag = await api(api.tags.get, 16)
    assert tag.id == "16"
    assert api.requests_sent == 2
    assert api.clock.sleeps == [2.0]  # Retry-After: 2, on the fake clock


async def test_unavailable_server_is_retried_with_backoff(api: Both) -> None:
    field = await api(api.fields.get, 1)
    assert field.id == "1"
    assert api.requests_sent == 2
    [pause] = api.clock.sleeps
    assert 0.375 <= pause <= 0.5  # first backoff step (0.5 s) less up to 25 % jitter


async def test_refused_event_is_an_event_tracking_error(api: Both) -> None:
    with pytest.raises(EventTrackingError) as caught:
        await api(api.event_tracking.track, "purchase", email="jane@example.com")
    error = caught.value
    assert not error.retryable
    assert "Invalid event key or account id" in str(error)
    assert error.body == {"success": 0, "message": "Invalid event key or account id"}
    assert api.requests_sent == 1


async def test_rejected_bulk_import_lists_failure_reasons(api: Both) -> None:
    with pytest.raises(BadRequestError) as caught:
        await api(api.bulk_import.import_contacts, [{"email": "jane@example"}])
    error = caught.value
    assert (error.status_code, error.retryable) == (400, False)
    assert [(e.title, e.pointer) for e in error.errors] == [
        ("Field\u2018 email\u2019 incorrect format", "/contacts/0")
    ]


@pytest.mark.vcr(allow_playback_repeats=True)
async def test_bulk_import_budget_refusal_keeps_its_reason(api: Both, clock: FakeClock) -> None:
    # The reference's "Rate limit exceeded" 400 means "retry in a minute": it is a
    # retryable RateLimitError, retried after a minute, its reason kept.
    contacts = [{"email": "jane@example.com"}, {"email": "john@example.com"}]
    with pytest.raises(RateLimitError) as caught:
        await api(api.bulk_import.import_contacts, contacts)
    assert caught.value.status_code == 400
    assert caught.value.retryable
    [detail] = caught.value.errors
    assert detail.title.startswith("Up to 100 imports may be requested per minute.")
    assert api.requests_sent == 3
    assert clock.sleeps[-2:] == [60.0, 60.0]
