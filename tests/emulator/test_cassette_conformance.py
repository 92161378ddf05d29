"""The emulator answers like the recordings: for every interaction in ``cassettes/client/``,
the emulator's answer to the same method and path has the same status and the same JSON
shape (top-level keys; value types of the keys both share, recursively; ids as strings).

``_replay`` says how each recording is reproduced on a seeded emulator. Non-JSON
recordings are checked against the matching emulator behaviour (login page, injected 5xx).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ._replay import (
    CASSETTES,
    Interaction,
    World,
    build_request,
    json_of,
    load_interactions,
    reproduce,
)

# Statuses the emulator has no cause to answer: it has no user permissions.
NOT_EMULATED = {403}

# Lists the emulator leaves empty by design (no automations, deals, geo data, queued or
# failed imports), so their items cannot be compared.
EMPTY_BY_DESIGN = {
    "contactAutomations",
    "deals",
    "geoAddresses",
    "geoIps",
    "outstanding",
    "failure",
}


# -- shape comparison --------------------------------------------------------------


def _wrote_no_field_values(recorded: Interaction, key: str) -> bool:
    """Writes answer with the field values they wrote; a request may have written none."""
    if key != "fieldValues" or recorded.method == "GET" or "json" not in recorded.content_type:
        return False
    contact = json.loads(recorded.body).get("contact") or {}
    return not contact.get("fieldValues")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "null"


def shape_differences(recorded: Any, emulated: Any, where: str = "$") -> list[str]:
    """How ``emulated`` differs in shape from ``recorded`` (null matches anything)."""
    if recorded is None or emulated is None:
        return []
    if _kind(recorded) != _kind(emulated):
        return [f"{where}: recorded {_kind(recorded)} {recorded!r:.40}, emulated {emulated!r:.40}"]
    problems: list[str] = []
    if isinstance(recorded, dict):
        if where == "$" and set(recorded) != set(emulated):
            recorded_keys, emulated_keys = sorted(recorded), sorted(emulated)
            problems.append(f"$: keys differ: recorded {recorded_keys}, emulated {emulated_keys}")
        for key in recorded.keys() & emulated.keys():
            problems += shape_differences(recorded[key], emulated[key], f"{where}.{key}")
    elif isinstance(recorded, list) and recorded and emulated:
        for index, item in enumerate(emulated):
            problems += shape_differences(recorded[0], item, f"{where}[{index}]")
    return problems


def _ids_are_strings(body: Any, where: str = "$") -> list[str]:
    if isinstance(body, dict):
        problems = []
        if "id" in body and not isinstance(body["id"], str):
            problems.append(f"{where}.id is {body['id']!r}, not a string")
        for key, value in body.items():
            problems += _ids_are_strings(value, f"{where}.{key}")
        return problems
    if isinstance(body, list):
        return [p for i, item in enumerate(body) for p in _ids_are_strings(item, f"{where}[{i}]")]
    return []


# -- the tests ---------------------------------------------------------------------

if not CASSETTES.is_dir():
    pytest.skip("no recordings under cassettes/client yet", allow_module_level=True)

INTERACTIONS = load_interactions()
# JSON (or empty) answers of the API itself: not throttling, not proxies' HTML pages.
JSON_ANSWERS = [
    i
    for i in INTERACTIONS
    if (i.json is not None or not i.response_body.strip())
    and i.status not in NOT_EMULATED | {429}
    and i.status < 500
]
# Plain text the API documents as a success (the site tracking snippet).
TEXT_ANSWERS = [
    i
    for i in INTERACTIONS
    if i.json is None and 200 <= i.status < 300 and i.response_type.startswith("text/plain")
]
HTML_ANSWERS = [
    i for i in INTERACTIONS if i.json is None and i.response_body.strip() and i not in TEXT_ANSWERS
]


def test_there_are_recordings_to_compare() -> None:
    assert JSON_ANSWERS, f"no JSON interactions found under {CASSETTES}"


@pytest.mark.parametrize("recorded", JSON_ANSWERS, ids=str)
def test_json_answer_has_the_recorded_shape(recorded: Interaction) -> None:
    response = reproduce(recorded)
    emulated = json_of(response)
    assert response.status_code == recorded.status
    problems = shape_differences(recorded.json, emulated) + _ids_are_strings(emulated)
    if isinstance(recorded.json, dict) and isinstance(emulated, dict):
        problems += [  # an empty list would prove nothing about its items
            f"$.{key}: recorded items, emulated none"
            for key, value in recorded.json.items()
            if isinstance(value, list)
            and value
            and emulated.get(key) == []
            and key not in EMPTY_BY_DESIGN
            and not _wrote_no_field_values(recorded, key)
        ]
    assert not problems, f"{recorded}:\n" + "\n".join(problems)


@pytest.mark.parametrize("recorded", [i for i in INTERACTIONS if i.status == 429], ids=str)
def test_rate_limit_answer_has_the_recorded_shape(recorded: Interaction) -> None:
    world = World()
    world.emu.faults.script("*", ["429"])
    response = world.send(build_request(world, recorded))
    assert response.status_code == 429
    assert response.headers["Retry-After"].isdigit()
    assert not shape_differences(recorded.json, json_of(response))


@pytest.mark.parametrize("recorded", [i for i in HTML_ANSWERS if i.status < 500], ids=str)
def test_html_answer_is_the_login_page_for_a_wrong_key(recorded: Interaction) -> None:
    world = World()
    request = build_request(world, recorded)
    request.headers["Api-Token"] = "not-the-key"
    response = world.send(request)
    assert (response.status_code, recorded.status) == (200, 200)
    assert "html" in response.headers["content-type"]
    assert "html" in recorded.response_type or recorded.response_body.lstrip().startswith("<")


@pytest.mark.parametrize("recorded", TEXT_ANSWERS, ids=str)
def test_text_answer_is_text_of_the_same_kind(recorded: Interaction) -> None:
    world = World()
    response = world.send(build_request(world, recorded))
    assert response.status_code == recorded.status
    assert response.headers["content-type"].startswith("text/plain")
    # The same kind of text: here, one script element (the emulator's loads nothing).
    for text in (recorded.response_body, response.text):
        assert text.lstrip().startswith("<script") and text.rstrip().endswith("</script>")


@pytest.mark.parametrize("recorded", [i for i in INTERACTIONS if i.status >= 500], ids=str)
def test_server_error_is_an_injectable_fault(recorded: Interaction) -> None:
    world = World()
    world.emu.faults.script("*", [str(recorded.status)])
    response = world.send(build_request(world, recorded))
    assert response.status_code == recorded.status
    assert (json_of(response) is None) == (recorded.json is None)


def test_paths_in_recordings_are_all_served() -> None:
    """No recorded method and path is unknown to the emulator (a 404 for the route)."""
    unknown = []
    for recorded in INTERACTIONS:
        world = World()
        response = world.send(build_request(world, recorded))
        if "route" in str((json_of(response) or {}).get("message", "")):
            unknown.append(str(recorded))
    assert not unknown
