"""What our errors promise beyond their class: they pickle (Celery, process pools), they
name their cause without leaking a secret, a 503 with Retry-After is honoured like a
429, and INFO logs never carry a response body."""

from __future__ import annotations

import inspect
import logging
import pickle
from typing import Any

import httpx
import pytest

import activecampaign_client._exceptions as exceptions
from activecampaign_client import (
    APIConnectionError,
    APIStatusError,
    ErrorDetail,
    InternalServerError,
    ServiceUnavailableError,
)

from ._support import TEST_API_KEY, FakeServer, MockApi, reply

TAG = {"tag": {"id": "16", "tag": "vip"}}

ERROR_CLASSES = [
    cls
    for name in exceptions.__all__
    if inspect.isclass(cls := getattr(exceptions, name)) and issubclass(cls, BaseException)
]


def _example(cls: type[Exception]) -> Exception:
    """An instance with every attribute its class has set to something recognisable."""
    if issubclass(cls, APIStatusError):
        return cls(
            "POST /api/3/tags -> 422: duplicate",
            status_code=422,
            body={"errors": [{"title": "duplicate"}]},
            errors=[ErrorDetail(title="duplicate", pointer="/data/attributes/tag")],
            method="POST",
            path="tags",
            retry_after=2.5,
        )
    if cls is exceptions.APITimeoutError:
        return cls("GET x timed out", method="GET", path="x", never_sent=True, deadline=3.0)
    if issubclass(cls, APIConnectionError):
        return cls("GET x failed", method="GET", path="x", never_sent=True)
    if cls is exceptions.InvalidInputError:
        return cls("contacts[0].email", "must be an address")
    if cls is exceptions.APIResponseValidationError:
        return cls("bad shape", body={"unexpected": True})
    return cls("something went wrong")


def _subclasses(cls: type[Exception]) -> set[type[Exception]]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def test_every_error_class_is_covered() -> None:
    # Every class of the tree, exported and exercised: a new one cannot be forgotten.
    tree = {exceptions.ActiveCampaignError} | _subclasses(exceptions.ActiveCampaignError)
    tree = {cls for cls in tree if cls.__module__ == exceptions.__name__}
    assert set(ERROR_CLASSES) == tree
    assert len(tree) == 18
    assert all(type(_example(cls)) is cls for cls in ERROR_CLASSES)


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_every_error_pickles_and_unpickles_equal(cls: type[Exception]) -> None:
    error = _example(cls)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301  (our own bytes)
    assert type(copy) is cls
    assert copy.args == error.args
    assert vars(copy) == vars(error)
    assert str(copy) == str(error) and repr(copy) == repr(error)


async def test_a_raised_connection_error_names_its_cause_and_pickles(mock_api: MockApi) -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    api = mock_api(FakeServer(refused), max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        await api(api.tags.get, 16)
    error = caught.value
    assert str(error) == "GET /api/3/tags/16 failed: ConnectError: [Errno 111] Connection refused"
    assert isinstance(error.__cause__, httpx.ConnectError)
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301  (our own bytes)
    assert (type(copy), str(copy), copy.never_sent) == (APIConnectionError, str(error), True)


async def test_a_secret_in_an_httpx_errors_text_is_masked(mock_api: MockApi) -> None:
    # h11 quotes a header it cannot send; whatever httpx says, the key is masked.
    failure = httpx.LocalProtocolError(f"Illegal header value b'{TEST_API_KEY}'")
    api = mock_api(FakeServer(failure), max_retries=0)
    with pytest.raises(APIConnectionError) as caught:
        await api(api.tags.get, 16)
    assert TEST_API_KEY not in str(caught.value)
    assert TEST_API_KEY not in str(caught.value.__cause__)
    assert TEST_API_KEY not in repr(caught.value.__cause__)
    assert "Illegal header value b'***'" in str(caught.value)


async def test_a_503_with_retry_after_is_waited_like_a_429(mock_api: MockApi) -> None:
    server = FakeServer(reply(503, json={"message": "slow down"}, headers={"Retry-After": "3"}))
    server._answers.append(reply(json=TAG))  # then the answer
    api = mock_api(server)
    assert (await api(api.tags.get, 16)).id == "16"
    assert api.clock.sleeps == [3.0]
    # ...and it paused the account's budget, for every caller, as a 429 does.
    assert api._driver.ctx.limiters["api"].held_until > 0


async def test_a_503_with_retry_after_is_retried_even_for_a_create(mock_api: MockApi) -> None:
    server = FakeServer(
        reply(503, json={"message": "unavailable"}, headers={"Retry-After": "1"}),
        reply(201, json={"tag": {"id": "16", "tag": "vip"}}),
    )
    api = mock_api(server)
    assert (await api(api.tags.create, "vip")).id == "16"
    assert len(server.requests) == 2


async def test_a_503_without_retry_after_is_a_5xx_like_any_other(mock_api: MockApi) -> None:
    server = FakeServer(reply(503, text="<html>Service Unavailable</html>"))
    api = mock_api(server)
    with pytest.raises(ServiceUnavailableError) as caught:
        await api(api.tags.create, "vip")  # a create is not retried after a plain 5xx
    assert isinstance(caught.value, InternalServerError)
    assert caught.value.retry_after is None and caught.value.retryable
    assert len(server.requests) == 1


async def test_info_logs_carry_no_body(mock_api: MockApi, caplog: pytest.LogCaptureFixture) -> None:
    body: dict[str, Any] = {"message": "private-body-text jane@example.com"}
    server = FakeServer(reply(500, json=body), reply(json=TAG))
    api = mock_api(server)
    with caplog.at_level(logging.DEBUG, logger="activecampaign_client"):
        await api(api.tags.get, 16)
    retries = [r for r in caplog.records if r.levelno == logging.INFO]
    assert len(retries) == 1
    assert "InternalServerError (HTTP 500)" in retries[0].getMessage()
    assert all("private-body-text" not in r.getMessage() for r in caplog.records)
