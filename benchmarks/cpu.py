"""CPU cost of mapping: events per second on one core, with the network taken away.

Three nested measurements over the same mixed stream, each single-threaded, best of
``repeat`` runs (wall clock, ``time.perf_counter``):

``plan``
    ``prepare``: a raw message is read, validated and turned into a plan (what to call).
``map``
    ``plan`` plus running every event's operation — catalog lookups, request arguments
    validated and encoded as ``ApiRequest``s, bulk-import chunks assembled, answers parsed
    into pydantic models — exactly as ``process_batch`` schedules them, but with each
    request answered at once with canned decoded JSON (``CannedJson``). No ``httpx``
    object is built: this is the mapper and the client's sans-I/O layer.
``end_to_end``
    ``ActiveCampaignDestination.process_batch`` (sync, ``max_concurrency=1``, no rate
    limit) on an ``httpx.MockTransport`` that answers canned bodies (``CannedTransport``):
    ``map`` plus building each ``httpx.Request``, httpx's client machinery, and decoding
    the ``httpx.Response``. The remaining difference to a real deployment is the network.

All three measure the steady state of a long-running pipeline: catalogs loaded, every
event name and domain already known (an untimed first pass sees to that).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from activecampaign_client import ActiveCampaign
from rudder_mapper import ActiveCampaignDestination
from rudder_mapper._batch import BatchRun
from rudder_mapper._prepare import prepare
from rudder_mapper.bulk import bulk_import_operation
from rudder_mapper.catalog import Catalog
from rudder_mapper.destination import DEFAULT_BULK_THRESHOLD
from rudder_mapper.limits import DEFAULT_LIMITS

from .canned import CannedJson, CannedTransport
from .workloads import BATCH_SIZE, seeded_emulator

__all__ = ["CpuStats", "measure_cpu"]


@dataclass(frozen=True)
class CpuStats:
    """Events per second for each measurement (see the module docstring)."""

    events: int
    plan_per_second: float
    map_per_second: float
    end_to_end_per_second: float
    requests_per_event: float

    def as_dict(self) -> dict[str, Any]:
        """Rounded, for the JSON line."""
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in asdict(self).items()}


def _best(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def _batches(events: Sequence[Any]) -> list[Sequence[Any]]:
    return [events[i : i + BATCH_SIZE] for i in range(0, len(events), BATCH_SIZE)]


def _plan_only(events: Sequence[Any]) -> None:
    for message in events:
        prepare(message)


class _Mapper:
    """``process_batch``'s work, single-threaded, with instant JSON answers."""

    def __init__(self) -> None:
        self.answers = CannedJson(seeded_emulator(latency=0.0, rate_limit=None, import_delay=0.0))
        self.catalog = Catalog(self.answers.client, now=time.monotonic)

    def run(self, events: Sequence[Any]) -> None:
        answers, catalog = self.answers, self.catalog
        for messages in _batches(events):
            batch = BatchRun(
                messages,
                bulk_threshold=DEFAULT_BULK_THRESHOLD,
                coalesce=True,
                limits=DEFAULT_LIMITS,
            )
            for name in sorted(batch.needs()):
                if not catalog.is_loaded(name):
                    answers.drive(catalog.load(name))
            if batch.plan.bulk:
                answers.drive(bulk_import_operation(catalog, batch.items, batch.plan.bulk))
            for group in batch.plan.groups:
                for unit in group:
                    answers.drive(batch.operation(unit, catalog))


class _EndToEnd:
    """``ActiveCampaignDestination`` on one thread, over an instant httpx transport."""

    def __init__(self) -> None:
        emulator = seeded_emulator(latency=0.0, rate_limit=None, import_delay=0.0)
        self.http = httpx.Client(transport=CannedTransport(emulator))
        self.client = ActiveCampaign(
            emulator.api_url,
            emulator.api_key,
            actid=emulator.actid,
            event_key=emulator.event_key,
            http_client=self.http,
            requests_per_second=None,
        )
        self.destination = ActiveCampaignDestination(self.client, max_concurrency=1)

    def run(self, events: Sequence[Any]) -> None:
        for batch in _batches(events):
            self.destination.process_batch(batch)


def measure_cpu(events: Sequence[Any], *, repeat: int = 3) -> CpuStats:
    """Measure ``events`` (a mixed stream) three ways, best of ``repeat`` each.

    Steady state, as in a long-running pipeline: one untimed pass first fills the
    catalogs (tags, event names, domains) and the canned answers; timed passes follow.
    """
    count = len(events)
    mapper, end_to_end = _Mapper(), _EndToEnd()
    mapper.run(events)
    end_to_end.run(events)
    sent = end_to_end.client.requests_sent
    end_to_end.run(events)
    requests_per_event = (end_to_end.client.requests_sent - sent) / count if count else 0.0
    stats = CpuStats(
        events=count,
        plan_per_second=count / _best(lambda: _plan_only(events), repeat),
        map_per_second=count / _best(lambda: mapper.run(events), repeat),
        end_to_end_per_second=count / _best(lambda: end_to_end.run(events), repeat),
        requests_per_event=requests_per_event,
    )
    mapper.answers.close()
    end_to_end.http.close()
    return stats
