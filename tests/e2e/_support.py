"""Real processes against a real loopback server: ``rudder-activecampaign send`` run with
``python -m rudder_mapper`` in a subprocess, the emulator served by ``EmulatorServer`` in
this process (so every request it received can be counted), real signals."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from activecampaign_client.testing import EmulatorServer, RecordedRequest
from rudder_mapper.demo import seed_demo_account
from rudder_mapper.run import CheckpointState, load_checkpoint

__all__ = [
    "ENV",
    "Workload",
    "finish",
    "identify_requests",
    "letters_by_line",
    "new_server",
    "outcomes",
    "read_strict_jsonl",
    "start_send",
    "summary_rows",
    "track_requests",
    "tracks_only",
    "wait_until",
    "words",
    "workload",
]

ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("ACTIVECAMPAIGN_")},
    "NO_COLOR": "1",
    "COLUMNS": "200",
    "PYTHONUNBUFFERED": "1",
}
API_KEY = "e2e-5b1f7c0d93aa-KEY"
EVENT_KEY = "e2e-7ce03d51b2f4-EVENT"


def new_server(tmp_path: Path, **emulator_options: Any) -> tuple[EmulatorServer, Path]:
    """A started loopback server for the demo account, and a ``dest.json`` for it."""
    server = EmulatorServer(api_key=API_KEY, event_key=EVENT_KEY, **emulator_options).start()
    seed_demo_account(server.emulator)
    config = tmp_path / "dest.json"
    config.write_text(json.dumps(server.config()), encoding="utf-8")
    return server, config


def start_send(*args: str, cwd: Path, stdin: Any = subprocess.DEVNULL) -> subprocess.Popen[str]:
    """``rudder-activecampaign send ARGS`` in a new process."""
    return subprocess.Popen(  # noqa: S603 - our own command, our own arguments
        [sys.executable, "-m", "rudder_mapper", "send", *args],
        cwd=cwd,
        env=ENV,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str], timeout: float = 90) -> tuple[int, str, str]:
    """Wait for the process; its exit code, stdout and stderr."""
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode, stdout, stderr


def wait_until(
    condition: Callable[[], bool], process: subprocess.Popen[str], limit: float = 60
) -> None:
    """Poll ``condition`` (every 2 ms) until true; fails if the process ends first."""
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, f"send ended before the moment awaited: {finish(process)}"
        assert time.monotonic() < deadline, "the moment awaited never came"
        time.sleep(0.002)


def _refuse(literal: str) -> Any:
    raise ValueError(f"{literal} is not strict JSON")


def read_strict_jsonl(path: Path) -> list[Any]:
    """Every line of ``path`` as strict JSON (what Node's JSON.parse accepts); each line
    must end with a newline (no torn line)."""
    data = path.read_bytes()
    assert not data or data.endswith(b"\n"), f"{path} ends with a torn line"
    return [json.loads(line, parse_constant=_refuse) for line in data.decode("ascii").splitlines()]


def tracks_only(count: int) -> Workload:
    """``count`` track events of ``count`` different users (all may run at once)."""
    lines = [
        json.dumps(
            {
                "type": "track",
                "userId": f"solo{n}",
                "event": "Signed Up",
                "context": {"traits": {"email": f"solo{n}@example.com"}},
                "properties": {"eventData": {"seq": n}},
            }
        )
        for n in range(1, count + 1)
    ]
    return Workload(lines, {})


class Workload:
    """A JSONL file whose every line's outcome is known: tracks (a unique ``seq`` each),
    identifies (a unique email each), pages on a few domains, and bad lines."""

    def __init__(self, lines: list[str], bad: dict[int, str]) -> None:
        self.lines = lines
        self.bad = bad  # line number -> what is wrong

    def write(self, path: Path) -> Path:
        path.write_bytes(
            b"".join(line.encode("utf-8", "surrogateescape") + b"\n" for line in self.lines)
        )
        return path

    @property
    def tracks(self) -> set[int]:
        return {
            n for n, text in enumerate(self.lines, 1) if n not in self.bad and '"track"' in text
        }


def workload(count: int, *, seed: int, bad_every: int = 250) -> Workload:
    """``count`` lines, 80 % tracks, 10 % identifies, 10 % pages; a bad line every
    ``bad_every``. Few names and domains: the account's 5 requests/s is not the bottleneck."""
    rng = random.Random(seed)
    lines: list[str] = []
    bad: dict[int, str] = {}
    for number in range(1, count + 1):
        user = f"user{rng.randrange(300)}"
        if number % bad_every == 0:
            lines.append('{"type": "track", "event": "Broken", "properties": {"x": NaN}}')
            bad[number] = "properties.x"
            continue
        roll = rng.random()
        if roll < 0.8:
            message: dict[str, Any] = {
                "type": "track",
                "userId": user,
                "event": rng.choice(["Signed Up", "Order Completed", "Page Liked"]),
                "context": {"traits": {"email": f"{user}@example.com"}},
                "properties": {"eventData": {"seq": number}},
            }
        elif roll < 0.9:
            message = {
                "type": "identify",
                "userId": f"id{number}",
                "traits": {"email": f"id{number}@example.com", "firstName": "N", "tags": ["E2E"]},
            }
        else:
            domain = rng.choice(["shop.example.com", "blog.example.org"])
            message = {"type": "page", "userId": user, "properties": {"url": f"https://{domain}/p"}}
        lines.append(json.dumps(message))
    return Workload(lines, bad)


def track_requests(requests: Sequence[RecordedRequest]) -> Counter[int]:
    """How many trackcmp requests there are per ``seq`` among ``requests``."""
    counts: Counter[int] = Counter()
    for request in requests:
        if request.path == "/event":
            seq = json.loads(request.form.get("eventdata") or "{}").get("seq")
            if isinstance(seq, int):
                counts[seq] += 1
    return counts


def identify_requests(requests: Sequence[RecordedRequest]) -> Counter[str]:
    """How many times each contact email was sent (bulk import entries and syncs)."""
    counts: Counter[str] = Counter()
    for request in requests:
        body = request.json if isinstance(request.json, dict) else {}
        if request.path.endswith("/import/bulk_import"):
            counts.update(contact["email"] for contact in body.get("contacts", []))
        elif request.path.endswith("/contact/sync"):
            counts[body.get("contact", {}).get("email", "")] += 1
    return counts


def outcomes(checkpoint: Path) -> CheckpointState:
    """The checkpoint's state (read as ``--resume`` reads it)."""
    return load_checkpoint(str(checkpoint))


def letters_by_line(path: Path) -> dict[int, dict[str, Any]]:
    """Dead letters by original line; each line once."""
    records = read_strict_jsonl(path) if path.exists() else []
    by_line = {record["dead_letter"]["line"]: record for record in records}
    assert len(by_line) == len(records), "a line was dead-lettered twice"
    return by_line


def summary_rows(stdout: str) -> dict[str, str]:
    """The "Delivery summary" rows, label to value."""
    rows = {}
    for text in stdout.splitlines():
        cells = [c.strip() for c in text.strip().strip("│|").split("│")]
        if len(cells) == 2 and cells[0]:
            rows[cells[0]] = cells[1]
    return rows


def words(text: str) -> str:
    """``text`` with every run of whitespace one space."""
    return " ".join(text.split())
