"""Hostile inputs the fuzzers found, pinned as plain examples: each once crashed ``process``,
came back as an "internal error", or was refused only after a request had been sent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from activecampaign_client import InvalidInputError
from activecampaign_client.testing import ActiveCampaignEmulator
from rudder_mapper import ActiveCampaignDestination
from rudder_mapper.pipeline import parse_lines
from rudder_mapper.values import ValueProblem, field_value_text

from ._strategies import nested
from ._support import Recorder, seeded_emulator, sync_client

HUGE = 10**5000  # str() refuses integers of more than 4,300 digits
EMAIL = "jane@example.com"


@pytest.fixture
def emulator() -> ActiveCampaignEmulator:
    return seeded_emulator(rate_limit=None)


@pytest.fixture
def destination(emulator: ActiveCampaignEmulator) -> ActiveCampaignDestination:
    return ActiveCampaignDestination(emulator.client(requests_per_second=None))


def track(**changes: Any) -> dict[str, Any]:
    message = {"type": "track", "event": "E", "properties": {"email": EMAIL}}
    for path, value in changes.items():
        node: Any = message
        *parents, last = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return message


def identify(**traits: Any) -> dict[str, Any]:
    return {"type": "identify", "traits": {"email": EMAIL, **traits}}


REJECTED = [
    pytest.param(identify(email="a@b@c.co"), "traits.email", id="two-at-signs"),
    pytest.param(identify(email="a@b..co"), "traits.email", id="empty-domain-label"),
    pytest.param(identify(email="a@b.co."), "traits.email", id="trailing-dot"),
    pytest.param(track(properties__email="a@.b.co"), "properties.email", id="track-bad-email"),
    pytest.param(identify(email=HUGE), "traits.email", id="huge-int-email"),
    pytest.param(identify(phone=HUGE), "traits.phone", id="huge-int-phone"),
    pytest.param(identify(tags=[HUGE]), "traits.tags[0]", id="huge-int-tag"),
    pytest.param(identify(tags=["\ud800"]), "traits.tags[0]", id="surrogate-tag"),
    pytest.param(identify(name="Ada \udc00"), "traits.name", id="surrogate-name"),
    pytest.param(
        identify(lists=[{"id": "9" * 20, "status": "subscribe"}]),
        "traits.lists[0].id",
        id="list-id-beyond-18-digits",
    ),
    pytest.param(
        identify(lists=[{"id": "\u0661\u0662", "status": "subscribe"}]),
        "traits.lists[0].id",
        id="list-id-arabic-indic-digits",
    ),
    pytest.param(identify(lists=[{"id": HUGE}]), "traits.lists[0].id", id="huge-int-list-id"),
    pytest.param(track(event="E\ud800"), "event", id="surrogate-event-name"),
    pytest.param(track(event=HUGE), "event", id="huge-int-event-name"),
    pytest.param(
        track(properties__eventData="\ud800"), "properties.eventData", id="surrogate-eventdata"
    ),
    pytest.param(
        track(properties__eventData={"k": "\udfff"}),
        "properties.eventData",
        id="surrogate-in-eventdata-object",
    ),
    pytest.param(
        track(properties__eventData=nested(3_000)), "properties.eventData", id="deep-eventdata"
    ),
    pytest.param(
        track(properties__eventData={"n": HUGE}), "properties.eventData", id="huge-int-eventdata"
    ),
]


@pytest.mark.parametrize(("message", "field"), REJECTED)
def test_refused_before_sending_with_a_400_naming_the_field(
    emulator: ActiveCampaignEmulator,
    destination: ActiveCampaignDestination,
    message: dict[str, Any],
    field: str,
) -> None:
    result = destination.process(message)
    assert (result.status_code, result.retryable, result.field) == (400, False, field)
    assert field in (result.error or "")
    assert emulator.requests == []


@pytest.mark.parametrize(
    "message",
    [
        pytest.param({**identify(), "userId": HUGE}, id="huge-int-user-id"),
        pytest.param({**track(), "anonymousId": HUGE}, id="huge-int-anonymous-id"),
        pytest.param(
            identify(fieldInfo={"Interest": nested(3_000)}), id="deep-field-value-is-a-warning"
        ),
        pytest.param(identify(fieldInfo={"Interest": HUGE}), id="huge-field-value-is-a-warning"),
        pytest.param(
            identify(fieldInfo={"Signup Date": 10**300}), id="date-out-of-range-is-a-warning"
        ),
    ],
)
def test_delivered_despite_an_unusable_side_field(
    destination: ActiveCampaignDestination, message: dict[str, Any]
) -> None:
    result = destination.process(message)
    assert result.delivered, result


@pytest.mark.parametrize(
    ("value", "kind"),
    [(nested(3_000), "text"), (HUGE, "text"), ([HUGE], "checkbox"), (10**300, "date")],
    ids=["deep", "huge-int", "huge-int-in-array", "date-out-of-range"],
)
def test_unwritable_field_values_are_value_problems(value: Any, kind: str) -> None:
    with pytest.raises(ValueProblem):
        field_value_text(value, kind)


def test_a_warning_names_what_cannot_be_stored(destination: ActiveCampaignDestination) -> None:
    result = destination.process(identify(fieldInfo={"Interest": HUGE}))
    assert any("traits.fieldInfo.Interest" in w for w in result.warnings)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="nesting-beyond-the-recursion-limit"),
        pytest.param('{"type": "track", "n": ' + "9" * 5_000 + "}", id="5000-digit-number"),
    ],
)
def test_lines_beyond_json_limits_are_bad_lines_not_crashes(line: str) -> None:
    (parsed,) = list(parse_lines([line]))
    assert parsed.problem is not None
    assert (parsed.problem.status_code, parsed.problem.field) == (400, "line")


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: list(c.tags.list(search="\ud800")), id="query-parameter"),
        pytest.param(
            lambda c: c.event_tracking.track("E", email=EMAIL, eventdata="\ud800"),
            id="form-field",
        ),
        pytest.param(lambda c: c.tags.create("vip\udc00"), id="text-argument"),
    ],
)
def test_the_client_refuses_text_it_cannot_encode_before_sending(call: Any) -> None:
    recorder = Recorder()
    with sync_client(recorder) as client, pytest.raises(InvalidInputError):
        call(client)
    assert recorder.requests == []


def test_a_lone_surrogate_from_a_json_line_is_refused_not_raised(
    emulator: ActiveCampaignEmulator, destination: ActiveCampaignDestination
) -> None:
    (line,) = list(parse_lines([json.dumps(track(properties__eventData="\ud800"))]))
    result = destination.process(line.message)
    assert (result.status_code, result.field) == (400, "properties.eventData")
    assert emulator.requests == []
