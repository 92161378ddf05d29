"""Typical use of the public API, written as a user would, type-checked by ``mypy --strict``.

The Makefile runs mypy on this file: every ``assert_type`` pins what an editor shows for a
call, and every ``type: ignore[...]`` marks a misuse that must stay a type error (strict mode
reports an ignore that is no longer needed). Nothing here runs at import time, and pytest
finds nothing to collect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator

import httpx
from pydantic import BaseModel
from typing_extensions import assert_type

from activecampaign_client import (
    ActiveCampaign,
    ActiveCampaignError,
    APIStatusError,
    APITimeoutError,
    AsyncActiveCampaign,
    AsyncListing,
    AuthenticationError,
    BulkImportCallback,
    BulkImportContact,
    BulkImportInfo,
    BulkImportResult,
    ConfigurationError,
    Contact,
    ContactList,
    ContactTag,
    CustomField,
    ErrorDetail,
    EventTrackingError,
    FieldOption,
    FieldOptionInput,
    FieldRel,
    FieldValue,
    InvalidInputError,
    Listing,
    ListStatus,
    MailingList,
    Page,
    PageQuery,
    RateLimiter,
    RateLimitError,
    RawResponse,
    ServiceUnavailableError,
    SyncedContact,
    Tag,
    TrackedEvent,
    TrackingEventName,
    TrackingLog,
    TrackingStatus,
    UnprocessableEntityError,
    WhitelistedDomain,
)

__test__ = False


def sync_walkthrough(api_url: str, api_key: str, actid: str, event_key: str) -> list[str]:
    """Every resource of the synchronous client, with the types an editor shows."""
    with ActiveCampaign(
        api_url,
        api_key,
        actid=actid,
        event_key=event_key,
        timeout=httpx.Timeout(20.0, connect=5.0),
        max_retries=3,
        requests_per_second=5.0,
    ) as ac:
        synced = ac.contacts.sync(
            "jane@example.com", first_name="Jane", last_name="Doe", field_values={7: "||a||b||"}
        )
        assert_type(synced, SyncedContact)
        contact_id: str = synced.contact.id
        assert_type(ac.contacts.get(contact_id), Contact)
        assert_type(ac.contacts.update(contact_id, phone="+1 555 0100"), SyncedContact)
        assert_type(ac.contacts.list(email="jane@example.com"), Listing[Contact])
        by_email: Iterator[Contact] = ac.contacts.list(email="jane@example.com")
        emails = [contact.email for contact in ac.contacts.list(search="doe")]
        emails += [contact.email for contact in by_email]

        tag = ac.tags.create("vip", description="Very important")
        assert_type(tag, Tag)
        assert_type(ac.tags.get(tag.id), Tag)
        names: list[str] = [t.name for t in ac.tags.list(search="vi")]
        link = ac.contact_tags.add(contact_id, tag.id)
        assert_type(link, ContactTag)
        assert_type(list(ac.contact_tags.list(contact_id)), list[ContactTag])
        assert_type(ac.contact_tags.remove(link.id), None)
        assert_type(ac.tags.delete(tag.id), None)

        fields = list(ac.fields.list())
        assert_type(fields, list[CustomField])
        assert_type(ac.fields.get(fields[0].id), CustomField)
        value = ac.field_values.create(contact_id, fields[0].id, "2024-01-31")
        assert_type(value, FieldValue)
        ac.field_values.update(value.id, contact_id=contact_id, field_id="7", value="x")
        assert_type(next(iter(ac.field_values.list(contact_id))), FieldValue)

        mailing_list = ac.lists.get(1)
        assert_type(mailing_list, MailingList)
        assert_type(ac.contact_lists.subscribe(contact_id, mailing_list.id), ContactList)
        assert_type(ac.contact_lists.unsubscribe(contact_id, mailing_list.id), ContactList)
        statuses: list[str] = [m.status for m in ac.contact_lists.list(contact_id)]

        assert_type(ac.event_tracking.status(), TrackingStatus)
        enabled: bool = ac.event_tracking.enable().enabled
        assert_type(ac.event_tracking.list_events(), Listing[TrackingEventName])
        assert_type(ac.event_tracking.create_event("signed-up"), TrackingEventName)
        tracked = ac.event_tracking.track(
            "signed-up", email="jane@example.com", eventdata={"plan": "pro"}
        )
        assert_type(tracked, TrackedEvent)
        ac.event_tracking.delete_event("signed-up")

        assert_type(ac.site_tracking.disable(), TrackingStatus)
        domain = ac.site_tracking.add_domain("example.com")
        assert_type(domain, WhitelistedDomain)
        assert_type(list(ac.site_tracking.list_domains()), list[WhitelistedDomain])
        ac.site_tracking.remove_domain(domain.id)

        batch = ac.bulk_import.import_contacts(
            [BulkImportContact(email="a@example.com", tags=["vip"]), {"email": "b@example.com"}]
        )
        assert_type(batch, BulkImportResult)
        assert_type(ac.bulk_import.status(batch.batch_id), BulkImportInfo)

        # Misuse an editor flags before anything runs.
        ac.contacts.get()  # type: ignore[call-arg]
        ac.tags.create("vip", tag_typ="contact")  # type: ignore[call-arg]
        ac.contacts.sync(email=None)  # type: ignore[arg-type]
        ac.bulk_import.import_contacts("a@example.com")  # type: ignore[arg-type]
    return [*emails, *names, *statuses, str(enabled)]


async def async_walkthrough(api_url: str, api_key: str) -> list[str]:
    """The same surface on the async client: coroutines and async iterators."""
    async with AsyncActiveCampaign(api_url, api_key, requests_per_second=None) as ac:
        synced = await ac.contacts.sync(
            "jane@example.com", field_values=[{"field": 1, "value": "x"}]
        )
        assert_type(synced, SyncedContact)
        assert_type(ac.tags.list(), AsyncListing[Tag])
        tag_iterator: AsyncIterator[Tag] = ac.tags.list()
        async for page in ac.contacts.list(order_by="id").pages():
            assert_type(page, Page[Contact])
        assert_type(await ac.contacts.find_by_email("a@example.com"), Contact | None)
        assert_type(await ac.tags.find("vip"), Tag | None)
        assert_type(await ac.site_tracking.code(), str)
        raw = await ac.with_raw_response.tags.get(1, timeout=3)
        assert_type(raw, RawResponse[Tag])
        assert_type(ac.with_options(deadline=60), AsyncActiveCampaign)
        names = [tag.name async for tag in ac.tags.list(search="vip")]
        assert_type(await ac.lists.get("1"), MailingList)
        assert_type(await ac.event_tracking.disable(), TrackingStatus)
        async for event in ac.event_tracking.list_events():
            names.append(event.name)
        assert_type(await ac.bulk_import.status("batch"), BulkImportInfo)

        for _ in ac.tags.list():  # type: ignore[attr-defined]
            pass
        await ac.contacts.find_by_email()  # type: ignore[call-arg]
    del tag_iterator
    return names


class Deal(BaseModel):
    """A model of the user's own, for an endpoint the client does not wrap."""

    id: str
    title: str


