"""Shared model plumbing: lenient response models, normalised ids, safe parsing."""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterator
from typing import Annotated, Any, ClassVar, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError

from .._exceptions import APIResponseValidationError, InvalidInputError

__all__ = [
    "ApiModel",
    "Id",
    "InputModel",
    "OptionalId",
    "parse_response",
    "unwrap",
    "validate_input",
]

T = TypeVar("T")


def _to_str(value: Any) -> Any:
    # Ids are strings in listings but ints in some create answers; store one form.
    if isinstance(value, bool):
        return value
    return str(value) if isinstance(value, int) else value


def _to_optional_str(value: Any) -> Any:
    return None if value is None else _to_str(value)


Id = Annotated[str, BeforeValidator(_to_str)]
"""An object id, always a string whether the API sent ``"12"`` or ``12``."""

OptionalId = Annotated[str | None, BeforeValidator(_to_optional_str)]
"""An id that the API sometimes sends as null."""


class ApiModel(BaseModel):
    """Base of response models: unknown keys are kept (``extra="allow"``), never rejected.

    ``repr()`` shows the id and the few fields that tell objects apart (``repr_fields``),
    not every key the API sent: a contact answers with some 37 of them, links included.
    Every field and extra key is still there as an attribute and in ``model_dump()``.
    """

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="allow", populate_by_name=True, frozen=False
    )
    repr_fields: ClassVar[tuple[str, ...]] = ()
    """The fields ``repr()`` shows; empty: every declared field (extra keys never)."""

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        names = self.repr_fields or tuple(type(self).model_fields)
        for name in names:
            yield name, getattr(self, name, None)


class InputModel(BaseModel):
    """Base of request models: unknown keys are refused, values validated before sending."""

    model_config: ClassVar[ConfigDict] = ConfigDict(
        extra="forbid", populate_by_name=True, str_strip_whitespace=True
    )


@functools.lru_cache(maxsize=256)
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def parse_response(model: type[T], data: Any, *, what: str) -> T:
    """Validate ``data`` as ``model``; a mismatch is an APIResponseValidationError."""
    try:
        result: T = _adapter(cast(Hashable, model)).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(p) for p in first["loc"]) or "body"
        raise APIResponseValidationError(
            f"unexpected answer for {what}: {location}: {first['msg']}", body=data
        ) from None
    return result


def unwrap(data: Any, key: str, *, what: str) -> Any:
    """The value under ``key`` of a JSON object answer (``{"contact": {...}}``)."""
    if not isinstance(data, dict):
        raise APIResponseValidationError(
            f"unexpected answer for {what}: not a JSON object", body=data
        )
    return data.get(key)


M = TypeVar("M", bound=BaseModel)


def validate_input(model: type[M], data: dict[str, Any], *, prefix: str = "") -> M:
    """Build a request model from arguments; a bad value is an InvalidInputError naming it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(p) for p in first["loc"]) or model.__name__
        message = first["msg"].removeprefix("Value error, ")
        raise InvalidInputError(f"{prefix}{location}", message) from None
