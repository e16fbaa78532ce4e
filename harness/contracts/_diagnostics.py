"""Readable wording of pydantic errors: the finding kind, the JSON path and one sentence.

Each message says what the contract expected and what was seen, e.g. ``expected one of
queued|in_progress|…, saw 'running'``, ``expected at most 256 characters, saw 300`` or ``expected a string
matching ^[a-zA-Z0-9_-]+$, saw 'get weather'``.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from harness._findings import Kind
from harness.contracts._core_schema import Location

_LIMITS = frozenset(
    {
        "string_too_long",
        "string_too_short",
        "too_long",
        "too_short",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "multiple_of",
    }
)
_ENUMS = frozenset({"literal_error", "enum", "union_tag_invalid"})
_TYPE_NAMES = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "a boolean",
    "list": "an array",
    "dict": "an object",
    "model-fields": "an object",
    "model": "an object",
    "bytes": "bytes",
    "none": "null",
}
_TAG_NAMES = {"string": "a string", "object": "an object", "array": "an array"}
_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
    "multiple_of": ("multiple_of", "a multiple of"),
}


def describe_error(detail: ErrorDetails, where: Location) -> tuple[Kind, list[str], str, Any]:
    """Classify one pydantic error found at ``where``.

    Returns:
        ``(kind, path segments, message, expected)``.
    """
    error_type = detail["type"]
    seen = detail.get("input")
    ctx = detail.get("ctx") or {}
    path = list(where.path)
    schema = where.schema or {}
    if error_type == "missing":
        name = path[-1] if path else "?"
        return "missing", path, f"required field '{name}' is missing", name
    if error_type in ("union_tag_invalid", "union_tag_not_found"):
        return _tag_error(error_type, path, schema, seen)
    if error_type == "json_invalid":
        return (
            "type",
            path,
            f"expected a JSON document, saw unparseable text ({ctx.get('error', '')})",
            "JSON",
        )
    prefix = f"key {path[-1]!r}: " if where.dict_key and path else ""
    if error_type in _ENUMS:
        values = list(schema.get("expected", [])) if schema.get("type") == "literal" else []
        expected = _one_of(values) if values else str(ctx.get("expected", "?"))
        return "enum", path, f"{prefix}expected {expected}, saw {show_value(seen)}", values or expected
    if error_type in _LIMITS:
        message, expected = _limit(error_type, ctx, seen)
        return "limit", path, prefix + message, expected
    if error_type == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "?")
        return "limit", path, f"{prefix}expected a string matching {pattern}, saw {show_value(seen)}", pattern
    expected = _type_name(error_type, schema, where.nullable)
    return "type", path, f"{prefix}expected {expected}, saw {show_value(seen)}", expected


def _tag_error(error_type: str, path: list[str], schema: Any, seen: Any) -> tuple[Kind, list[str], str, Any]:
    discriminator = schema.get("discriminator") if isinstance(schema, dict) else None
    tags = list(schema.get("choices", {})) if isinstance(schema, dict) else []
    if isinstance(discriminator, str):
        if error_type == "union_tag_invalid":
            tag = seen.get(discriminator) if isinstance(seen, dict) else seen
            message = f"expected {discriminator} {_one_of(tags)}, saw {show_value(tag)}"
            return "enum", [*path, discriminator], message, tags
        if isinstance(seen, dict):
            return (
                "missing",
                [*path, discriminator],
                f"required field '{discriminator}' is missing",
                discriminator,
            )
        return "type", path, f"expected an object, saw {show_value(seen)}", "an object"
    names = [_TAG_NAMES.get(str(tag), str(tag)) for tag in tags]
    expected = " or ".join(names) if names else "another type"
    return "type", path, f"expected {expected}, saw {show_value(seen)}", expected


def _one_of(values: list[Any]) -> str:
    if len(values) == 1:
        return repr(values[0])
    return "one of " + "|".join(str(value) for value in values)


def _limit(error_type: str, ctx: dict[str, Any], seen: Any) -> tuple[str, Any]:
    if error_type in ("string_too_long", "string_too_short"):
        bound = ctx.get("max_length" if error_type == "string_too_long" else "min_length")
        word = "at most" if error_type == "string_too_long" else "at least"
        length = len(seen) if isinstance(seen, str) else "?"
        return f"expected {word} {bound} characters, saw {length}", bound
    if error_type in ("too_long", "too_short"):
        bound = ctx.get("max_length" if error_type == "too_long" else "min_length")
        word = "at most" if error_type == "too_long" else "at least"
        unit = "pairs" if ctx.get("field_type") == "Dictionary" else "items"
        size: Any = ctx.get("actual_length")
        if size is None:
            size = len(seen) if isinstance(seen, dict | list | str) else "?"
        return f"expected {word} {bound} {unit}, saw {size}", bound
    key, symbol = _BOUNDS[error_type]
    bound = ctx.get(key)
    bound = int(bound) if isinstance(bound, float) and bound.is_integer() else bound
    return f"expected a value {symbol} {bound}, saw {show_value(seen)}", f"{symbol} {bound}"


def _type_name(error_type: str, schema: Any, nullable: bool) -> str:
    kind = schema.get("type") if isinstance(schema, dict) else None
    if error_type in ("int_from_float", "int_type", "int_parsing"):
        name = "an integer"
    elif kind == "tagged-union":
        discriminator = schema.get("discriminator")
        tags = [_TAG_NAMES.get(str(tag), str(tag)) for tag in schema.get("choices", {})]
        name = "an object" if isinstance(discriminator, str) else " or ".join(tags)
    else:
        name = _TYPE_NAMES.get(str(kind), error_type.removesuffix("_type").replace("_", " "))
    return f"{name} or null" if nullable else name


def show_value(value: Any) -> str:
    """A short JSON-flavoured rendering of a value for messages: ``null``, ``'text'``, ``an object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return f"an array of {len(value)} item{'s' if len(value) != 1 else ''}"
    return type(value).__name__
