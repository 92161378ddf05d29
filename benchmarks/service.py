"""``python -m benchmarks.service`` (``make bench-service``): the service on this machine.

Real processes on a real PostgreSQL, in a database made for the run and dropped after:

- **ingest**: ``serve`` alone, 4 client threads posting batches of 100 events over HTTP;
  durable events per second (each 200 means committed).
- **delivery** with 1 and with 3 ``worker`` processes (``--concurrency 2``): two emulated
  accounts served on loopback on the real clock, each enforcing 5 requests/second (429
  beyond); a mixed workload (60% track, 25% page, 15% identify over 300 users per
  account) sent at once. Reported: events delivered per second, the busiest second of
  API requests per account against its budget of 5, 429s received, and the latency from
  arrival to delivery (p50, p99) read from the database.

Wall-clock numbers on a shared 2-core machine: they vary from run to run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import conninfo

from activecampaign_client.testing import EmulatorServer
from rudder_mapper.samples import DEMO_FIELDS, DEMO_LISTS, workload
from tests.service._processes import Fleet, free_port, wait_for

__all__ = ["main"]

SERVER = os.environ.get("ACTIVECAMPAIGN_TEST_DATABASE_URL") or (
    "postgresql://postgres@127.0.0.1:5432/postgres"
)
WRITE_KEYS = ("bench-a", "bench-b")


def _account(name: str) -> EmulatorServer:
    server = EmulatorServer(api_key=f"bench-key-{name}-0123456789", event_key=f"ev-{name}")
    for title, perstag, kind in DEMO_FIELDS:
        server.emulator.add_field(title, perstag=perstag, type=kind)
    for list_name in DEMO_LISTS:
        server.emulator.add_list(list_name)
    return server.start()


def _post(port: int, write_key: str, events: list[dict[str, Any]], threads: int) -> float:
    """Post ``events`` in batches of 100 from ``threads`` threads; seconds it took."""
    token = base64.b64encode(f"{write_key}:".encode()).decode()
    batches = [events[i : i + 100] for i in range(0, len(events), 100)]

    def send(part: list[list[dict[str, Any]]]) -> None:
        headers = {"Authorization": f"Basic {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as http:
            for batch in part:
                http.post("/v1/batch", json={"batch": batch}, timeout=60).raise_for_status()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, [batches[i::threads] for i in range(threads)]))
    return time.perf_counter() - started


def _events(account: int, count: int) -> list[dict[str, Any]]:
    events = list(workload(count, seed=10 + account, track=0.6, page=0.25, users=300, domains=20))
    for number, event in enumerate(events):
        event["messageId"] = f"{account}-{number}"
    return events


def _scalar(url: str, query: str) -> Any:
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()
        return row[0] if row else None


def _busiest_second(times: list[float]) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def _ingest(url: str, workdir: Path, accounts: Path, count: int) -> dict[str, float]:
    fleet = Fleet(url, accounts, workdir)
    try:
        port = free_port()
        fleet.serve(port)
        seconds = _post(port, WRITE_KEYS[0], _events(0, count), threads=4)
    finally:
        fleet.close()
    stored = _scalar(url, "SELECT count(*) FROM rudder_events")
    assert stored == count, f"stored {stored} of {count}"
    return {"events": count, "seconds": seconds, "events_per_second": count / seconds}


def _delivery(
    url: str, workdir: Path, accounts: Path, servers: list[EmulatorServer], workers: int, count: int
) -> dict[str, float]:
    for server in servers:
        server.emulator.reset_requests()
    fleet = Fleet(url, accounts, workdir)
    try:
        port = free_port()
        fleet.serve(port)
        for n in range(workers):
            fleet.worker(f"worker{n}", "--concurrency", "2")
        started = time.perf_counter()
        for account, write_key in enumerate(WRITE_KEYS):
            _post(port, write_key, _events(account, count), threads=2)
        total = 2 * count
        wait_for(
            lambda: (
                _scalar(url, "SELECT count(*) FROM rudder_events WHERE state <> 'pending'") == total
            ),
            900,
            "every event settled",
            step=0.5,
        )
        seconds = time.perf_counter() - started
    finally:
        fleet.close()
    latency = _scalar(
        url,
        "SELECT array[percentile_cont(0.5) WITHIN GROUP (ORDER BY s),"
        " percentile_cont(0.99) WITHIN GROUP (ORDER BY s)] FROM (SELECT"
        " extract(epoch FROM settled_at - received_at) AS s FROM rudder_events"
        " WHERE state = 'delivered') AS d",
    )
    requests = [
        [r.time for r in s.emulator.requests if r.path.startswith("/api/3/")] for s in servers
    ]
    return {
        "workers": workers,
        "events": total,
        "seconds": seconds,
        "events_per_second": total / seconds,
        "api_requests": sum(len(r) for r in requests),
        "busiest_second": max(_busiest_second(r) for r in requests),
        "rate_limited": sum(1 for s in servers for r in s.emulator.requests if r.status == 429),
        "latency_p50": float(latency[0]),
        "latency_p99": float(latency[1]),
        "dead": _scalar(url, "SELECT count(*) FROM rudder_events WHERE state = 'dead'"),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the measurements and print a table and one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.service", description=__doc__)
    parser.add_argument("--ingest", type=int, default=20_000, help="events posted to ingest")
    parser.add_argument("--deliver", type=int, default=3_000, help="events per account")
    args = parser.parse_args(argv)

    name = f"rudder_bench_{secrets.token_hex(3)}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = conninfo.make_conninfo(SERVER, dbname=name)
    servers = [_account("a"), _account("b")]
    results: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            accounts = workdir / "accounts.json"
            configs = {key: s.config() for key, s in zip(WRITE_KEYS, servers, strict=True)}
            accounts.write_text(json.dumps(configs))
            fleet = Fleet(url, accounts, workdir)
            fleet.start("migrate", "db", "migrate").wait(60)
            fleet.close()
            results["ingest"] = _ingest(url, workdir, accounts, args.ingest)
            for workers in (1, 3):
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute(
                        "TRUNCATE rudder_events, rudder_message_ids, rudder_accounts,"
                        " rudder_counters, procrastinate_jobs, procrastinate_workers CASCADE"
                    )
                results[f"delivery_{workers}"] = _delivery(
                    url, workdir, accounts, servers, workers, args.deliver
                )
    finally:
        for server in servers:
            server.close()
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ingest = results["ingest"]
    print(
        f"ingest: {ingest['events']:,} events in {ingest['seconds']:.1f} s = "
        f"{ingest['events_per_second']:,.0f} durable events/s (4 clients, batches of 100)"
    )
    for workers in (1, 3):
        d = results[f"delivery_{workers}"]
        print(
            f"delivery, {workers} worker(s): {d['events']:,} events over 2 accounts in "
            f"{d['seconds']:.1f} s = {d['events_per_second']:,.0f} events/s; "
            f"{d['api_requests']} API requests, busiest second {d['busiest_second']}/5 per "
            f"account, {d['rate_limited']} 429s; latency p50 {d['latency_p50']:.1f} s, "
            f"p99 {d['latency_p99']:.1f} s; {d['dead']} dead letters"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
