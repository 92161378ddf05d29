"""``ActiveCampaignEmulator``: one in-memory account, served to httpx as a transport."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .._client import ActiveCampaign, AsyncActiveCampaign
from .._clock import Clock
from .._config import normalize_api_url
from ._clock import SimulatedClock
from ._faults import FaultPlan
from ._handlers_import import apply_due_imports
from ._handlers_tracking import valid_domain
from ._limits import SlidingWindow
from ._records import EmulatedContact, TrackedEventRecord
from ._router import API_PREFIX, TRACKCMP_HOST, Router, parse_request
from ._state import AccountState, valid_email
from ._transport import AsyncEmulatorTransport, EmulatorTransport, Outcome, fault_outcome
from ._wire import EmuRequest

__all__ = ["ActiveCampaignEmulator", "RecordedRequest"]

_MASK = "***"
_SECRET_FORM_KEYS = ("key", "actid")


@dataclass(frozen=True)
class RecordedRequest:
    """A request the emulator received, faulted or not.

    ``form`` has trackcmp's ``key`` and ``actid`` masked, ``headers`` the Api-Token.
    ``status`` is None when the request ended in a transport error; ``fault`` names the
    injected fault (see ``FAULT_KINDS``), or ``"unknown_host"``, or is None.
    """

    method: str
    host: str
    path: str
    params: dict[str, str]
    json: Any
    form: dict[str, str]
    time: float
    status: int | None
    fault: str | None
    headers: dict[str, str] = field(default_factory=dict)


class ActiveCampaignEmulator:
    """A stateful in-memory ActiveCampaign account, for tests, demos and benchmarks.

    It serves the account host (``api_url``) and ``trackcmp.net`` with the API's response
    shapes and quirks, checks the Api-Token (a wrong one gets the 200 HTML login page),
    enforces ``rate_limit`` requests per second (None: no limit) on ``clock`` — a
    ``SimulatedClock`` unless given — and injects faults planned on ``faults``.
    ``latency`` is the simulated time each answer takes; ``seed`` fixes generated ids.
    ``import_delay`` is how long after it is accepted a bulk import is applied (0: at
    once; ``GET /import/info`` says ``active`` until then, ``completed`` after).

        emu = ActiveCampaignEmulator()
        with emu.client() as ac:
            ac.contacts.sync("jane@example.com", first_name="Jane")
        assert emu.contact("jane@example.com").first_name == "Jane"
    """

    def __init__(
        self,
        *,
        api_key: str = "test-api-key",
        actid: str = "1000000",
        event_key: str = "test-event-key",
        api_url: str = "https://emulated.api-us1.com",
        clock: Clock | None = None,
        rate_limit: float | None = 5.0,
        seed: int = 0,
        latency: float = 0.0,
        import_delay: float = 0.0,
    ) -> None:
        origin = normalize_api_url(api_url)
        self.api_url: str = str(origin).rstrip("/")
        self.api_key = api_key
        self.actid = actid
        self.event_key = event_key
        self.clock: Clock = clock if clock is not None else SimulatedClock()
        self.latency = latency
        self.faults: FaultPlan = FaultPlan()
        self._host = origin.host
        self._state = AccountState(
            base_url=self.api_url + API_PREFIX,
            now=self.clock.now,
            api_key=api_key,
            actid=actid,
            event_key=event_key,
            seed=seed,
        )
        window = SlidingWindow.per_second(rate_limit) if rate_limit is not None else None
        self._router = Router(self._state, window)
        self._requests: list[RecordedRequest] = []
        self._lock = threading.RLock()
        self.import_delay = import_delay

    def __repr__(self) -> str:
        return f"ActiveCampaignEmulator(api_url={self.api_url!r})"

    @property
    def import_delay(self) -> float:
        """Seconds (simulated) between accepting a bulk import and applying it; settable,
        for imports accepted from then on."""
        return self._state.import_delay

    @import_delay.setter
    def import_delay(self, seconds: float) -> None:
        if not seconds >= 0:
            raise ValueError(f"import_delay must be 0 or more seconds, got {seconds!r}")
        with self._lock:
            self._state.import_delay = float(seconds)

    def pending_imports(self) -> int:
        """Bulk imports accepted and not applied yet (at the clock's current time)."""
        with self._lock:
            apply_due_imports(self._state)
            return len(self._state.import_queue)

    # -- wiring -------------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """A transport for ``httpx.Client(transport=...)``. An ActiveCampaign client using
        it needs ``clock=emu.clock`` too: one on another clock is refused at its first
        request (``emu.client()`` does both)."""
        return EmulatorTransport(self._serve, self.clock)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """A transport for ``httpx.AsyncClient(transport=...)``; a client using it needs
        ``clock=emu.clock`` too (see ``transport``)."""
        return AsyncEmulatorTransport(self._serve, self.clock)

    def _client_options(self, http_client: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "api_url": self.api_url,
            "api_key": self.api_key,
            "actid": self.actid,
            "event_key": self.event_key,
            "http_client": http_client,
            "clock": self.clock,
            **options,
        }

    def client(self, **client_options: Any) -> ActiveCampaign:
        """An ``ActiveCampaign`` wired to this emulator and its clock; options override."""
        options = self._client_options(None, client_options)
        if options["http_client"] is None:
            options["http_client"] = httpx.Client(transport=self.transport())
            client = ActiveCampaign(**options)
            client._owns_http = True  # made here for the client: closing it closes this too
            return client
        return ActiveCampaign(**options)

    def async_client(self, **client_options: Any) -> AsyncActiveCampaign:
        """An ``AsyncActiveCampaign`` wired to this emulator and its clock; options override."""
        options = self._client_options(None, client_options)
        if options["http_client"] is None:
            options["http_client"] = httpx.AsyncClient(transport=self.async_transport())
            client = AsyncActiveCampaign(**options)
            client._owns_http = True  # made here for the client: closing it closes this too
            return client
        return AsyncActiveCampaign(**options)

    # -- serving ------------------------------------------------------------------

    def _serve(self, request: httpx.Request) -> Outcome:
        with self._lock:
            now = self.clock.now()
            host = request.url.host
            if host not in (self._host, TRACKCMP_HOST):
                message = f"the emulator serves {self._host} and {TRACKCMP_HOST}, not {host}"
                outcome = Outcome(error=(httpx.ConnectError, message))
                parsed = EmuRequest(request.method, host, request.url.path)
                self._record(parsed, request, now, outcome, "unknown_host")
                return outcome
            parsed = parse_request(request, self._host)
            apply_due_imports(self._state)  # what was due before this request arrived
            kind = self.faults.choose(parsed.method, host, parsed.path, now)
            if kind is None:
                outcome = Outcome(self._router.respond(parsed), delay=self.latency)
            else:
                if kind.endswith("_after_apply"):
                    self._router.respond(parsed)
                outcome = fault_outcome(kind, request, retry_after=self.faults.retry_after)
            self._record(parsed, request, now, outcome, kind)
            return outcome

    def _record(
        self,
        parsed: EmuRequest,
        request: httpx.Request,
        now: float,
        outcome: Outcome,
        fault: str | None,
    ) -> None:
        headers = {
            k.lower(): (_MASK if k.lower() == "api-token" else v)
            for k, v in request.headers.items()
        }
        form = {k: (_MASK if k in _SECRET_FORM_KEYS else v) for k, v in parsed.form.items()}
        self._requests.append(
            RecordedRequest(
                method=parsed.method,
                host=parsed.host,
                path=parsed.path,
                params=dict(parsed.params),
                json=parsed.json,
                form=form,
                time=now,
                status=outcome.status,
                fault=fault,
                headers=headers,
            )
        )

    # -- seeding ------------------------------------------------------------------

    def add_field(self, title: str, *, perstag: str | None = None, type: str = "text") -> str:
        """Create a custom field; returns its id. ``perstag`` defaults to TITLE_IN_CAPS."""
        with self._lock:
            return self._state.create_field(title, perstag, type).id

    def add_list(self, name: str) -> str:
        """Create a mailing list; returns its id."""
        with self._lock:
            return self._state.create_list(name).id

    def add_tag(self, name: str) -> str:
        """Create a contact tag; returns its id. Names are unique case-insensitively."""
        with self._lock:
            if self._state.tag_by_name(name) is not None:
                raise ValueError(f"a tag named {name!r} already exists")
            return self._state.create_tag(name.strip()).id

    def add_event_name(self, name: str) -> str:
        """Register an event name for event tracking; returns the name."""
        with self._lock:
            if name in self._state.event_names:
                raise ValueError(f"the event name {name!r} is already registered")
            self._state.event_names.append(name)
            return name

    def add_domain(self, domain: str) -> str:
        """Whitelist a domain for site tracking; returns its id."""
        with self._lock:
            name = domain.strip().lower()
            if not valid_domain(name):
                raise ValueError(f"not a domain name: {domain!r}")
            if self._state.domain_by_name(name) is not None:
                raise ValueError(f"{name} is already whitelisted")
            return self._state.add_domain(name).id

    def add_contact(
        self,
        email: str,
        *,
        first_name: str = "",
        last_name: str = "",
        phone: str = "",
        tags: Iterable[str] = (),
        field_values: Mapping[str, str] | None = None,
        lists: Mapping[str, str] | None = None,
    ) -> str:
        """Create a contact; returns its id. ``tags`` are names (created when missing),
        ``field_values`` map field id to value, ``lists`` list id to "1" or "2"."""
        with self._lock:
            state = self._state
            if not valid_email(email):
                raise ValueError(f"not a valid email address: {email!r}")
            if state.contact_by_email(email) is not None:
                raise ValueError(f"a contact with email {email!r} already exists")
            contact = state.create_contact(email.strip())
            state.update_contact(contact, first_name=first_name, last_name=last_name, phone=phone)
            for name in tags:
                tag = state.tag_by_name(name) or state.create_tag(name.strip())
                state.add_contact_tag(contact.id, tag.id)
            for field_id, value in (field_values or {}).items():
                if str(field_id) not in state.fields:
                    raise ValueError(f"no custom field with id {field_id!r}")
                state.set_field_value(contact.id, str(field_id), value)
            for list_id, status in (lists or {}).items():
                if str(list_id) not in state.lists or str(status) not in ("1", "2"):
                    raise ValueError(f"no list {list_id!r}, or status {status!r} not '1'/'2'")
                state.set_list_status(contact.id, str(list_id), str(status))
            return contact.id

    # -- inspection ---------------------------------------------------------------

    def contacts(self) -> list[EmulatedContact]:
        """Snapshots of every contact, in creation order (imports due applied first)."""
        with self._lock:
            apply_due_imports(self._state)
            return self._state.snapshots(self._state.contacts.values())

    def contact(self, email: str) -> EmulatedContact | None:
        """A snapshot of the contact with this email (case-insensitive), or None."""
        with self._lock:
            apply_due_imports(self._state)
            found = self._state.contact_by_email(email)
            return self._state.snapshots([found])[0] if found is not None else None

    def tags(self) -> dict[str, str]:
        """Tag id to tag name."""
        with self._lock:
            apply_due_imports(self._state)
            return {t.id: t.name for t in self._state.tags.values()}

    def fields(self) -> dict[str, str]:
        """Custom field id to title."""
        with self._lock:
            return {f.id: f.title for f in self._state.fields.values()}

    def lists(self) -> dict[str, str]:
        """List id to list name."""
        with self._lock:
            return {m.id: m.name for m in self._state.lists.values()}

    def event_names(self) -> list[str]:
        """Registered event names, in creation order."""
        with self._lock:
            return list(self._state.event_names)

    def domains(self) -> dict[str, str]:
        """Whitelisted domain id to domain."""
        with self._lock:
            return {d.id: d.domain for d in self._state.domains.values()}

    def import_callbacks(self) -> dict[str, dict[str, Any]]:
        """Batch id to the ``callback`` its bulk import asked for, as sent (the emulator
        applies an import at once and calls no URL: a test checks what was asked)."""
        with self._lock:
            return {
                batch.id: dict(batch.callback)
                for batch in self._state.batches.values()
                if batch.callback is not None
            }

    @property
    def tracked_events(self) -> list[TrackedEventRecord]:
        """Events trackcmp.net accepted, in arrival order."""
        with self._lock:
            return list(self._state.tracked_events)

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received, in arrival order, faulted and refused ones included."""
        with self._lock:
            return list(self._requests)

    def reset_requests(self) -> None:
        """Forget the recorded requests (state and faults stay)."""
        with self._lock:
            self._requests.clear()