def sync_conveniences(ac: ActiveCampaign) -> list[str]:
    """Helpers, filters, paging and the endpoints added for issue 13, as an editor types them."""
    contact = ac.contacts.find_by_email("jane@example.com")
    assert_type(contact, Contact | None)
    vip = ac.tags.find("VIP")
    assert_type(vip, Tag | None)
    assert_type(ac.tags.update("16", name="VIP", description="Very important"), Tag)
    assert_type(ac.tags.list(search="vip", match="eq"), Listing[Tag])
    assert_type(ac.contact_tags.remove_tag("1", "16"), ContactTag | None)
    assert_type(ac.contact_tags.tags("1"), list[Tag])
    listing = ac.contacts.list(
        list_id=3,
        tag_id="16",
        status=ListStatus.SUBSCRIBED,
        updated_after=dt.date(2024, 1, 1),
        order_by="id",
        page_size=50,
    )
    size: int = listing.page_size
    for page in listing.pages():
        assert_type(page, Page[Contact])
        assert_type(page.total, int | None)
    assert_type(ac.contacts.tracking_logs("1"), Listing[TrackingLog])
    assert_type(ac.site_tracking.code(), str)
    assert_type(ac.field_values.get("15"), FieldValue)
    assert_type(ac.field_values.delete("15"), None)
    field = ac.fields.create("Shirt size", type="dropdown", perstag="SHIRT_SIZE")
    assert_type(field, CustomField)
    assert_type(ac.fields.update(field.id, title="T-shirt size"), CustomField)
    options = ac.fields.add_options(field.id, ["S", FieldOptionInput(value="M", isdefault=True)])
    assert_type(options, list[FieldOption])
    assert_type(ac.fields.add_to_list(field.id, 3), FieldRel)
    membership = ac.contact_lists.subscribe("1", "3", resubscribe=True)
    subscribed: bool = membership.status == ListStatus.SUBSCRIBED
    callback = BulkImportCallback(url="https://example.com/done", params={"run": "7"})
    assert_type(
        ac.bulk_import.import_contacts([{"email": "a@example.com"}], callback=callback),
        BulkImportResult,
    )
    deals = ac.run(PageQuery("deals", "deals", Deal, {"filters[stage]": "1"}).collect())
    assert_type(deals, list[Deal])
    assert_type(ac.run(ac.tags.get.operation(1)), Tag)

    patient = ac.with_options(timeout=120, max_retries=0)
    assert_type(patient, ActiveCampaign)
    assert_type(patient.contacts.get(1, timeout=5, extra_headers={"X-Trace": "a"}), Contact)
    listed = ac.tags.list(search="vip", extra_query={"filters[search][neq]": "x"})
    assert_type(listed, Listing[Tag])
    raw = ac.with_raw_response.contacts.get(1)
    assert_type(raw, RawResponse[Contact])
    assert_type(raw.parse(), Contact)
    assert_type(raw.status_code, int)
    assert_type(raw.headers, httpx.Headers)
    assert_type(ac.with_raw_response.tags.list(), RawResponse[Page[Tag]])
    from_environment = ActiveCampaign()
    from_environment.close()
    ac.contacts.get(1, timeot=5)  # type: ignore[call-arg]
    ac.contacts.get(1, extra_headers=["X-Trace"])  # type: ignore[arg-type]
    ac.with_options(requests_per_second=2)  # type: ignore[call-arg]
    ac.contacts.list(order_by="email desc")  # type: ignore[arg-type]
    ac.fields.create("Size", type="select")  # type: ignore[arg-type]
    return [str(size), str(subscribed), *(str(o.id) for o in options)]


