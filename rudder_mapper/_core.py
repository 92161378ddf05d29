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

from ._batch import BatchRun
from ._prepare import Prepared
from .actions import IdentifyPlan
from .bulk import BulkOutcome
from .catalog import Catalog
from .config import ClientOptions, DestinationConfig
from .imports import ImportWait, PendingImports, Step, settle
from .limits import DEFAULT_LIMITS, MappingLimits

__all__ = [
    "DEFAULT_BULK_THRESHOLD",
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_REFRESH_INTERVAL",
    "DestinationCore",
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


class DestinationCore(Generic[C, H]):
    """What both destinations hold: the client, the account's catalogs, batch settings, and
    the imports ActiveCampaign may still be processing.

    Settings: ``refresh_interval`` (seconds between catalog refreshes on a miss),
    ``max_concurrency`` (users run at once), ``bulk_threshold`` (contacts per batch from
    which identifies go through bulk import; 0 never), ``coalesce_identifies`` (merge a
    contact's identifies in a batch), ``limits`` (per-event caps), ``import_wait`` (how a
    later identify waits for an earlier import of its contact).
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
        )

    @staticmethod
    def _new_client(arguments: dict[str, Any], http_client: H | None, options: ClientOptions) -> C:
        raise NotImplementedError  # each destination makes its own kind of client

    def _batch(self, messages: Iterable[object]) -> BatchRun:
        return BatchRun(
            messages,
            bulk_threshold=self.bulk_threshold,
            coalesce=self.coalesce_identifies,
            limits=self.limits,
        )

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
