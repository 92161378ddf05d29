"""Custom fields and their values per contact."""

from __future__ import annotations

from typing import Any

from .._exceptions import InvalidInputError
from .._flow import Operation
from .._methods import D, Resource, api_list, api_method
from .._pagination import PageQuery
from .._requests import ApiRequest, object_id
from ..models._base import parse_response, unwrap
from ..models.catalog import CustomField
from ..models.contacts import FieldValue

__all__ = ["FieldValues", "Fields"]


class Fields(Resource[D]):
    """``/fields``: the account's custom contact fields."""

    @api_list
    def list(self) -> PageQuery[CustomField]:
        """Every custom field."""
        return PageQuery("fields", "fields", CustomField)

    @api_method
    def get(self, field_id: str | int) -> Operation[CustomField]:
        """One custom field by id."""
        path = f"fields/{object_id(field_id, name='field_id')}"
        data = yield ApiRequest("GET", path)
        return parse_response(CustomField, unwrap(data, "field", what=path), what=path)


class FieldValues(Resource[D]):
    """``/fieldValues``: one contact's value for one custom field."""

    @api_method
    def create(
        self, contact_id: str | int, field_id: str | int, value: str
    ) -> Operation[FieldValue]:
        """Set a field value (``||a||b||`` for multi-value fields, dates as YYYY-MM-DD)."""
        body = self._body(contact_id, field_id, value)
        data = yield ApiRequest("POST", "fieldValues", json=body)
        raw = unwrap(data, "fieldValue", what="create field value")
        return parse_response(FieldValue, raw, what="create field value")

    @api_method
    def update(
        self, field_value_id: str | int, *, contact_id: str | int, field_id: str | int, value: str
    ) -> Operation[FieldValue]:
        """Replace a field value by its id (``FieldValue.id``)."""
        path = f"fieldValues/{object_id(field_value_id, name='field_value_id')}"
        data = yield ApiRequest("PUT", path, json=self._body(contact_id, field_id, value))
        return parse_response(FieldValue, unwrap(data, "fieldValue", what=path), what=path)

    @api_list
    def list(self, contact_id: str | int) -> PageQuery[FieldValue]:
        """The custom field values of one contact."""
        path = f"contacts/{object_id(contact_id, name='contact_id')}/fieldValues"
        return PageQuery(path, "fieldValues", FieldValue)

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
