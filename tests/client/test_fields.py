"""fields: list, get — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import CustomField

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_list(api: Both) -> None:
    fields = await api.all(api.fields.list())
    assert [(f.id, f.title, f.perstag) for f in fields] == [
        ("2", "Another Test Title", "ANOTHER_TEST_TITLE"),
        ("1", "Title", "PERSONALIZEDTAG"),
    ]
    assert fields[1].type == "textarea"


async def test_get(api: Both) -> None:
    field = await api(api.fields.get, 1)
    assert isinstance(field, CustomField)
    assert (field.id, field.title, field.type, field.perstag) == ("1", "test", "text", "TEST")
