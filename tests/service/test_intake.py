"""What the ingest endpoint accepts, pure: bodies, compression, strictness and size caps."""

from __future__ import annotations

import gzip
import json

import pytest

from rudder_mapper.service.intake import IntakeError, IntakeLimits, decode_body, messages_for

LIMITS = IntakeLimits(max_request_bytes=4096, max_message_bytes=512)
IDENTIFY = {"type": "identify", "userId": "u1", "traits": {"email": "jane@example.com"}}


def test_gzip_bodies_are_inflated() -> None:
    raw = gzip.compress(json.dumps({"batch": [IDENTIFY]}).encode())
    assert decode_body(raw, "gzip", LIMITS) == {"batch": [IDENTIFY]}


def test_a_gzip_bomb_is_refused_before_it_fills_memory() -> None:
    raw = gzip.compress(b"[" + b" " * 10_000_000 + b"]")
    with pytest.raises(IntakeError) as caught:
        decode_body(raw, "gzip", LIMITS)
    assert caught.value.status == 413


@pytest.mark.parametrize(
    ("raw", "encoding", "status", "says"),
    [
        (b'{"batch": [', "", 400, "not valid JSON"),
        (b'{"x": NaN}', "", 400, "NaN is not JSON"),
        (b'{"x": -Infinity}', "", 400, "-Infinity is not JSON"),
        (b'{"x": "\xff\xfe"}', "", 400, "not valid UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "", 413, "larger than"),
        (b"not gzip", "gzip", 400, "not valid gzip"),
        (b"{}", "br", 415, "not supported"),
    ],
)
def test_bad_bodies_are_refused_whole(raw: bytes, encoding: str, status: int, says: str) -> None:
    with pytest.raises(IntakeError) as caught:
        decode_body(raw, encoding, LIMITS)
    assert caught.value.status == status
    assert says in caught.value.message


def test_nesting_past_the_parser_limit_is_a_400_not_a_crash() -> None:
    limits = IntakeLimits(max_request_bytes=10_000_000, max_message_bytes=512)
    with pytest.raises(IntakeError) as caught:
        decode_body(b"[" * 200_000 + b"]" * 200_000, "", limits)
    assert caught.value.status == 400


def test_a_batch_keeps_its_order_and_gets_message_ids() -> None:
    track = {"type": "track", "userId": "u1", "event": "Bought", "messageId": "m-7"}
    incoming = messages_for("batch", {"batch": [IDENTIFY, track]}, LIMITS)
    assert [json.loads(m.body)["type"] for m in incoming] == ["identify", "track"]
    assert incoming[1].message_id == "m-7"
    generated = incoming[0].message_id
    assert generated and json.loads(incoming[0].body)["messageId"] == generated
    assert incoming[0].identities == ("userId:u1", "email:jane@example.com")


def test_the_path_names_the_type_of_a_single_message() -> None:
    [message] = messages_for("track", {"type": "identify", "event": "x"}, LIMITS)
    assert json.loads(message.body)["type"] == "track"


@pytest.mark.parametrize("value", [IDENTIFY, [IDENTIFY, IDENTIFY]])
def test_the_webhook_takes_one_message_or_many(value: object) -> None:
    count = len(value) if isinstance(value, list) else 1
    assert len(messages_for("webhook", value, LIMITS)) == count


def test_messages_the_mapper_would_reject_are_kept_for_their_dead_letter() -> None:
    incoming = messages_for("batch", {"batch": [{"type": "alias"}, 42, "text"]}, LIMITS)
    assert [m.body for m in incoming][1:] == ["42", '"text"']
    assert all(m.message_id for m in incoming)


@pytest.mark.parametrize(
    ("kind", "value", "says"),
    [
        ("batch", [IDENTIFY], "a batch must be"),
        ("batch", {"batch": {}}, "a batch must be"),
        ("identify", [IDENTIFY], "takes one message"),
    ],
)
def test_wrong_shapes_are_refused(kind: str, value: object, says: str) -> None:
    with pytest.raises(IntakeError, match=says) as caught:
        messages_for(kind, value, LIMITS)
    assert caught.value.status == 400


def test_one_message_past_its_cap_refuses_the_request() -> None:
    big = {**IDENTIFY, "traits": {"email": "jane@example.com", "bio": "x" * 600}}
    with pytest.raises(IntakeError) as caught:
        messages_for("batch", {"batch": [IDENTIFY, big]}, LIMITS)
    assert caught.value.status == 413
    assert "message 1" in caught.value.message


def test_size_is_counted_in_utf8_bytes() -> None:
    accented = {**IDENTIFY, "traits": {"email": "jane@example.com", "name": "é" * 150}}
    [message] = messages_for("identify", accented, LIMITS)  # 300 bytes of é: escaped, 900
    assert "é" in message.body
