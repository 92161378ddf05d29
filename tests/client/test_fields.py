"""fields: list, get — replayed from cassettes."""

from __future__ import annotations

import pytest

from activecampaign_client import (
    CustomField,
    FieldOption,
    FieldRel,
    UnprocessableEntityError,
)

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


async def test_create(api: Both) -> None:
    # The reference documents the answer as a listing of two fields; the created one is
    # the field with the requested title.
    field = await api(api.fields.create, "Another Test Title", type="text")
    assert isinstance(field, CustomField)
    assert (field.id, field.title, field.perstag) == (
        "2",
        "Another Test Title",
        "ANOTHER_TEST_TITLE",
    )


async def test_update(api: Both) -> None:
    field = await api(
        api.fields.update,
        3,
        title="Title",
        type="textarea",
        description="Field  description",
        default="Defaut Value",
        visible=True,
        ordernum=3,
    )
    assert (field.id, field.title, field.type, field.defval) == (
        "3",
        "Title",
        "textarea",
        "Defaut Value",
    )


async def test_delete(api: Both) -> None:
    assert await api(api.fields.delete, 99) is None


async def test_add_options(api: Both) -> None:
    options = await api(
        api.fields.add_options,
        62,
        [
            {"value": "X", "label": "Option X"},
            {"value": "Y", "label": "Option Y"},
            {"value": "Z", "label": "Option Z"},
        ],
    )
    assert all(isinstance(option, FieldOption) for option in options)
    assert [(o.id, o.field, o.value, o.label, o.orderid) for o in options] == [
        ("1", "62", "X", "Option X", 1),
        ("2", "62", "Y", "Option Y", 2),
        ("3", "62", "Z", "Option Z", 3),
    ]
    assert [o.isdefault for o in options] == [False, False, False]  # sent as 0


async def test_add_to_list(api: Both) -> None:
    rel = await api(api.fields.add_to_list, 8, 2)
    assert isinstance(rel, FieldRel)
    assert (rel.id, rel.field, rel.relid) == ("19", "8", "2")  # integers in the answer


async def test_remove_from_list(api: Both) -> None:
    assert await api(api.fields.remove_from_list, 19) is None


async def test_duplicate_title_is_unprocessable(api: Both) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        await api(api.fields.create, "Test Title")
    assert caught.value.errors[0].code == "duplicate"
    assert "There is already a field named 'Test Title'" in caught.value.errors[0].detail
