"""The demo: sample events through the real pipeline into the in-process emulator.

The emulator runs on a simulated clock and enforces ActiveCampaign's 5 requests/second,
so the demo finishes at once yet reports how long the run would take on a real account.
``replay_demo`` runs it; the ``demo`` command prints the result (``render_state``: what the
account now holds).
"""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock

from .destination import AsyncActiveCampaignDestination
from .results import DeliveryResult
from .run import (
    DeadLetterFile,
    DeadLetterSink,
    DeadLetterWriter,
    DeliveryRun,
    Line,
    LineReader,
    RecordingError,
    Summary,
)
from .samples import BAD_LINES, DEMO_FIELDS, DEMO_LISTS, SAMPLE_FILE, demo_events

__all__ = [
    "DemoRun",
    "demo_emulator",
    "render_state",
    "replay_demo",
    "sample_bad_lines",
    "seed_demo_account",
]


def seed_demo_account(emulator: ActiveCampaignEmulator) -> ActiveCampaignEmulator:
    """Give ``emulator`` the custom fields, lists and tag the sample events use."""
    for title, perstag, kind in DEMO_FIELDS:
        emulator.add_field(title, perstag=perstag, type=kind)
    for name in DEMO_LISTS:
        emulator.add_list(name)
    emulator.add_tag("Returning User")
    return emulator


def demo_emulator() -> ActiveCampaignEmulator:
    """An emulated account on a simulated clock with what the samples use."""
    return seed_demo_account(ActiveCampaignEmulator(clock=SimulatedClock()))


def render_state(console: Console, emulator: ActiveCampaignEmulator, *, show: int) -> None:
    """What the account now holds: contacts, tags, fields, lists, events, domains."""
    field_titles = emulator.fields()
    list_names = emulator.lists()
    contacts = emulator.contacts()
    table = Table(title=f"Contacts ({len(contacts)})", title_justify="left")
    table.add_column("email", no_wrap=True)
    table.add_column("name", no_wrap=True)
    for column in ("tags", "custom fields", "lists"):
        table.add_column(column, overflow="fold")
    for contact in contacts[:show]:
        fields = ", ".join(
            f"{field_titles.get(k, k)}={v}" for k, v in sorted(contact.field_values.items())
        )
        lists = ", ".join(
            f"{list_names.get(k, k)}:{'sub' if s == '1' else 'unsub'}"
            for k, s in sorted(contact.lists.items())
        )
        cells = (
            contact.email,
            f"{contact.first_name} {contact.last_name}".strip(),
            ", ".join(sorted(contact.tags)),
            fields,
            lists,
        )
        table.add_row(*(Text(cell) for cell in cells))  # account data, never markup
    if len(contacts) > show:
        table.caption = f"... and {len(contacts) - show} more"
    console.print(table)

    catalog = Table(title="Account catalog", title_justify="left")
    catalog.add_column("kind", style="bold")
    catalog.add_column("names", overflow="fold")
    for kind, names in (
        ("tags", sorted(emulator.tags().values())),
        ("custom fields", list(field_titles.values())),
        ("lists", list(list_names.values())),
        ("event names", sorted(emulator.event_names())),
        ("whitelisted domains", sorted(emulator.domains().values())),
    ):
        catalog.add_row(kind, Text(", ".join(names)))
    console.print(catalog)

    counts: dict[str, int] = {}
    for event in emulator.tracked_events:
        counts[event.event] = counts.get(event.event, 0) + 1
    tracked = Table(title=f"Tracked events ({len(emulator.tracked_events)})", title_justify="left")
    tracked.add_column("event")
    tracked.add_column("count", justify="right")
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        tracked.add_row(Text(name), str(count))
    console.print(tracked)


@dataclass
class DemoRun:
    """A replay into the emulator: the account it filled, the run's summary, and which
    lines were not delivered."""

    emulator: ActiveCampaignEmulator
    source: Path
    summary: Summary
    failure: RecordingError | None
    """Why dead letters could not be written, if they could not (the run stopped)."""
    undelivered: set[int] = field(default_factory=set)
    expected: frozenset[int] = frozenset()
    """Lines rejected on purpose: the bundled sample's broken lines (none for a given
    file)."""

    @property
    def unexpected(self) -> set[int]:
        """Undelivered lines that were meant to be delivered."""
        return self.undelivered - self.expected

    @property
    def rate_limited(self) -> int:
        """429 answers of the emulator's rate limit."""
        return sum(1 for r in self.emulator.requests if r.status == 429)


def sample_bad_lines() -> frozenset[int]:
    """The line numbers of the bundled sample's deliberately broken lines."""
    return frozenset(n for n, text in enumerate(demo_events(), start=1) if text in BAD_LINES)


def replay_demo(events: Path | None, *, dead_letter_path: Path | None) -> DemoRun:
    """Replay ``events`` (default: the bundled sample) into a fresh demo account, as
    ``send`` would: lines read strictly, undelivered ones to ``dead_letter_path`` (durable,
    removed again when empty). OSError when a file cannot be opened."""
    emulator = demo_emulator()
    destination = AsyncActiveCampaignDestination(emulator.async_client())
    source = events or SAMPLE_FILE
    result = DemoRun(
        emulator,
        source,
        Summary(),
        None,
        expected=sample_bad_lines() if events is None else frozenset(),
    )

    def outcome(line: Line, delivery: DeliveryResult | None) -> None:
        if delivery is not None and not delivery.delivered:
            result.undelivered.add(line.line)

    with ExitStack() as stack:
        stream = stack.enter_context(source.open("rb"))
        letters: DeadLetterSink = DeadLetterWriter(None)
        if dead_letter_path is not None:
            letters = DeadLetterFile.create(str(dead_letter_path), source=str(source))
            stack.callback(letters.close)
        run = DeliveryRun(
            destination,
            LineReader(stream),
            dead_letters=letters,
            stop_on_config_fault=False,
            on_outcome=outcome,
        )
        result.summary = asyncio.run(run.run())
        result.failure = run.failure
        if isinstance(letters, DeadLetterFile):
            letters.remove_if_empty()
    return result
