"""field_values: create, update, list — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import FieldValue, NotFoundError

from ._support import Both

pytestmark = pytest.mark.vcr


async def test_create(api: Both) -> None:
    # The create answer sends contact, field and owner as integers; the model makes them strings.
    value = await api(api.field_values.create, 2, 3, "Blue")
    assert isinstance(value, FieldValue)
    assert (value.id, value.contact, value.field, value.owner) == ("15", "2", "3", "2")
    assert value.value == "Blue"


async def test_update(api: Both) -> None:
    value = await api(api.field_values.update, 15, contact_id=4, field_id=24, value="Blue")
    assert (value.id, value.contact, value.field, value.value) == ("15", "4", "24", "Blue")


async def test_list(api: Both) -> None:
    values = await api.all(api.field_values.list("5"))
    assert [v.field for v in values] == ["1", "2", "3", "4", "5", "7"]
    assert {v.contact for v in values} == {"5"}
    assert values[4].value == "2021-05-02"


async def test_get(api: Both) -> None:
    # The reference's example answers a value without field or value: both are None here.
    value = await api(api.field_values.get, 2)
    assert isinstance(value, FieldValue)
    assert (value.id, value.contact, value.field, value.value) == ("2", "0", None, None)


async def test_delete(api: Both) -> None:
    assert await api(api.field_values.delete, 2) is None
    assert api.requests_sent == 1


async def test_get_missing_is_not_found(api: Both) -> None:
    # Documented as a 403 whose message says there is no such value.
    with pytest.raises(NotFoundError, match="No Result found for FieldValue with id 10"):
        await api(api.field_values.get, 10)
