"""The README's first client example runs as written, against the emulator.

A new user pastes it first: it must work on a fresh account (the event name it tracks has to
be registered before trackcmp.net accepts it) and again on an account where it already ran.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import activecampaign_client
from activecampaign_client import ActiveCampaign
from activecampaign_client.testing import ActiveCampaignEmulator

REPO_ROOT = Path(__file__).resolve().parent.parent


def _client_example(heading: str = "## Using the client") -> str:
    """The first python example after ``heading`` in the README."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"\n{heading}\n", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, flags=re.DOTALL)
    assert match, f"README's {heading!r} section has no python example"
    return match.group(1)


def _first_client_example() -> str:
    return _client_example()


def _fresh_account() -> ActiveCampaignEmulator:
    """An account with what the example refers to: field 3, list 2, a VIP tag."""
    emu = ActiveCampaignEmulator()
    for title in ("Company", "Birthday", "Sports"):
        emu.add_field(title)
    emu.add_list("Customers")
    emu.add_list("Newsletter")
    emu.add_tag("VIP")
    return emu


def _run_example(emu: ActiveCampaignEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    def client_on_the_emulator(*args: Any, **kwargs: Any) -> ActiveCampaign:
        return emu.client()  # the example's URL and keys stand for a real account's

    namespace: dict[str, Any] = {
        "api_key": emu.api_key,
        "actid": emu.actid,
        "event_key": emu.event_key,
    }
    with monkeypatch.context() as patch:
        patch.setattr(activecampaign_client, "ActiveCampaign", client_on_the_emulator)
        exec(compile(_first_client_example(), "README.md", "exec"), namespace)  # noqa: S102


def test_the_first_client_example_works_on_a_fresh_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu = _fresh_account()

    _run_example(emu, monkeypatch)

    contact = emu.contact("jane@example.com")
    assert contact is not None
    assert contact.first_name == "Jane"
    assert contact.tags == {"VIP"}
    assert contact.field_values == {"3": "||Cricket||Tennis||"}
    assert contact.lists == {"2": "1"}
    assert [(e.event, e.email) for e in emu.tracked_events] == [("Signed Up", "jane@example.com")]


def test_the_first_client_example_runs_again_on_the_same_account(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    emu = _fresh_account()
    _run_example(emu, monkeypatch)

    _run_example(emu, monkeypatch)

    assert [e.event for e in emu.tracked_events] == ["Signed Up", "Signed Up"]


def test_the_finding_and_paging_example_runs() -> None:
    emu = _fresh_account()
    newsletter = "2"
    emu.add_contact("jane@example.com", tags=["VIP", "beta"], lists={newsletter: "1"})
    for n in range(3):
        emu.add_tag(f"promo {n}")
    with emu.client() as ac:
        namespace: dict[str, Any] = {"ac": ac, "print": lambda *args: None}
        code = compile(_client_example("### Finding, filtering, paging"), "README.md", "exec")
        exec(code, namespace)  # noqa: S102
    assert namespace["names"] == ["beta"]  # VIP was taken off jane
    listing = [r.params for r in emu.requests if r.path == "/api/3/contacts"]
    assert listing[-1] == {
        "listid": "2",
        "status": "1",
        "filters[updated_after]": "2024-01-01",
        "limit": "100",
        "orders[id]": "asc",
    }
    promo = [r.params for r in emu.requests if r.path == "/api/3/tags" and "search" in r.params]
    assert promo == [{"search": "promo", "limit": "50", "offset": "0"}]
