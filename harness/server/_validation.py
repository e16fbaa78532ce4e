"""Request validation with the hosted API's error wording and codes.

Validators are small functions ``(param, value) -> value`` that raise :class:`ApiError` (400) with the
``param`` and ``code`` the hosted API uses (``missing_required_parameter``, ``invalid_type``,
``invalid_value``, ``string_above_max_length``, ``decimal_above_max_value``, ``unknown_parameter`` …).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from harness.server._errors import ApiError, bad_request

Validator = Callable[[str, Any], Any]


def describe(value: Any) -> str:
    """How the hosted API names a JSON value's type in messages ("a boolean", "an integer" …)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def type_error(param: str, expected: str, value: Any) -> ApiError:
    """``Invalid type for 'x': expected a string, but got a boolean instead.``"""
    return bad_request(
        f"Invalid type for '{param}': expected {expected}, but got {describe(value)} instead.",
        param=param,
        code="invalid_type",
    )


def _quote_list(values: Sequence[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def check_object(
    param: str,
    value: Any,
    fields: Mapping[str, Validator],
    *,
    required: Sequence[str] = (),
) -> dict[str, Any]:
    """Validate a JSON object: unknown keys, missing required keys, and each field's validator.

    Returns:
        The object with each present field replaced by its validated value.
    """
    if not isinstance(value, dict):
        raise type_error(param or "body", "an object", value)
    prefix = f"{param}." if param else ""
    for key in value:
        if key not in fields:
            raise bad_request(
                f"Unknown parameter: '{prefix}{key}'.", param=f"{prefix}{key}", code="unknown_parameter"
            )
    for key in required:
        if key not in value:
            raise bad_request(
                f"Missing required parameter: '{prefix}{key}'.",
                param=f"{prefix}{key}",
                code="missing_required_parameter",
            )
    return {key: fields[key](f"{prefix}{key}", item) for key, item in value.items()}


def nullable(inner: Validator) -> Validator:
    """Accept ``null`` as well as what ``inner`` accepts."""

    def check(param: str, value: Any) -> Any:
        return None if value is None else inner(param, value)

    return check


def string(*, max_length: int | None = None, min_length: int = 0) -> Validator:
    """A string, optionally limited in length."""

    def check(param: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise type_error(param, "a string", value)
        if max_length is not None and len(value) > max_length:
            raise bad_request(
                f"Invalid '{param}': string too long. Expected a string with maximum length {max_length}, "
                f"but got a string with length {len(value)} instead.",
                param=param,
                code="string_above_max_length",
            )
        if len(value) < min_length:
            raise bad_request(
                f"Invalid '{param}': string too short. Expected a string with minimum length {min_length}, "
                f"but got a string with length {len(value)} instead.",
                param=param,
                code="string_below_min_length",
            )
        return value

    return check


def number(*, minimum: float | None = None, maximum: float | None = None, integer: bool = False) -> Validator:
    """A number (or an integer), optionally bounded."""
    kind = "integer" if integer else "decimal"

    def check(param: str, value: Any) -> Any:
        ok = isinstance(value, int) if integer else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            raise type_error(param, "an integer" if integer else "a number", value)
        if maximum is not None and value > maximum:
            raise bad_request(
                f"Invalid '{param}': {kind} above maximum value. Expected a value <= {_num(maximum)}, "
                f"but got {value} instead.",
                param=param,
                code=f"{kind}_above_max_value",
            )
        if minimum is not None and value < minimum:
            raise bad_request(
                f"Invalid '{param}': {kind} below minimum value. Expected a value >= {_num(minimum)}, "
                f"but got {value} instead.",
                param=param,
                code=f"{kind}_below_min_value",
            )
        return value

    return check


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def boolean() -> Validator:
    """A JSON boolean."""

    def check(param: str, value: Any) -> Any:
        if not isinstance(value, bool):
            raise type_error(param, "a boolean", value)
        return value

    return check


def enum(*values: str) -> Validator:
    """One of a fixed set of strings."""

    def check(param: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise type_error(param, "a string", value)
        if value not in values:
            raise bad_request(
                f"Invalid value: '{value}'. Supported values are: {_quote_list(values)}.",
                param=param,
                code="invalid_value",
            )
        return value

    return check


def array(item: Validator, *, max_items: int | None = None, min_items: int = 0) -> Validator:
    """An array whose items all pass ``item``, with at least ``min_items`` and at most ``max_items``."""

    def check(param: str, value: Any) -> Any:
        if not isinstance(value, list):
            raise type_error(param, "an array", value)
        if len(value) < min_items:
            if not value:
                raise bad_request(
                    f"Invalid '{param}': empty array. Expected an array with minimum length {min_items}, "
                    "but got an empty array instead.",
                    param=param,
                    code="empty_array",
                )
            raise bad_request(
                f"Invalid '{param}': array too short. Expected an array with minimum length {min_items}, "
                f"but got an array with length {len(value)} instead.",
                param=param,
                code="array_below_min_length",
            )
        if max_items is not None and len(value) > max_items:
            raise bad_request(
                f"Invalid '{param}': array too long. Expected an array with maximum length {max_items}, "
                f"but got an array with length {len(value)} instead.",
                param=param,
                code="array_above_max_length",
            )
        return [item(f"{param}[{index}]", element) for index, element in enumerate(value)]

    return check


def discriminator(param: str, value: Any, *kinds: str) -> str:
    """The ``type`` of a tagged object (``{"type": "static", ...}``), which must be one of ``kinds``.

    Raises:
        ApiError: ``value`` is not an object, has no ``type``, or a ``type`` not among ``kinds``.
    """
    if not isinstance(value, dict):
        raise type_error(param, "an object", value)
    if "type" not in value:
        raise bad_request(
            f"Missing required parameter: '{param}.type'.",
            param=f"{param}.type",
            code="missing_required_parameter",
        )
    kind: str = enum(*kinds)(f"{param}.type", value["type"])
    return kind


def anything() -> Validator:
    """Any JSON value."""
    return lambda param, value: value


def obj(fields: Mapping[str, Validator], *, required: Sequence[str] = ()) -> Validator:
    """A nested object with known fields."""
    return lambda param, value: check_object(param, value, fields, required=required)


def free_object() -> Validator:
    """Any JSON object."""

    def check(param: str, value: Any) -> Any:
        if not isinstance(value, dict):
            raise type_error(param, "an object", value)
        return value

    return check


def metadata() -> Validator:
    """Metadata: at most 16 string pairs, keys up to 64 characters, values up to 512."""

    def check(param: str, value: Any) -> Any:
        if value is None:
            return {}
        return _pairs(param, value, string(max_length=512))

    return check


def attributes() -> Validator:
    """Attributes of a vector store file: like metadata, but values may also be numbers or booleans."""
    text = string(max_length=512)

    def item(param: str, value: Any) -> Any:
        if isinstance(value, bool | int | float):
            return value
        if not isinstance(value, str):
            raise type_error(param, "a string, a number or a boolean", value)
        return text(param, value)

    def check(param: str, value: Any) -> Any:
        return _pairs(param, value, item)

    return check


def _pairs(param: str, value: Any, item: Validator) -> dict[str, Any]:
    """At most 16 pairs with keys up to 64 characters, each value passing ``item``."""
    if not isinstance(value, dict):
        raise type_error(param, "an object", value)
    if len(value) > 16:
        raise bad_request(
            f"Invalid '{param}': too many properties. Expected an object with at most 16 properties, "
            f"but got an object with {len(value)} properties instead.",
            param=param,
            code="object_above_max_properties",
        )
    for key, element in value.items():
        if len(key) > 64:
            raise bad_request(
                f"Invalid '{param}': key too long. Expected a key with maximum length 64, but got a key "
                f"with length {len(key)} instead.",
                param=param,
                code="string_above_max_length",
            )
        item(f"{param}.{key}", element)
    return dict(value)


def one_of_types(
    param: str, value: Any, expected: str, *checks: tuple[type | tuple[type, ...], Validator]
) -> Any:
    """Dispatch on the JSON type of ``value``; a type error names ``expected`` when nothing fits."""
    for types, validator in checks:
        if isinstance(value, types) and not (isinstance(value, bool) and bool not in _flatten(types)):
            return validator(param, value)
    raise type_error(param, expected, value)


def _flatten(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)
