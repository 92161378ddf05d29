"""Building the distributions and installing them the way a user does, for tests/distribution.

Everything runs in subprocesses, outside the repository, with ``PYTHONPATH`` cleared: what
these tests see is the built wheel installed in a fresh virtual environment, never the
source tree or the editable install the rest of the suite uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from importlib.metadata import distributions
from pathlib import Path

__all__ = [
    "JUNK",
    "REPO_ROOT",
    "Distributions",
    "Environment",
    "build_distributions",
    "clean_env",
    "install",
    "run",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
PROJECT = "activecampaign-rudder"

# Local state a developer's checkout accumulates; none of it may reach a distribution.
JUNK = (
    ".hypothesis/examples/0a1b/2c3d",
    ".venv/pyvenv.cfg",
    ".venv-py312/bin/python",
    ".mypy_cache/3.11/cache.json",
    ".pytest_cache/v/cache/lastfailed",
    ".ruff_cache/0.5.0/123",
    ".coverage",
    ".coverage.host.1234",
    "htmlcov/index.html",
    "coverage.xml",
    "activecampaign_client/__pycache__/_client.cpython-311.pyc",
    "rudder_mapper/stray.pyc",
    "tests/__pycache__/conftest.cpython-311-pytest-8.0.pyc",
    "dist/activecampaign_rudder-0.0.1-py3-none-any.whl",
    "build/lib/activecampaign_client/__init__.py",
    "site/index.html",
    "run.checkpoint",
    "dead-letter.jsonl",
    "activecampaign_rudder.egg-info/PKG-INFO",
)

# Left out of the copy (large or machine-specific); JUNK plants a small one of each instead.
_NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv*",
    ".hypothesis",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
    "dist",
    "build",
    "site",
)

TIMEOUT = 300  # seconds for any one subprocess; each normally takes a few


@dataclass(frozen=True)
class Distributions:
    """The sdist and the wheel built from it."""

    sdist: Path
    wheel: Path


@dataclass(frozen=True)
class Environment:
    """A virtual environment with the wheel installed; ``bin`` holds its scripts."""

    root: Path

    @property
    def bin(self) -> Path:
        return self.root / ("Scripts" if os.name == "nt" else "bin")

    @property
    def python(self) -> Path:
        return self.bin / ("python.exe" if os.name == "nt" else "python")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without anything pointing Python at the source tree."""
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion, capturing its output as text; never raises on failure."""
    return subprocess.run(  # noqa: S603 - our own interpreters and tools
        [str(a) for a in args],
        cwd=cwd,
        env=env if env is not None else clean_env(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _checked(completed: subprocess.CompletedProcess[str], what: str) -> None:
    if completed.returncode != 0:
        raise AssertionError(
            f"{what} failed ({completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )


def build_distributions(workdir: Path) -> Distributions:
    """Copy the checkout, plant local junk in it, and build the sdist, then the wheel from it.

    ``python -m build`` builds the wheel from the unpacked sdist, so the wheel also proves the
    sdist holds everything a build needs. No isolation: the backend comes from the dev
    environment, so nothing is downloaded.
    """
    source = workdir / "source"
    shutil.copytree(REPO_ROOT, source, ignore=_NOT_COPIED)
    for junk in JUNK:
        path = source / junk
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("local state\n", encoding="utf-8")
    out = workdir / "dist"
    completed = run(
        sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source, cwd=workdir
    )
    _checked(completed, "python -m build")
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return Distributions(sdist=sdist, wheel=wheel)


def _constraints(path: Path) -> Path:
    # The versions this suite already runs with: the test environment matches it, and pip
    # finds them in its cache.
    pins = sorted(
        {
            f"{dist.metadata['Name']}=={dist.version}"
            for dist in distributions()
            if dist.metadata["Name"] and dist.metadata["Name"].lower() != PROJECT
        }
    )
    path.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return path


def install(wheel: Path, root: Path, *, extras: str = "") -> Environment:
    """A fresh virtual environment with the wheel (and ``extras``) installed, not editable.

    The environment has no pip of its own: this suite's pip installs into it (``--python``),
    which saves bootstrapping one per environment.
    """
    venv.EnvBuilder(with_pip=False, clear=True, symlinks=os.name != "nt").create(root)
    env = Environment(root)
    requirement = f"{wheel}[{extras}]" if extras else str(wheel)
    completed = run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        env.python,
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--constraint",
        _constraints(root.parent / f"{root.name}-constraints.txt"),
        requirement,
        cwd=root.parent,
    )
    _checked(completed, f"pip install {requirement}")
    return env
