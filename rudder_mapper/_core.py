"""What both destinations share: settings, the account's catalogs, the batch's bookkeeping
and the imports ActiveCampaign may still be processing. The I/O (threads or tasks) is in
``rudder_mapper.destination``."""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterable, Mapping
from typing import Any, Generic, TypeVar

import httpx
from typing_extensions import Self, Unpack

from activecampaign_client import ActiveCampaign, AsyncActiveCampaign

from ._batch import BatchRun, OnResult, OnStart
from ._prepare import Prepared
from .actions import IdentifyPlan
from .batching import Unit
from .breaker import DEFAULT_BREAKER_COOLDOWN, ConfigBreaker
from .bulk import BulkOutcome
from .catalog import Catalog, CatalogName
from .config import ClientOptions, DestinationConfig
from .imports import ImportWait, PendingImports, Step, settle
from .limits import DEFAULT_LIMITS, MappingLimits
from .results import DeliveryResult, config_fault_scope

__all__ = [
    "DEFAULT_BULK_THRESHOLD",
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_REFRESH_INTERVAL",
    "DestinationCore",
    "not_config_faults",
    "refused_alike",
    "refuses_all",
]

DEFAULT_MAX_CONCURRENCY = 8
DEFAULT_BULK_THRESHOLD = 10
DEFAULT_REFRESH_INTERVAL = 60.0

C = TypeVar("C", ActiveCampaign, AsyncActiveCampaign)
H = TypeVar("H", httpx.Client, httpx.AsyncClient)


