"""The demo: sample events through the real pipeline into the in-process emulator.

The emulator runs on a simulated clock and enforces ActiveCampaign's 5 requests/second,
so the demo finishes at once yet reports how long the run would take on a real account.
"""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from activecampaign_client.testing import ActiveCampaignEmulator, SimulatedClock

from .destination import AsyncActiveCampaignDestination
from .pipeline import DeadLetterWriter, Summary, run_stream
from .report import render_problems, render_summary
from .samples import DEMO_FIELDS, DEMO_LISTS, SAMPLE_FILE

__all__ = ["demo_emulator", "render_state", "run_demo", "seed_demo_account"]


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


def run_demo(
    console: Console, *, events: Path | None, dead_letter_path: Path | None, show: int
) -> int:
    """Run the demo; 0 when every well-formed event was delivered."""
    emulator = demo_emulator()
    destination = AsyncActiveCampaignDestination(emulator.async_client())
    source = events or SAMPLE_FILE
    with ExitStack() as stack:
        stream = stack.enter_context(source.open(encoding="utf-8"))
        out = None
        if dead_letter_path is not None:
            out = stack.enter_context(dead_letter_path.open("w", encoding="utf-8"))
        summary: Summary = asyncio.run(
            run_stream(destination, stream, dead_letter=DeadLetterWriter(out))
        )
    console.print(Text(f"Replayed {source.name} into the ActiveCampaign emulator", style="bold"))
    render_state(console, emulator, show=show)
    render_problems(console, summary)
    render_summary(console, summary, simulated=True)
    rate_limited = sum(1 for r in emulator.requests if r.status == 429)
    console.print(f"429 answers from the emulator's rate limit: {rate_limited}")
    # Bad sample lines are expected to be rejected; only retryable failures fail the demo.
    return 1 if summary.failed_retryable else 0
