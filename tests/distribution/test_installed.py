"""The wheel installed in a fresh environment, used and type-checked as a user's project would.

``client_only`` is ``pip install activecampaign-rudder`` (no typer, no rich); ``with_cli``
adds the ``cli`` extra. The consumer modules are copied out of the repository and checked
from a temporary folder, so only the installed package can answer their imports.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from ._support import REPO_ROOT, Environment, clean_env, run

pytestmark = pytest.mark.packaging

CONSUMERS = (
    REPO_ROOT / "tests" / "distribution" / "consumer_app.py",  # client, emulator and mapper
    REPO_ROOT / "tests" / "typing_consumer.py",  # the client's whole surface
)

# What an application's strict settings look like. The mapper-and-emulator app must also
# never hold an expression typed Any: every value it gets from the packages is typed.
MYPY_CONFIG = """\
[mypy]
strict = True
python_version = 3.10

[mypy-consumer_app]
disallow_any_expr = True
"""
PYRIGHT_CONFIG = {
    "typeCheckingMode": "strict",
    "pythonVersion": "3.10",
    "reportUnnecessaryTypeIgnoreComment": "error",
}
# pyright's wheel bundles pyright; this stops it asking PyPI whether a newer one exists.
PYRIGHT_ENV = {"PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}

IMPORT_EVERYTHING = """\
import importlib.util, json, sys
import activecampaign_client, activecampaign_client.testing
import rudder_mapper, rudder_mapper.destination, rudder_mapper.pipeline, rudder_mapper.batching
from importlib.metadata import version
print(json.dumps({
    "client_file": activecampaign_client.__file__,
    "versions": [activecampaign_client.__version__, rudder_mapper.__version__,
                 version("activecampaign-rudder")],
    "installed": {n: importlib.util.find_spec(n) is not None for n in ("typer", "rich")},
    "imported": sorted(n for n in sys.modules if n.split(".")[0] in ("typer", "rich", "click")),
}))
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    """A user's project folder holding copies of the consumer modules."""
    for consumer in CONSUMERS:
        shutil.copy(consumer, tmp_path / consumer.name)
    return tmp_path


def test_a_client_only_install_imports_without_the_cli_stack(
    client_only: Environment, tmp_path: Path
) -> None:
    completed = run(client_only.python, "-c", IMPORT_EVERYTHING, cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)

    assert Path(report["client_file"]).is_relative_to(client_only.root)  # the wheel's copy
    assert report["installed"] == {"typer": False, "rich": False}
    assert report["imported"] == []
    assert len(set(report["versions"])) == 1


@pytest.mark.parametrize("how", ["console script", "python -m"])
def test_the_cli_on_a_client_only_install_says_how_to_get_it(
    client_only: Environment, tmp_path: Path, how: str
) -> None:
    command = (
        [client_only.bin / "rudder-activecampaign"]
        if how == "console script"
        else [client_only.python, "-m", "rudder_mapper"]
    )

    completed = run(*command, "demo", cwd=tmp_path)

    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert 'pip install "activecampaign-rudder[cli]"' in lines[0]
    assert "Traceback" not in completed.stderr


def test_the_cli_runs_once_its_extra_is_installed(with_cli: Environment, tmp_path: Path) -> None:
    completed = run(with_cli.bin / "rudder-activecampaign", "--help", cwd=tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert "send" in completed.stdout
    assert "demo" in completed.stdout


def test_the_service_commands_name_their_extra_until_it_is_installed(
    with_cli: Environment, with_service: Environment, tmp_path: Path
) -> None:
    without = run(with_cli.bin / "rudder-activecampaign", "worker", cwd=tmp_path)
    assert without.returncode == 2
    assert "pip install 'activecampaign-rudder[service]'" in without.stderr
    assert "Traceback" not in without.stderr

    help_text = run(with_service.bin / "rudder-activecampaign", "worker", "--help", cwd=tmp_path)
    assert help_text.returncode == 0, help_text.stderr
    assert "--database-url" in help_text.stdout


def test_mypy_strict_accepts_a_consumer_of_the_installed_wheel(
    client_only: Environment, app_dir: Path
) -> None:
    (app_dir / "mypy.ini").write_text(MYPY_CONFIG, encoding="utf-8")

    completed = run(
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        "mypy.ini",
        "--python-executable",
        client_only.python,
        "--cache-dir",
        app_dir / ".mypy_cache",
        *(c.name for c in CONSUMERS),
        cwd=app_dir,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.startswith("Success: no issues found in 2 source files")


def test_pyright_strict_accepts_a_consumer_of_the_installed_wheel(
    client_only: Environment, app_dir: Path
) -> None:
    (app_dir / "pyrightconfig.json").write_text(json.dumps(PYRIGHT_CONFIG), encoding="utf-8")

    completed = run(
        sys.executable,
        "-m",
        "pyright",
        "--outputjson",
        "--pythonpath",
        client_only.python,
        *(c.name for c in CONSUMERS),
        cwd=app_dir,
        env=clean_env(**PYRIGHT_ENV),
    )
    report = json.loads(completed.stdout)
    problems = [
        f"{Path(d['file']).name}:{d['range']['start']['line'] + 1}: {d['message']}"
        for d in report["generalDiagnostics"]
    ]

    assert problems == []
    assert report["summary"]["filesAnalyzed"] == len(CONSUMERS)
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize("package", ["activecampaign_client", "rudder_mapper"])
def test_every_public_symbol_has_a_known_type(
    with_service: Environment, tmp_path: Path, package: str
) -> None:
    """pyright's --verifytypes: no unknown (implicit Any) or inferred-only public types."""
    completed = run(
        sys.executable,
        "-m",
        "pyright",
        "--outputjson",
        "--ignoreexternal",
        "--verifytypes",
        package,
        cwd=tmp_path,
        # --verifytypes finds the package through the environment's python on PATH.
        env=clean_env(**PYRIGHT_ENV, PATH=f"{with_service.bin}:{clean_env()['PATH']}"),
    )
    report = json.loads(completed.stdout)
    completeness = report["typeCompleteness"]
    problems = [
        f"{symbol['name']}: {d['message']}"
        for symbol in completeness["symbols"]
        for d in symbol["diagnostics"]
        if d["severity"] == "error"
    ]

    assert Path(completeness["pyTypedPath"]).is_relative_to(with_service.root)
    assert problems == []
    assert completeness["exportedSymbolCounts"]["withUnknownType"] == 0
    assert completeness["exportedSymbolCounts"]["withAmbiguousType"] == 0
    assert completeness["completenessScore"] == 1
