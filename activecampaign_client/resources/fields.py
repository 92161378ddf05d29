"""Custom fields (with their options and lists) and their values per contact."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

from typing_extensions import Unpack

from .._constants import MAX_PAGE_SIZE
from .._exceptions import APIResponseValidationError, InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._options import RequestOptions
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap, validate_input
from ..models.catalog import (
    CustomField,
    CustomFieldInput,
    FieldOption,
    FieldOptionInput,
    FieldRel,
    FieldType,
)
from ..models.contacts import FieldValue

__all__ = ["FieldValues", "Fields", "OptionArg"]


def _field_input(
    title: str | None,
    type: str | None,
    description: str | None,
    perstag: str | None,
    default: str | None,
    visible: bool | None,
    ordernum: int | None,
) -> CustomFieldInput:
    """The arguments of ``fields.create`` / ``update``, by the API's names, validated."""
    given = {
        "title": title,
        "type": type,
        "descript": description,
        "perstag": perstag,
        "defval": default,
        "visible": visible,
        "ordernum": ordernum,
    }
    return validate_input(CustomFieldInput, {k: v for k, v in given.items() if v is not None})


def _created_field(data: Any, title: str) -> CustomField:
    """The field a ``POST /fields`` created. The answer may be ``{"field": {...}}``, as
    ``PUT`` answers, or — as the reference documents it — a listing
    (``{"fields": [...], "meta": ...}``): then the field with the requested title, else
    the newest (highest id)."""
    single = unwrap(data, "field", what="create field")
    if single is not None:
        return parse_response(CustomField, single, what="create field")
    listed = parse_response(list[CustomField], data.get("fields"), what="create field 'fields'")
    candidates = [f for f in listed if f.title.strip().casefold() == title.casefold()] or listed
    if not candidates:
        raise APIResponseValidationError("unexpected answer for create field: no field", body=data)
    return max(candidates, key=lambda f: int(f.id) if f.id.isdigit() else -1)


OptionArg = str | FieldOptionInput | Mapping[str, Any]
"""A field option: its value, or a ``FieldOptionInput`` (or a mapping of its keys)."""


def _option_entries(field_id: str, options: Sequence[OptionArg]) -> list[dict[str, Any]]:
    if isinstance(options, (str, bytes, Mapping)) or not isinstance(options, Sequence):
        raise InvalidInputError("options", "must be a list of values or of FieldOptionInput")
    if not options:
        raise InvalidInputError("options", "must hold at least one option")
    entries = []
    for index, option in enumerate(options):
        if not isinstance(option, FieldOptionInput):
            data = {"value": option} if isinstance(option, str) else option
            if not isinstance(data, Mapping):
                raise InvalidInputError(f"options[{index}]", "must be a value or an option")
            option = validate_input(FieldOptionInput, dict(data), prefix=f"options[{index}].")
        entries.append(
            {
                "orderid": option.orderid if option.orderid is not None else index + 1,
                "value": option.value,
                "label": option.label if option.label is not None else option.value,
                "isdefault": option.isdefault,
                "field": field_id,
            }
        )
    return entries


