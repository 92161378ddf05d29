"""``rudder-activecampaign emulator``: prints the config to use, serves the account API and
event tracking on one loopback port until SIGTERM; ``send`` runs against it end to end."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from rudder_mapper.samples import seed_examples

from ._support import ENV, finish, start_send, words


def test_send_end_to_end_against_the_emulator_command(tmp_path: Path) -> None:
    emulator = subprocess.Popen(
        [sys.executable, "-m", "rudder_mapper", "emulator", "--port", "0"],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        printed = ""
        while not printed.rstrip().endswith("}"):  # the config, pretty-printed JSON
            line = emulator.stdout.readline()
            assert line, f"the emulator printed no config: {emulator.communicate()}"
            printed += line
        config = json.loads(printed)
        assert set(config) == {"apiUrl", "apiKey", "actid", "eventKey", "trackingUrl"}
        assert config["apiUrl"].startswith("http://127.0.0.1:")
        assert config["trackingUrl"] == config["apiUrl"] + "/event"
        path = tmp_path / "dest.json"
        path.write_text(printed, encoding="utf-8")
        events = tmp_path / "events.jsonl"
        events.write_text("".join(json.dumps(m) + "\n" for m in seed_examples()), "utf-8")

        status, stdout, stderr = finish(
            start_send(str(events), "--config", str(path), cwd=tmp_path)
        )

        assert status == 0, stdout + stderr
        assert "delivered │ 7" in words(stdout).replace("  ", " ")
    finally:
        emulator.send_signal(signal.SIGTERM)
        _, stderr = emulator.communicate(timeout=10)
    assert emulator.returncode == 0
    assert "2 events tracked, 1 contacts" in words(stderr)  # the seed examples: 2 tracks
