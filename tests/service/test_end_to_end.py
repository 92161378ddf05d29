"""The service end to end, as users run it: ``serve`` and three ``worker`` processes on a
real PostgreSQL, two emulated ActiveCampaign accounts served on loopback, a few thousand
events sent over HTTP, and one worker killed with SIGKILL while it delivers.

What must hold: every event delivered (at least once) or dead-lettered with its reason;
no user's events out of order; never more than 5 requests in a second per account and no
429; the dead worker's account taken over within 30 s; the bad events in dead letters and
their users' later events delivered; SIGTERM stops the rest cleanly (exit 0).
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import signal
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from activecampaign_client.testing import EmulatorServer

from ._processes import Fleet, free_port, wait_for

USERS = 50  # per account
TRACKS = 20  # per user
POISONED = range(0, USERS, 10)  # users with a bad event among theirs
WRITE_KEYS = ("wk-account-a", "wk-account-b")


@pytest.fixture
def allowed_hosts() -> list[str]:
    """pytest-recording blocks the network; this test reaches its servers on loopback only."""
    return [r"^127\.0\.0\.1$"]


@pytest.fixture
def servers() -> Iterator[list[EmulatorServer]]:
    """Two accounts on loopback (real clock, 5 requests/second each, 429 beyond)."""
    started = [
        EmulatorServer(api_key=f"e2e-key-{name}-0123456789", event_key=f"e2e-event-{name}")
        for name in ("a", "b")
    ]
    for server in started:
        server.start()
    yield started
    for server in started:
        server.close()


def events_for(account: int) -> list[dict[str, Any]]:
    """Each user's identify, then tracks numbered in order and a page, interleaved across
    users as real traffic is; some users also send an event that can never be delivered."""
    events: list[dict[str, Any]] = []
    for step in range(TRACKS + 2):
        for user in range(USERS):
            who = {"userId": f"a{account}-u{user}", "messageId": f"{account}-{user}-{step}"}
            email = f"u{user}@account{account}.example.com"
            if step == 0:
                events.append({**who, "type": "identify", "traits": {"email": email}})
            elif step <= TRACKS:
                events.append(
                    {
                        **who,
                        "type": "track",
                        "event": "Step",
                        "properties": {"eventData": {"seq": step}},
                        "context": {"traits": {"email": email}},
                    }
                )
            else:
                page = {"url": f"https://shop{user % 3}.example.com/p"}
                events.append({**who, "type": "page", "properties": page})
            if step == TRACKS // 2 and user in POISONED:  # a name ActiveCampaign cannot take
                bad = {**events[-1], "messageId": f"{account}-{user}-poison", "event": "x" * 40}
                events.append(bad)
    return events


def post_all(port: int, write_key: str, events: list[dict[str, Any]]) -> None:
    token = base64.b64encode(f"{write_key}:".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as http:
        for start in range(0, len(events), 100):
            body = json.dumps({"batch": events[start : start + 100]}).encode()
            if start % 200 == 0:  # half the requests gzip-compressed, as SDKs send them
                response = http.post(
                    "/v1/batch", content=gzip.compress(body), headers={"Content-Encoding": "gzip"}
                )
            else:
                response = http.post("/v1/batch", content=body)
            assert response.status_code == 200, response.text


def counts(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT state, count(*) FROM rudder_events GROUP BY state").fetchall()
    return {state: n for state, n in rows}


def delivering(database_url: str) -> list[tuple[str, str]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT account, delivering_by FROM rudder_accounts WHERE delivering_by IS NOT NULL"
        ).fetchall()


def test_kill_a_worker_mid_delivery(
    servers: list[EmulatorServer], clean_database: str, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.json"
    accounts.write_text(
        json.dumps(dict(zip(WRITE_KEYS, (s.config() for s in servers), strict=True)))
    )
    fleet = Fleet(clean_database, accounts, tmp_path)
    try:
        migrate = fleet.start("migrate", "db", "migrate")
        assert migrate.wait(60) == 0, fleet.log("migrate")
        port = free_port()
        fleet.serve(port)
        workers = {
            name: fleet.worker(name, "--concurrency", "2", "--grace", "5")
            for name in ("w1", "w2", "w3")
        }
        sent = {0: events_for(0), 1: events_for(1)}
        for account, write_key in enumerate(WRITE_KEYS):
            post_all(port, write_key, sent[account])
        total = len(sent[0]) + len(sent[1])
        assert sum(counts(clean_database).values()) == total

        # Kill the worker delivering an account, once a fifth of the events are settled.
        wait_for(
            lambda: total - counts(clean_database).get("pending", 0) >= total // 5,
            120,
            "a fifth of the events settled",
        )
        victim_pid = victim_account = None
        pids = {str(p.pid): name for name, p in workers.items()}

        def someone_delivering() -> bool:
            nonlocal victim_pid, victim_account
            for account, by in delivering(clean_database):
                pid = by.split(":")[1]
                if pid in pids:
                    victim_pid, victim_account = int(pid), account
                    return True
            return False

        wait_for(someone_delivering, 60, "a worker delivering an account", step=0.05)
        assert victim_pid is not None
        os.kill(victim_pid, signal.SIGKILL)
        workers[pids[str(victim_pid)]].wait(10)
        # What was committed when it died: nothing recorded delivered may be sent again.
        with psycopg.connect(clean_database) as conn:
            unsettled = {
                mid
                for (mid,) in conn.execute(
                    "SELECT message_id FROM rudder_events WHERE state = 'pending'"
                ).fetchall()
            }

        def taken_over() -> bool:
            return (
                any(
                    account == victim_account and by.split(":")[1] != str(victim_pid)
                    for account, by in delivering(clean_database)
                )
                or _backlog(clean_database, victim_account) == 0
            )

        takeover = wait_for(taken_over, 45, "the dead worker's account taken over")
        print(f"takeover after the kill: {takeover:.1f} s")
        wait_for(lambda: counts(clean_database).get("pending", 0) == 0, 240, "every event settled")

        # Every event delivered or dead-lettered with its reason.
        final = counts(clean_database)
        assert final.get("pending", 0) == 0
        poison = len(POISONED) * 2
        assert final.get("dead", 0) == poison
        with psycopg.connect(clean_database) as conn:
            letters = conn.execute(
                "SELECT message_id, status_code, error FROM rudder_events WHERE state = 'dead'"
            ).fetchall()
        assert all(
            mid.endswith("-poison") and code == 400 and "32" in error
            for mid, code, error in letters
        )

        for account, server in enumerate(servers):
            requests = server.emulator.requests
            # The account's budget: no 429, never a sixth request within a second.
            assert [r for r in requests if r.status == 429] == []
            api = sorted(r.time for r in requests if r.path.startswith("/api/3/"))
            crowded = [(a, b) for a, b in zip(api, api[5:], strict=False) if b - a < 1.0]
            assert crowded == [], f"account {account}: 6 requests within a second"
            # Every track delivered, each user's in order (first arrivals); sent twice only
            # if its outcome was not committed when the worker died (it was in flight).
            seen: dict[int, list[int]] = defaultdict(list)
            for event in server.emulator.tracked_events:
                if event.event == "Step":
                    user = int(event.email.split("@")[0][1:])
                    seen[user].append(json.loads(event.eventdata or "{}")["seq"])
            assert len(seen) == USERS
            for user, seqs in seen.items():
                first = list(dict.fromkeys(seqs))
                assert first == list(range(1, TRACKS + 1)), f"user {user}: {first}"
                for seq, times in Counter(seqs).items():
                    if times > 1:
                        assert f"{account}-{user}-{seq}" in unsettled, (user, seq)
            contacts = {c.email for c in server.emulator.contacts()}
            assert len(contacts) == USERS
        assert takeover <= 30.0, f"takeover took {takeover:.1f} s"

        # SIGTERM: the others stop taking jobs and exit 0; so does the ingest server.
        for process in workers.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name, process in workers.items():
            if process.pid != victim_pid:
                assert process.wait(30) == 0, fleet.log(name)
        serve = fleet.processes[1]
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(30) == 0, fleet.log("serve")
        for name in ("serve", *workers):
            assert "Traceback" not in fleet.log(name), fleet.log(name)
            for server in servers:
                assert server.emulator.api_key not in fleet.log(name)
    finally:
        fleet.close()


def _backlog(database_url: str, account: str | None) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM rudder_events WHERE account = %s AND state = 'pending'",
            (account,),
        ).fetchone()
    return int(row[0]) if row else 0
