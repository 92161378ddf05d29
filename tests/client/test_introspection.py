"""What inspect.signature, help() and repr() show: the call as each client makes it."""

from __future__ import annotations

import inspect
import pydoc
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any

import pytest
from typing_extensions import Unpack

from activecampaign_client import (
    ActiveCampaign,
    AsyncActiveCampaign,
    AsyncListing,
    Contact,
    ContactList,
    Listing,
    ListStatus,
    RequestOptions,
    SyncedContact,
    Tag,
)
from activecampaign_client.resources import Contacts
from activecampaign_client.resources import __all__ as resource_names

from ._support import TEST_API_KEY, TEST_API_URL, FakeServer, MockApi, reply

PLAIN: Any = pydoc.plaintext  # type: ignore[attr-defined]  # help()'s renderer, plain text


@pytest.fixture
def sync_client() -> Iterator[ActiveCampaign]:
    with ActiveCampaign(TEST_API_URL, TEST_API_KEY) as client:
        yield client


@pytest.fixture
async def async_client() -> AsyncIterator[AsyncActiveCampaign]:
    async with AsyncActiveCampaign(TEST_API_URL, TEST_API_KEY) as client:  # sends nothing
        yield client


def test_sync_signature_is_the_call_and_its_result(sync_client: ActiveCampaign) -> None:
    signature = inspect.signature(sync_client.contacts.sync)
    assert list(signature.parameters) == [
        "email",
        "first_name",
        "last_name",
        "phone",
        "field_values",
        "request_options",
    ]
    assert signature.parameters["email"].annotation is str
    options = signature.parameters["request_options"]
    assert options.kind is inspect.Parameter.VAR_KEYWORD
    assert options.annotation == Unpack[RequestOptions]
    assert signature.return_annotation is SyncedContact
    assert inspect.signature(sync_client.tags.list).return_annotation == Listing[Tag]
    assert inspect.signature(sync_client.tags.delete).return_annotation is type(None)


def test_every_method_takes_the_request_options(sync_client: ActiveCampaign) -> None:
    import activecampaign_client.resources as resources

    checked = 0
    for name in resource_names:
        cls = getattr(resources, name)
        for attribute in dir(cls):
            if attribute.startswith("_"):
                continue
            method = getattr(cls, attribute)
            if type(method).__name__ not in ("api_method", "api_list"):
                continue
            last = list(inspect.signature(method._fn).parameters.values())[-1]
            assert (last.name, last.kind) == ("request_options", last.VAR_KEYWORD), (
                f"{name}.{attribute}"
            )
            checked += 1
    assert checked >= 50


def test_async_signature_says_coroutine(async_client: AsyncActiveCampaign) -> None:
    signature = inspect.signature(async_client.contacts.sync)
    assert "self" not in signature.parameters
    assert signature.return_annotation == Coroutine[Any, Any, SyncedContact]
    assert inspect.signature(async_client.tags.list).return_annotation == AsyncListing[Tag]
    find = inspect.signature(async_client.contacts.find_by_email).return_annotation
    assert find == Coroutine[Any, Any, Contact | None]


def test_help_of_a_resource_lists_each_method_with_its_arguments(
    sync_client: ActiveCampaign, async_client: AsyncActiveCampaign
) -> None:
    text = pydoc.render_doc(sync_client.contacts, renderer=PLAIN)
    assert "create(self, email: str, *, first_name: str | None = None" in text
    assert "-> activecampaign_client.models.contacts.SyncedContact" in text
    assert "find_by_email(self, email: str, **request_options: " in text
    assert "One contact by id." in text  # the docstrings too
    async_text = pydoc.render_doc(async_client.contacts, renderer=PLAIN)
    assert "Coroutine[typing.Any, typing.Any, activecampaign_client.models.contacts.Contact]" in (
        async_text
    )
    assert "AsyncListing[activecampaign_client.models.contacts.Contact]" in async_text


def test_help_of_a_bound_method(sync_client: ActiveCampaign) -> None:
    text = pydoc.render_doc(sync_client.tags.get, renderer=PLAIN)
    assert "get(tag_id: str | int, **request_options: " in text
    assert "-> activecampaign_client.models.catalog.Tag" in text
    assert "One tag by id." in text


def test_resources_stay_what_they_are(
    sync_client: ActiveCampaign, async_client: AsyncActiveCampaign
) -> None:
    assert isinstance(sync_client.contacts, Contacts)
    assert isinstance(async_client.contacts, Contacts)
    flavours: set[type[Any]] = {type(sync_client.contacts), type(async_client.contacts)}
    assert len(flavours) == 2
    with ActiveCampaign(TEST_API_URL, TEST_API_KEY) as other:
        assert type(other.contacts) is type(sync_client.contacts)  # one class per flavour
    assert repr(sync_client.contacts) == "<Contacts resource>"
    assert type(sync_client.contacts).__name__ == "Contacts"
    # The class documentation is the original's; the pure form is still there.
    assert inspect.getdoc(type(sync_client.contacts)) == inspect.getdoc(Contacts)
    assert inspect.isgenerator(sync_client.contacts.get.operation(1))


async def test_a_method_of_the_resource_class_calls_like_a_function(mock_api: MockApi) -> None:
    server = FakeServer(reply(json={"tag": {"id": "3", "tag": "vip"}}))
    api = mock_api(server)
    tags = api.client.tags
    get: Any = type(tags).get
    tag = await api(get, tags, 3)
    assert (tag.id, tag.name) == ("3", "vip")


def test_model_reprs_show_identity_not_every_key() -> None:
    links = {f"link{n}": f"https://acct.api-us1.com/api/3/contacts/1/link{n}" for n in range(16)}
    contact = Contact.model_validate(
        {"id": 1, "email": "jane@example.com", "firstName": "Jane", "links": links, "ip": "0"}
    )
    assert repr(contact) == (
        "Contact(id='1', email='jane@example.com', first_name='Jane', last_name=None)"
    )
    assert contact.model_extra is not None and contact.model_extra["links"] == links  # kept
    tag = Tag.model_validate({"id": "16", "tag": "vip", "tagType": "contact", "cdate": "x"})
    assert repr(tag) == "Tag(id='16', tag='vip', tag_type='contact')"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [("1", ListStatus.SUBSCRIBED), (2, ListStatus.UNSUBSCRIBED), ("0", ListStatus.UNCONFIRMED)],
)
def test_list_statuses_are_enums_that_equal_the_api_codes(
    sent: object, expected: ListStatus
) -> None:
    membership = ContactList.model_validate({"contact": "1", "list": "2", "status": sent})
    assert membership.status is expected
    assert membership.status == str(sent)
    assert membership.model_dump(mode="json")["status"] == str(sent)


def test_an_unknown_status_is_kept_as_sent() -> None:
    membership = ContactList.model_validate({"contact": "1", "list": "2", "status": "9"})
    assert membership.status == "9"
    assert not isinstance(membership.status, ListStatus)
