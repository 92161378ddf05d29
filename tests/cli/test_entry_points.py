"""The real entry points: ``python -m rudder_mapper`` in a subprocess, and the console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rudder_mapper import cli
from rudder_mapper.samples import BAD_LINES, seed_examples

from ._support import ENV_KEYS, jsonl

REPO_ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["COLUMNS"] = "200"
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "rudder_mapper", *args],
        input=input,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=120,
        check=False,
    )


def test_module_help_lists_the_commands() -> None:
    completed = _run("--help")

    assert completed.returncode == 0, completed.stderr
    assert "Deliver RudderStack events" in completed.stdout
    assert "send" in completed.stdout
    assert "demo" in completed.stdout


def test_module_demo_runs_end_to_end() -> None:
    completed = _run("demo", "--show", "3")

    assert completed.returncode == 0, completed.stderr
    assert "Delivery summary" in completed.stdout
    assert "Account catalog" in completed.stdout
    assert "Traceback" not in completed.stderr


def test_module_send_without_an_account_exits_2() -> None:
    completed = _run("send", "-", input=jsonl(seed_examples()))

    assert completed.returncode == 2
    assert "no account configured" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_module_dry_run_reads_real_stdin() -> None:
    completed = _run("send", "-", "--dry-run", input=jsonl([*seed_examples(), BAD_LINES[0]]))

    assert completed.returncode == 1  # the bad line
    assert "line 1: POST /api/3/contact/sync name@surname.com (John Doe)" in completed.stdout
    assert "line 8: rejected line 8: not valid JSON" in completed.stdout
    assert "dry run: 7 events planned, 1 rejected, nothing sent" in completed.stdout


def test_console_script_points_at_main() -> None:
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = pyproject.split("[project.scripts]", 1)[1].split("\n[", 1)[0]

    assert section.split() == ["rudder-activecampaign", "=", '"rudder_mapper._entry:main"']


def test_main_runs_the_app(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["rudder-activecampaign", "send", "--help"])

    with pytest.raises(SystemExit) as exited:
        cli.main()

    assert exited.value.code == 0
    help_text = capsys.readouterr().out
    for option in ("--config", "--dead-letter", "--dry-run", "--batch-size", "--concurrency"):
        assert option in help_text