def handle_failures(ac: ActiveCampaign) -> str:
    """The error tree as a pipeline reads it: retry later, or give up on this input."""
    try:
        ac.contacts.sync("jane@example.com")
    except RateLimitError as error:
        wait: float | None = error.retry_after
        return f"retry in {wait}s"
    except UnprocessableEntityError as error:
        details: list[ErrorDetail] = error.errors
        return "; ".join(f"{d.pointer}: {d.title}" for d in details)
    except AuthenticationError as error:
        return f"check the key ({error.status_code})"
    except EventTrackingError as error:
        return error.message
    except APIStatusError as error:
        status: int = error.status_code
        return f"{status}: retry={error.retryable}"
    except InvalidInputError as error:
        return f"bad {error.field}: {error.problem}"
    except ConfigurationError as error:
        return str(error)
    except ActiveCampaignError as error:
        retry: bool = error.retryable
        return f"retryable={retry}"
    return "ok"


def budgets_and_deadlines(api_url: str, api_key: str, http: httpx.Client) -> float | None:
    """A shared budget of your own, deadlines, and what a deadline error carries."""
    budget = RateLimiter(2)
    first = ActiveCampaign(api_url, api_key, rate_limiter=budget, deadline=10.0)
    second = ActiveCampaign(api_url, api_key, rate_limiter=budget, http_client=http)
    try:
        assert_type(second.run(first.tags.get.operation(1), deadline=2.5), Tag)
    except APITimeoutError as error:
        never_sent: bool = error.never_sent
        return error.deadline if never_sent else None
    except ServiceUnavailableError as error:
        return error.retry_after
    ActiveCampaign(api_url, api_key, rate_limiter=5.0)  # type: ignore[arg-type]
    return None
