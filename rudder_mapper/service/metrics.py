"""``GET /metrics``: the service's totals in Prometheus' text format.

Counters live in PostgreSQL beside the outcomes they count (see ``Store.settle``), so the
ingest process reports what every worker did, and totals survive restarts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.metrics_core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from .admin import AccountStatus, Admin
from .store import LATENCY_BUCKETS

if TYPE_CHECKING:
    from .store import Store

__all__ = ["render_metrics"]

# Counter name in the database -> (metric name, help).
_COUNTERS = {
    "accepted": ("rudder_ac_events_accepted", "Events stored by the ingest endpoint."),
    "duplicates": ("rudder_ac_events_duplicate", "Events dropped as repeated messageIds."),
    "delivered": ("rudder_ac_events_delivered", "Events delivered to ActiveCampaign."),
    "dead_lettered": ("rudder_ac_events_dead_lettered", "Events moved to dead letters."),
    "retried": ("rudder_ac_events_retried", "Delivery attempts that will be retried."),
    "rate_limited": ("rudder_ac_rate_limited_responses", "429 answers received."),
    "requests": ("rudder_ac_api_requests", "HTTP requests sent (API and event tracking)."),
}


class _Snapshot(Collector):
    """Metric families built from one read of the database."""

    def __init__(self, counters: dict[tuple[str, str], float], accounts: list[AccountStatus]):
        self.counters = counters
        self.accounts = accounts

    def collect(self) -> Iterator[Metric]:
        for key, (name, documentation) in _COUNTERS.items():
            family = CounterMetricFamily(name, documentation, labels=["account"])
            for (account, counter), value in sorted(self.counters.items()):
                if counter == key:
                    family.add_metric([account], value)
            yield family
        backlog = GaugeMetricFamily(
            "rudder_ac_backlog", "Events waiting for delivery.", labels=["account"]
        )
        dead = GaugeMetricFamily("rudder_ac_dead_letters", "Dead letters kept.", labels=["account"])
        paused = GaugeMetricFamily(
            "rudder_ac_account_paused",
            "1 while deliveries are paused on a configuration fault (see the reason label).",
            labels=["account", "reason"],
        )
        for status in self.accounts:
            backlog.add_metric([status.account], status.backlog)
            dead.add_metric([status.account], status.dead_letters)
            paused.add_metric(
                [status.account, status.paused_reason or ""],
                1.0 if status.paused_reason else 0.0,
            )
        yield from (backlog, dead, paused)
        latency = HistogramMetricFamily(
            "rudder_ac_delivery_latency_seconds",
            "Seconds from arrival to delivery.",
            labels=["account"],
        )
        for account in sorted({a for a, _ in self.counters}):
            count = self.counters.get((account, "latency_count"), 0.0)
            if not count:
                continue
            buckets = [
                (f"{bound:g}", self.counters.get((account, f"latency_le:{bound:g}"), 0.0))
                for bound in LATENCY_BUCKETS
            ]
            buckets.append(("+Inf", count))
            latency.add_metric(
                [account], buckets, sum_value=self.counters.get((account, "latency_sum"), 0.0)
            )
        yield latency


async def render_metrics(store: Store) -> tuple[bytes, str]:
    """The exposition text and its content type."""
    admin = Admin(store.pool)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Snapshot(await admin.counters(), await admin.accounts()))
    return generate_latest(registry), CONTENT_TYPE_LATEST
