"""bulk_import: import_contacts, status, overview — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import (
    BulkImportCallback,
    BulkImportContact,
    BulkImportInfo,
    BulkImportResult,
)

from ._support import Both

pytestmark = pytest.mark.vcr

BATCH_ID = "0641fbdd-f62f-4c2c-ba02-3a83d5d11ac9"


async def test_import_contacts(api: Both) -> None:
    contact = BulkImportContact(
        email="johndoe@example.com",
        first_name="John",
        last_name="Doe",
        tags=["vip"],
        fields=[{"id": 1, "value": "Blue"}],  # type: ignore[list-item]
        subscribe=[{"listid": 2}],  # type: ignore[list-item]
    )
    result = await api(api.bulk_import.import_contacts, [contact])
    assert isinstance(result, BulkImportResult)
    assert (result.success, result.queued_contacts, result.batch_id) == (1, 1, BATCH_ID)
    assert result.message == "Contact import queued"


async def test_status(api: Both) -> None:
    info = await api(api.bulk_import.status, BATCH_ID)
    assert isinstance(info, BulkImportInfo)
    assert info.status == "completed"
    assert info.success == ["123", "124", "125", "126"]
    assert info.failure == ["invalid.email@invalidDomain", "invalid'character@example.com"]


async def test_overview(api: Both) -> None:
    overview = await api(api.bulk_import.overview)
    # Counts arrive as strings ("333") and are read as integers.
    assert [(d.for_date, d.batches, d.contacts) for d in overview.outstanding] == [
        ("2021-06-01", 333, 83250)
    ]
    assert [d.batches for d in overview.recently_completed] == [17, 50]


async def test_import_contacts_with_callback(api: Both) -> None:
    # The cassette's request body holds the documented callback object.
    callback = BulkImportCallback(url="https://example.com/imports/done", params={"run": "7"})
    result = await api(
        api.bulk_import.import_contacts,
        [{"email": "someone@somewhere.com", "first_name": "Jane"}],
        callback=callback,
    )
    assert isinstance(result, BulkImportResult)
    assert result.batch_id == "0641fbdd-f62f-4c2c-ba02-3a83d5d11ac9"
