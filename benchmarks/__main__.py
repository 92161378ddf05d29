"""``python -m benchmarks``: run every measurement, print the table and the JSON line.

Options change the sizes (``--quick`` for a smoke run); ``--check`` exits with status 1
when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rich.console import Console

from .cpu import measure_cpu
from .delivery import baseline_strategy, mapper_strategy, measure_delivery
from .loopback import LoopbackStats, measure_overhead
from .report import Results, render
from .workloads import BATCH_SIZE, LATENCY, RATE_LIMIT, import_events, mixed_events

__all__ = ["main", "run"]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000, help="mixed workload size")
    parser.add_argument("--contacts", type=int, default=5_000, help="identify import size")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="events per batch")
    parser.add_argument(
        "--latency", type=float, default=LATENCY, help="simulated seconds per answer"
    )
    parser.add_argument("--seed", type=int, default=1, help="workload seed")
    parser.add_argument("--cpu-events", type=int, default=10_000, help="CPU measurement size")
    parser.add_argument(
        "--loopback-requests", type=int, default=300, help="requests per loopback round"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.contacts = 1_000, 500
        args.cpu_events, args.loopback_requests = 2_000, 100
    return args


def run(args: argparse.Namespace, progress: Console) -> Results:
    """Every measurement, in order; ``progress`` gets one line per step."""
    mixed = mixed_events(args.events, seed=args.seed)
    imports = import_events(args.contacts, seed=args.seed + 1)
    options = {"batch_size": args.batch_size, "latency": args.latency}
    progress.print(f"mixed workload, {len(mixed):,} events: our mapper ...")
    ours = measure_delivery(mapper_strategy(), mixed, **options)
    progress.print("mixed workload: RudderStack transformer pattern ...")
    baseline = measure_delivery(baseline_strategy(), mixed, **options)
    progress.print(f"identify import, {len(imports):,} contacts: bulk, then one by one ...")
    bulk = measure_delivery(mapper_strategy(), imports, **options)
    one_by_one = measure_delivery(mapper_strategy(bulk_threshold=0), imports, **options)
    progress.print("CPU: mapping on one core ...")
    cpu = measure_cpu(mixed_events(args.cpu_events, seed=args.seed))
    progress.print("CPU: client overhead on a loopback server ...")
    loopback: LoopbackStats | None = None
    error = None
    try:
        loopback = measure_overhead(args.loopback_requests)
    except OSError as exc:  # no loopback networking here
        error = f"loopback unavailable: {exc}"
    settings = {
        "events": args.events,
        "contacts": args.contacts,
        "batch_size": args.batch_size,
        "latency": args.latency,
        "rate_limit": RATE_LIMIT,
        "seed": args.seed,
        "max_concurrency": 8,
        "python": sys.version.split()[0],
    }
    return Results(settings, ours, baseline, bulk, one_by_one, cpu, loopback, error)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status is 1 only with ``--check`` and a missed target."""
    args = _arguments(argv)
    results = run(args, Console(stderr=True))
    render(results, Console(width=120))
    missed = [t.name for t in results.targets() if not t.met]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
