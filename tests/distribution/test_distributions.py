"""What the sdist and the wheel hold, and what the wheel's metadata promises."""

from __future__ import annotations

import re
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser

import pytest

from ._support import JUNK, REPO_ROOT, Distributions

pytestmark = pytest.mark.packaging

# Path parts and suffixes that mark local state, wherever they appear in an archive.
JUNK_PARTS = {
    ".git",
    ".hypothesis",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "htmlcov",
    "site",
    "dist",
    "build",
}
JUNK_SUFFIXES = (".pyc", ".pyo", ".checkpoint", ".egg-info", "coverage.xml")


def _sdist_members(dists: Distributions) -> list[str]:
    with tarfile.open(dists.sdist) as archive:
        names = [m.name for m in archive.getmembers() if m.isfile()]
    # Drop the top folder (activecampaign_rudder-0.1.0/).
    return [name.split("/", 1)[1] for name in names]


def _wheel_members(dists: Distributions) -> list[str]:
    with zipfile.ZipFile(dists.wheel) as archive:
        return archive.namelist()


def _wheel_metadata(dists: Distributions) -> Message:
    with zipfile.ZipFile(dists.wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        return Parser().parsestr(archive.read(name).decode("utf-8"))


def _looks_like_junk(member: str) -> bool:
    parts = member.split("/")
    return (
        any(part in JUNK_PARTS or part.startswith((".venv", ".coverage")) for part in parts)
        or any(part.endswith(JUNK_SUFFIXES) for part in parts)
        or parts[-1].startswith("dead-letter")
        or member in JUNK
    )


def _pyproject_version() -> str:
    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version = "([^"]+)"$', text, flags=re.MULTILINE)
    assert match, "pyproject.toml has no version line"
    return match.group(1)


def test_the_sdist_leaves_local_state_out(dists: Distributions) -> None:
    members = _sdist_members(dists)

    assert [m for m in members if _looks_like_junk(m)] == []


def test_the_sdist_holds_what_a_packager_rebuilds_and_tests_from(dists: Distributions) -> None:
    members = set(_sdist_members(dists))

    for required in (
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "Makefile",
        "mkdocs.yml",
        "activecampaign_client/py.typed",
        "rudder_mapper/py.typed",
        "tests/conftest.py",
        "cassettes/README.md",
    ):
        assert required in members, required
    assert any(m.startswith("docs/") for m in members)


def test_the_wheel_ships_both_packages_typed_and_nothing_else(dists: Distributions) -> None:
    members = _wheel_members(dists)
    top_level = {m.split("/", 1)[0] for m in members if ".dist-info/" not in m}

    assert top_level == {"activecampaign_client", "rudder_mapper"}
    assert "activecampaign_client/py.typed" in members
    assert "rudder_mapper/py.typed" in members
    assert "activecampaign_client/testing/__init__.py" in members
    assert any(m.startswith("rudder_mapper/data/") for m in members)
    assert any(m.endswith(".dist-info/licenses/LICENSE") for m in members)
    assert [m for m in members if _looks_like_junk(m)] == []


def test_the_version_is_written_once_in_pyproject(dists: Distributions) -> None:
    version = _pyproject_version()

    assert _wheel_metadata(dists)["Version"] == version
    assert dists.wheel.name.startswith(f"activecampaign_rudder-{version}-")
    written = re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w.])")
    for package in ("activecampaign_client", "rudder_mapper"):
        for path in (REPO_ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert not written.search(text), f"{path} writes the version {version} itself"


def test_the_client_depends_on_httpx_anyio_pydantic_and_typing_extensions_only(
    dists: Distributions,
) -> None:
    metadata = _wheel_metadata(dists)
    requires = metadata.get_all("Requires-Dist") or []
    unconditional = {
        re.split(r"[ <>=!~;\[]", r, maxsplit=1)[0].lower() for r in requires if ";" not in r
    }
    cli = {
        re.split(r"[ <>=!~;\[]", r, maxsplit=1)[0].lower()
        for r in requires
        if re.search(r"""extra == ["']cli["']""", r)
    }

    # anyio (the async client's deadlines) is one of httpx's own dependencies: declaring
    # it, as the client imports it, adds nothing to an install.
    assert unconditional == {"httpx", "anyio", "pydantic", "typing-extensions"}
    assert cli == {"typer", "rich"}
    assert {"cli", "docs", "dev"} <= set(metadata.get_all("Provides-Extra") or [])


def test_the_metadata_describes_the_project(dists: Distributions) -> None:
    metadata = _wheel_metadata(dists)
    classifiers = metadata.get_all("Classifier") or []
    urls = dict(u.split(", ", 1) for u in metadata.get_all("Project-URL") or [])

    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    assert "Typing :: Typed" in classifiers
    assert "Programming Language :: Python :: 3.10" in classifiers
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(urls)
    assert all(url.startswith("https://") for url in urls.values())


def test_the_console_script_goes_through_the_shim(dists: Distributions) -> None:
    with zipfile.ZipFile(dists.wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = archive.read(name).decode("utf-8")

    assert "rudder-activecampaign = rudder_mapper._entry:main" in entry_points