class Fields(Resource[D]):
    """``/fields``: the account's custom contact fields, their options and lists."""

    @api_list
    def list(
        self, *, page_size: int = MAX_PAGE_SIZE, **request_options: Unpack[RequestOptions]
    ) -> PageQuery[CustomField]:
        """Every custom field."""
        return PageQuery("fields", "fields", CustomField, page_size=page_size)

    @api_method
    def get(
        self, field_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[CustomField]:
        """One custom field by id."""
        path = f"fields/{object_id(field_id, name='field_id')}"
        data = yield ApiRequest("GET", path)
        return parse_response(CustomField, unwrap(data, "field", what=path), what=path)

    @api_method
    def create(
        self,
        title: str,
        *,
        type: FieldType = "text",
        description: str | None = None,
        perstag: str | None = None,
        default: str | None = None,
        visible: bool | None = None,
        ordernum: int | None = None,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[CustomField]:
        """Create a custom field. A title that exists is a 422.

        ``perstag`` is the personalization tag (``%PERSTAG%``; the API derives one from
        the title when it is not given). Options of dropdown, radio, checkbox and listbox
        fields are added with ``add_options``; a new field is on no list until
        ``add_to_list``. Not retried after a timeout or a 5xx, where it may have been made.
        """
        field = _field_input(title, type, description, perstag, default, visible, ordernum)
        data = yield ApiRequest("POST", "fields", json=field.body())
        return _created_field(data, field.title or "")

    @api_method
    def update(
        self,
        field_id: str | int,
        *,
        title: str | None = None,
        type: FieldType | None = None,
        description: str | None = None,
        perstag: str | None = None,
        default: str | None = None,
        visible: bool | None = None,
        ordernum: int | None = None,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[CustomField]:
        """Change the given attributes of a custom field; others stay as they are."""
        path = f"fields/{object_id(field_id, name='field_id')}"
        field = _field_input(title, type, description, perstag, default, visible, ordernum)
        body = field.body()
        if not body["field"]:
            raise InvalidInputError("title", "give at least one attribute to change")
        data = yield ApiRequest("PUT", path, json=body)
        return parse_response(CustomField, unwrap(data, "field", what=path), what=path)

    @api_method
    def delete(
        self, field_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Delete a custom field, and every contact's value for it."""
        yield ApiRequest("DELETE", f"fields/{object_id(field_id, name='field_id')}")

    @api_method
    def add_options(
        self,
        field_id: str | int,
        options: Sequence[OptionArg],
        **request_options: Unpack[RequestOptions],
    ) -> Operation[builtins.list[FieldOption]]:
        """Add choices to a dropdown, radio, checkbox or listbox field, in one request
        (``/fieldOption/bulk``). An option is its value (also its label), or a
        ``FieldOptionInput``; ``orderid`` defaults to its place in ``options``, from 1.
        Not retried after a timeout or a 5xx (a retry would add them twice).
        """
        field = object_id(field_id, name="field_id")
        body = {"fieldOptions": _option_entries(field, options)}
        data = yield ApiRequest("POST", "fieldOption/bulk", json=body)
        raw = unwrap(data, "fieldOptions", what="fieldOption/bulk")
        return parse_response(list[FieldOption], raw, what="fieldOption/bulk")

    @api_method
    def add_to_list(
        self, field_id: str | int, list_id: str | int = 0, **request_options: Unpack[RequestOptions]
    ) -> Operation[FieldRel]:
        """Make a custom field available on a list (``list_id`` 0, the default: on every
        list)."""
        relid = int(object_id(list_id, name="list_id"))  # "0" is a valid id here
        body = {"fieldRel": {"field": int(object_id(field_id, name="field_id")), "relid": relid}}
        data = yield ApiRequest("POST", "fieldRels", json=body)
        return parse_response(
            FieldRel, unwrap(data, "fieldRel", what="fieldRels"), what="fieldRels"
        )

    @api_method
    def remove_from_list(
        self, field_rel_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Undo ``add_to_list``, by the relation's id (``FieldRel.id``)."""
        yield ApiRequest("DELETE", f"fieldRels/{object_id(field_rel_id, name='field_rel_id')}")


class FieldValues(Resource[D]):
    """``/fieldValues``: one contact's value for one custom field."""

    @api_method
    def create(
        self,
        contact_id: str | int,
        field_id: str | int,
        value: str,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[FieldValue]:
        """Set a field value (``||a||b||`` for multi-value fields, dates as YYYY-MM-DD)."""
        body = self._body(contact_id, field_id, value)
        data = yield ApiRequest("POST", "fieldValues", json=body)
        raw = unwrap(data, "fieldValue", what="create field value")
        return parse_response(FieldValue, raw, what="create field value")

    @api_method
    def get(
        self, field_value_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[FieldValue]:
        """One field value by its id (``FieldValue.id``)."""
        path = f"fieldValues/{object_id(field_value_id, name='field_value_id')}"
        data = yield ApiRequest("GET", path)
        return parse_response(FieldValue, unwrap(data, "fieldValue", what=path), what=path)

    @api_method
    def update(
        self,
        field_value_id: str | int,
        *,
        contact_id: str | int,
        field_id: str | int,
        value: str,
        **request_options: Unpack[RequestOptions],
    ) -> Operation[FieldValue]:
        """Replace a field value by its id (``FieldValue.id``)."""
        path = f"fieldValues/{object_id(field_value_id, name='field_value_id')}"
        data = yield ApiRequest("PUT", path, json=self._body(contact_id, field_id, value))
        return parse_response(FieldValue, unwrap(data, "fieldValue", what=path), what=path)

    @api_method
    def delete(
        self, field_value_id: str | int, **request_options: Unpack[RequestOptions]
    ) -> Operation[None]:
        """Remove a contact's value for a field, by the value's id (``FieldValue.id``)."""
        yield ApiRequest(
            "DELETE", f"fieldValues/{object_id(field_value_id, name='field_value_id')}"
        )

    @api_list
    def list(
        self,
        contact_id: str | int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        **request_options: Unpack[RequestOptions],
    ) -> PageQuery[FieldValue]:
        """The custom field values of one contact."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}/fieldValues"
        return PageQuery(path, "fieldValues", FieldValue, page_size=page_size)

    @staticmethod
    def _body(contact_id: str | int, field_id: str | int, value: str) -> dict[str, Any]:
        if not isinstance(value, str):
            raise InvalidInputError("value", f"must be a string, not {type(value).__name__}")
        return {
            "fieldValue": {
                "contact": object_id(contact_id, name="contact_id"),
                "field": object_id(field_id, name="field_id"),
                "value": value,
            }
        }
