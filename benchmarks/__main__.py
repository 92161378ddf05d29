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
from .report import Comparison, Results
from .table import render
from .workloads import (
    BATCH_SIZE,
    IMPORT_DELAY,
    LATENCY,
    RATE_LIMIT,
    import_events,
    mixed_events,
    repeated_import_events,
    repeated_mixed_events,
)

__all__ = ["main", "run"]


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--events", type=int, default=10_000, help="mixed workload size")
    parser.add_argument("--contacts", type=int, default=5_000, help="identify import size")
    parser.add_argument(
        "--repeated-users", type=int, default=600, help="users of the repeated mixed workload"
    )
    parser.add_argument(
        "--repeated-identifies", type=int, default=1_000, help="repeated-user import size"
    )
    parser.add_argument(
        "--repeated-import-users", type=int, default=334, help="users of the repeated import"
    )
    parser.add_argument(
        "--import-delay",
        type=float,
        default=IMPORT_DELAY,
        help="simulated seconds before an import is applied (repeated-user runs)",
    )
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
        args.repeated_users, args.repeated_identifies, args.repeated_import_users = 60, 200, 67
        args.cpu_events, args.loopback_requests = 2_000, 100
    return args


def run(args: argparse.Namespace, progress: Console) -> Results:
    """Every measurement, in order; ``progress`` gets one line per step."""
    mixed = mixed_events(args.events, seed=args.seed)
    imports = import_events(args.contacts, seed=args.seed + 1)
    repeated = repeated_mixed_events(args.events, users=args.repeated_users, seed=args.seed + 2)
    returning = repeated_import_events(
        args.repeated_identifies, users=args.repeated_import_users, seed=args.seed + 3
    )
    options = {"batch_size": args.batch_size, "latency": args.latency}
    late = {**options, "import_delay": args.import_delay}
    ours, reference = mapper_strategy(), baseline_strategy()
    progress.print(f"mixed workload, {len(mixed):,} events: our mapper, transformer pattern ...")
    mixed_runs = Comparison(
        measure_delivery(ours, mixed, **options), measure_delivery(reference, mixed, **options)
    )
    progress.print(f"identify import, {len(imports):,} contacts: bulk, then one by one ...")
    import_runs = Comparison(
        measure_delivery(ours, imports, **options),
        measure_delivery(mapper_strategy(bulk_threshold=0), imports, **options),
    )
    progress.print(f"repeated users, {len(repeated):,} events: ours, transformer pattern ...")
    repeated_runs = Comparison(
        measure_delivery(ours, repeated, **late), measure_delivery(reference, repeated, **late)
    )
    repeated_instant = measure_delivery(ours, repeated, **options)
    progress.print(f"repeated-user import, {len(returning):,} identifies ...")
    returning_runs = Comparison(
        measure_delivery(ours, returning, **late), measure_delivery(reference, returning, **late)
    )
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
        "repeated_users": args.repeated_users,
        "repeated_identifies": args.repeated_identifies,
        "repeated_import_users": args.repeated_import_users,
        "import_delay": args.import_delay,
        "max_concurrency": 8,
        "python": sys.version.split()[0],
    }
    return Results(
        settings,
        mixed=mixed_runs,
        imported=import_runs,
        repeated=repeated_runs,
        repeated_import=returning_runs,
        repeated_instant=repeated_instant,
        cpu=cpu,
        loopback=loopback,
        loopback_error=error,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; the exit status is 1 only with ``--check`` and a missed target."""
    args = _arguments(argv)
    results = run(args, Console(stderr=True))
    render(results, Console(width=120))
    missed = [t.name for t in results.targets() if not t.met]
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
