"""The console script's shim: the CLI when its extra is installed, one clear line otherwise.

The real thing (a wheel installed without the extra) is in tests/distribution; these run the
shim in a subprocess where typer or rich cannot be imported, which is quick.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# Make the named top-level modules unimportable, then run the console script's entry point.
WITHOUT = """\
import sys
blocked = set(sys.argv[1].split(","))
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
sys.argv = ["rudder-activecampaign", "demo"]
from rudder_mapper._entry import main
main()
"""


def _run_without(*modules: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", WITHOUT, ",".join(modules)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("missing", ["typer", "rich"])
def test_without_the_cli_extra_it_says_how_to_install_it(missing: str) -> None:
    completed = _run_without(missing)

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1  # one line
    assert f"needs '{missing}'" in completed.stderr
    assert 'pip install "activecampaign-rudder[cli]"' in completed.stderr


def test_another_missing_module_is_not_blamed_on_the_extra() -> None:
    completed = _run_without("httpx")  # a broken install, not a missing extra

    assert completed.returncode == 1
    assert "ModuleNotFoundError: No module named 'httpx'" in completed.stderr
    assert "activecampaign-rudder[cli]" not in completed.stderr


def test_with_the_cli_installed_it_runs_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from rudder_mapper._entry import main

    argv = sys.argv
    sys.argv = ["rudder-activecampaign", "--help"]
    try:
        with pytest.raises(SystemExit) as exited:
            main()
    finally:
        sys.argv = argv

    assert exited.value.code == 0
    assert "Deliver RudderStack events" in capsys.readouterr().out
