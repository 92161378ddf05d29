"""One version: written in pyproject.toml, read back from the installed metadata everywhere."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import activecampaign_client
import rudder_mapper
from activecampaign_client.testing import ActiveCampaignEmulator

REPO_ROOT = Path(__file__).resolve().parent.parent


def _pyproject_version() -> str:
    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"$', text, flags=re.MULTILINE)
    assert match, "pyproject.toml has no version line"
    return match.group(1)


def test_both_packages_report_the_installed_version() -> None:
    installed = version("activecampaign-rudder")

    assert installed == _pyproject_version()
    assert activecampaign_client.__version__ == installed
    assert rudder_mapper.__version__ == installed


def test_the_user_agent_names_the_version() -> None:
    emu = ActiveCampaignEmulator()
    with emu.client() as ac:
        list(ac.tags.list())

    (request,) = emu.requests
    assert request.headers["user-agent"] == (
        f"activecampaign-client-python/{activecampaign_client.__version__}"
    )