def _check_int(name: str, value: object, minimum: int, meaning: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be {meaning}")
    if value < minimum:
        raise ValueError(f"{name} must be {meaning}")


def refuses_all(exc: BaseException) -> bool:
    """Whether a failure refuses every call of the account (a refused key, a 402): the
    catalogs not loaded yet would fail the same way, so they are not tried."""
    return config_fault_scope(exc) == "account"


def refused_alike(
    needs: Iterable[CatalogName], errors: dict[CatalogName, Exception]
) -> dict[CatalogName, Exception]:
    """``errors``, with every catalog of ``needs`` left untried after a failure that
    refuses all of them given that failure too."""
    refusal = next((exc for exc in errors.values() if refuses_all(exc)), None)
    if refusal is not None:
        for name in needs:
            errors.setdefault(name, refusal)
    return errors


def not_config_faults(errors: Mapping[CatalogName, Exception]) -> dict[CatalogName, Exception]:
    """The failures that are the events' own to report (configuration faults are the
    breaker's: it answers those events)."""
    return {name: exc for name, exc in errors.items() if config_fault_scope(exc) is None}


class DestinationCore(Generic[C, H]):
    """What both destinations hold: the client, the account's catalogs, batch settings, and
    the imports ActiveCampaign may still be processing.

    Settings: ``refresh_interval`` (seconds between catalog refreshes on a miss),
    ``max_concurrency`` (users run at once), ``bulk_threshold`` (contacts per batch from
    which identifies go through bulk import; 0 never), ``coalesce_identifies`` (merge a
    contact's identifies in a batch), ``limits`` (per-event caps), ``import_wait`` (how a
    later identify waits for an earlier import of its contact), ``breaker_cooldown``
    (seconds the configuration circuit breaker stays open, see ``rudder_mapper.breaker``),
    ``hold_on_failure`` (hold back a user's later events in a batch once one of theirs
    will be sent again, for callers that retry later and must keep each user's order).

    Two gates stand before each event's first request: ``halt()`` (stop starting events,
    e.g. on a shutdown signal) and the circuit breaker (``destination.breaker``). An event
    stopped by either comes back ``attempted=False``.
    """

    def __init__(
        self,
        client: C,
        *,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
        coalesce_identifies: bool = True,
        limits: MappingLimits = DEFAULT_LIMITS,
        import_wait: ImportWait | None = None,
        owns_client: bool = False,
        breaker_cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        hold_on_failure: bool = False,
    ) -> None:
        _check_int("max_concurrency", max_concurrency, 1, "a positive integer")
        _check_int("bulk_threshold", bulk_threshold, 0, "0 (never) or a positive integer")
        self.client: C = client
        self.catalog: Catalog = Catalog(
            client, now=client.clock.now, refresh_interval=refresh_interval
        )
        self.max_concurrency = max_concurrency
        self.bulk_threshold = bulk_threshold
        self.coalesce_identifies: bool = bool(coalesce_identifies)
        self.limits: MappingLimits = limits
        self.import_wait: ImportWait = import_wait if import_wait is not None else ImportWait()
        self.imports: PendingImports = PendingImports()
        # close() closes the client only when from_config made it; yours stays yours.
        self.owns_client = owns_client
        # Threads share one catalog load (the async destination uses an asyncio.Lock).
        self._catalog_lock = threading.Lock()
        self.hold_on_failure: bool = bool(hold_on_failure)
        self.breaker: ConfigBreaker = ConfigBreaker(client.clock.now, cooldown=breaker_cooldown)
        """Opens on a configuration fault; see ``rudder_mapper.breaker``."""
        self._halted = threading.Event()

    def halt(self) -> None:
        """Start no more events: those not yet started come back ``attempted=False``
        (503, retryable); events already sending finish. For a graceful shutdown."""
        self._halted.set()

    @property
    def halted(self) -> bool:
        """Whether ``halt()`` was called."""
        return self._halted.is_set()

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        http_client: H | None = None,
        *,
        refresh_interval: float = DEFAULT_REFRESH_INTERVAL,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        bulk_threshold: int = DEFAULT_BULK_THRESHOLD,
        coalesce_identifies: bool = True,
        limits: MappingLimits = DEFAULT_LIMITS,
        import_wait: ImportWait | None = None,
        breaker_cooldown: float = DEFAULT_BREAKER_COOLDOWN,
        hold_on_failure: bool = False,
        **client_options: Unpack[ClientOptions],
    ) -> Self:
        """Build from RudderStack's config keys: apiUrl, apiKey, actid, eventKey.

        ``client_options`` go to the client (``ActiveCampaign`` or ``AsyncActiveCampaign``:
        timeout, max_retries, ...), which the destination then owns and closes.
        """
        arguments = DestinationConfig.from_mapping(config).client_arguments()
        return cls(
            cls._new_client(arguments, http_client, client_options),
            refresh_interval=refresh_interval,
            max_concurrency=max_concurrency,
            bulk_threshold=bulk_threshold,
            coalesce_identifies=coalesce_identifies,
            limits=limits,
            import_wait=import_wait,
            owns_client=True,
            breaker_cooldown=breaker_cooldown,
            hold_on_failure=hold_on_failure,
        )

    @staticmethod
    def _new_client(arguments: dict[str, Any], http_client: H | None, options: ClientOptions) -> C:
        raise NotImplementedError  # each destination makes its own kind of client

    def _batch(
        self, messages: Iterable[object], on_start: OnStart | None, on_result: OnResult | None
    ) -> BatchRun:
        return BatchRun(
            messages,
            bulk_threshold=self.bulk_threshold,
            coalesce=self.coalesce_identifies,
            limits=self.limits,
            on_start=on_start,
            on_result=on_result,
            hold_on_failure=self.hold_on_failure,
        )

    def _gate(self, prepared: Prepared) -> DeliveryResult | None:
        """The result of an event that must not be sent now (halted, or the breaker open
        for what it needs), or None to go ahead."""
        if self._halted.is_set():
            return DeliveryResult.halted()
        fault, _ = self.breaker.admit(prepared.scopes)
        return fault

    def _begin(self, batch: BatchRun, unit: Unit) -> bool:
        """The gates before a unit's first request: True to send it (its events were
        reported started); False when its events got their results without a request."""
        if batch.held(unit):
            return False
        blocked = self._gate(batch.prepared(unit[0]))
        if blocked is None:
            batch.start(unit)
            if not self._halted.is_set():  # the caller's start hook may halt us
                return True
            blocked = DeliveryResult.halted()
        batch.unattempted([unit], blocked)
        return False

    def _end(self, batch: BatchRun, results: Mapping[int, DeliveryResult]) -> None:
        """Record the results of units that were sent; a configuration fault opens the
        breaker, another outcome of a probe closes it."""
        for index, result in results.items():
            self.breaker.record(result, batch.prepared(index).scopes)
        batch.settle(results)

    def _single(self, prepared: Prepared, result: DeliveryResult) -> DeliveryResult:
        """``_end`` for ``process``: one event outside a batch."""
        self.breaker.record(result, prepared.scopes)
        return result

    def _open_units(self, batch: BatchRun) -> list[Unit]:
        """The one-by-one units whose names are worth creating up front: not settled, and
        not needing what the breaker has found broken."""
        units = batch.live(u for group in batch.plan.groups for u in group)
        return [
            unit
            for unit in units
            if not any(self.breaker.is_open(s) for s in batch.prepared(unit[0]).scopes)
        ]

    def _missing(self, needs: Iterable[CatalogName]) -> bool:
        """Whether a catalog of ``needs`` was never loaded (a probe after a batch that
        loaded nothing up front)."""
        return any(not self.catalog.is_loaded(name) for name in needs)

    def _may_load(self) -> bool:
        """Whether a batch loads catalogs and creates names up front: not once halted, nor
        while the account's breaker is open (a probe event loads what it needs itself)."""
        return not self._halted.is_set() and not self.breaker.is_open("account")

    def _noted(self, errors: Mapping[Any, BaseException]) -> None:
        """Up-front failures (catalog loads, creating names) that are configuration faults
        open the breaker before any event spends a request to learn it again."""
        for exc in errors.values():
            if config_fault_scope(exc) is not None:
                self.breaker.record(DeliveryResult.from_exception(exc))

    def _waits_for_import(self, prepared: Prepared) -> str | None:
        """The email of a single identify whose contact is in a pending import."""
        plan = prepared.plan
        if isinstance(plan, IdentifyPlan) and self.imports.waiting_on([plan.email]):
            return plan.email
        return None

    def _settling(self, emails: Iterable[str]) -> Generator[Step, Any, set[str]]:
        return settle(self.client, self.imports, emails, self.import_wait)

    def _remember(self, outcome: BulkOutcome) -> None:
        for batch_id, emails in outcome.imports:
            self.imports.record(batch_id, emails)
