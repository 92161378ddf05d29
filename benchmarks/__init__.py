"""Throughput benchmark: ``make bench`` or ``python -m benchmarks``.

Runs on the in-process emulator in simulated time, so the numbers are the same on a
noisy machine and a run takes well under two minutes, and prints one table and one JSON
line:

1. A mixed workload (60% track, 25% page over 50 domains, 15% identify with 2 tags,
   3 custom fields and 1 list) delivered by our mapper and by the RudderStack
   transformer's call pattern (``benchmarks.baseline``): requests per event, simulated
   seconds, 429 answers (``benchmarks.delivery``).
2. An identify import: bulk import against one by one (``bulk_threshold=0``).
3. Users who come back: the mixed workload over 600 users (each identifies ~2.5 times,
   often twice in one batch), and 1,000 identifies of 334 users, both against the
   transformer pattern, on an account applying bulk imports 5 s after accepting them;
   and what waiting for those imports costs (polls, simulated seconds).
4. CPU: events mapped per second on one core with the network removed
   (``benchmarks.cpu``), and the client's overhead per request against raw httpx on a
   loopback server (``benchmarks.loopback``).

Nothing here is imported by the packages; ``benchmarks.workloads`` builds the inputs.
"""

__all__: list[str] = []
