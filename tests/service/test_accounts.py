"""The accounts file: validated up front, secrets never echoed, reloaded when it changes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from activecampaign_client import ConfigurationError
from rudder_mapper.service.accounts import Accounts, AccountsFile, source_id

API_KEY = "secret-api-key-0123456789abcdef"
EVENT_KEY = "secret-event-key-fedcba"
ENTRY = {"apiUrl": "https://acct.api-us1.com", "apiKey": API_KEY, "actid": 1, "eventKey": EVENT_KEY}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_several_write_keys_share_one_account(tmp_path: Path) -> None:
    other = {**ENTRY, "apiUrl": "https://acct.api-us1.com/api/3/"}
    accounts = Accounts.load(write(tmp_path / "a.json", {"web": ENTRY, "server": other}))
    web, server = accounts.get("web"), accounts.get("server")
    assert web is not None and server is not None
    assert web.account == server.account == "acct.api-us1.com"
    assert web.id == source_id("web") != server.id
    assert accounts.account_names == ["acct.api-us1.com"]
    assert accounts.get("unknown") is None


def test_a_loopback_account_is_told_apart_by_its_port(tmp_path: Path) -> None:
    data = {
        "a": {**ENTRY, "apiUrl": "http://127.0.0.1:9001"},
        "b": {**ENTRY, "apiUrl": "http://127.0.0.1:9002"},
    }
    assert Accounts.from_mapping(data).account_names == ["127.0.0.1:9001", "127.0.0.1:9002"]


WRITE_KEY = "wk-secret-123"


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("x", "must be an object"),
        ({**ENTRY, "apiUrl": "http://acct.example.com"}, "must use https"),
        ({k: v for k, v in ENTRY.items() if k != "apiKey"}, "apiKey"),
    ],
)
def test_a_bad_entry_is_named_by_source_id_without_secrets(entry: object, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says) as caught:
        Accounts.from_mapping({WRITE_KEY: entry})
    message = str(caught.value)
    assert source_id(WRITE_KEY) in message
    for secret in (API_KEY, EVENT_KEY, WRITE_KEY):
        assert secret not in message


@pytest.mark.parametrize(
    ("data", "says"),
    [([], "must be a JSON object of write keys"), ({"": ENTRY}, "a write key is empty")],
)
def test_a_file_of_the_wrong_shape_is_refused(data: object, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        Accounts.from_mapping(data)


def test_reprs_hold_no_secret(tmp_path: Path) -> None:
    accounts = Accounts.load(write(tmp_path / "a.json", {"wk-secret": ENTRY}))
    text = repr(accounts) + repr(list(accounts))
    for secret in (API_KEY, EVENT_KEY, "wk-secret"):
        assert secret not in text


def test_the_file_is_read_again_when_it_changes_and_kept_when_broken(tmp_path: Path) -> None:
    path = write(tmp_path / "a.json", {"web": ENTRY})
    live = AccountsFile(path, check_every=0.0)
    assert live.refresh().get("web") is not None
    write(path, {"server": ENTRY})
    os.utime(path, (1, 1))  # a different mtime, whatever the clock's resolution
    assert live.refresh().get("server") is not None
    path.write_text("{ half saved")
    os.utime(path, (2, 2))
    assert live.refresh().get("server") is not None  # the previous settings stay


def test_the_account_fingerprint_changes_with_any_of_its_settings() -> None:
    before = Accounts.from_mapping({"web": ENTRY}).account_fingerprint("acct.api-us1.com")
    fixed = Accounts.from_mapping({"web": {**ENTRY, "apiKey": "another-key-0123456789"}})
    assert fixed.account_fingerprint("acct.api-us1.com") != before
