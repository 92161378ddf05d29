"""Bulk imports in a batch keep to ActiveCampaign's payload cap (under 400,000 bytes), not
only to its 250 contacts: large identifies are split over more imports, and one too large
for any import fails alone."""

from __future__ import annotations

from typing import Any

from .conftest import EmulatorHarness


def _identify(n: int, size: int) -> dict[str, Any]:
    # A long text custom field: nothing else in an identify can grow this large.
    return {
        "type": "identify",
        "userId": f"u{n}",
        "traits": {"email": f"user{n}@example.com", "fieldInfo": {"Interest": "x" * size}},
    }


async def test_large_identifies_are_split_by_size(on_emulator: EmulatorHarness) -> None:
    harness, emulator = await on_emulator()
    messages = [_identify(n, 60_000) for n in range(12)]  # ~720 KB in all
    results = await harness.process_batch(messages)
    assert all(r.delivered for r in results), [r.error for r in results if not r.delivered]
    imports = [r for r in emulator.requests if r.path.endswith("import/bulk_import")]
    assert len(imports) >= 2
    assert sum(len(r.json["contacts"]) for r in imports) == 12


async def test_an_identify_too_large_for_any_import_fails_alone(
    on_emulator: EmulatorHarness,
) -> None:
    harness, emulator = await on_emulator()
    messages = [_identify(n, 100) for n in range(11)] + [_identify(99, 450_000)]
    results = await harness.process_batch(messages)
    assert all(r.delivered for r in results[:11])
    too_large = results[11]
    assert (too_large.status_code, too_large.retryable) == (400, False)
    assert too_large.error is not None and "400000" in too_large.error
    imported = [
        c["email"]
        for r in emulator.requests
        if r.path.endswith("import/bulk_import")
        for c in r.json["contacts"]
    ]
    assert "user99@example.com" not in imported and len(imported) == 11
