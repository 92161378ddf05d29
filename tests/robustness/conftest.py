"""Robustness suite set-up: the ``--soak`` switch for the large fault run.

``make soak`` runs ``pytest -m soak --soak tests/robustness``: tests marked ``soak`` are
skipped unless ``--soak`` is given (or ``SOAK=1`` is set), so ``make test`` stays fast.
``SOAK_EVENTS`` overrides the soak run's size (default 20,000 events).
"""

from __future__ import annotations

import os

import pytest

from ._scenario import FaultRun, fault_run


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--soak",
        action="store_true",
        default=False,
        help="run the large fault-injection run (tests marked soak)",
    )


def soak_enabled(config: pytest.Config) -> bool:
    """Whether soak tests run: ``--soak`` or ``SOAK=1``."""
    flag = bool(config.getoption("--soak", default=False))
    return flag or os.environ.get("SOAK", "") not in ("", "0")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if soak_enabled(config):
        return
    skip = pytest.mark.skip(reason="large fault run: `make soak` (pytest --soak)")
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(skip)


CI_EVENTS = 2_000
CI_SEED = 20_260_601


@pytest.fixture(scope="session")
def ci_fault_run(tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    """The CI-sized fault run (2,000 events), made once and inspected by several tests."""
    return fault_run(tmp_path_factory.mktemp("fault-run"), events=CI_EVENTS, seed=CI_SEED)
