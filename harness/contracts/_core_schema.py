"""What validation reads from pydantic's core schemas of the contract models.

Two things: a *drift schema* per model, and the JSON meaning of pydantic's error locations.

The contract models keep unknown fields (``extra="allow"``) so that code building or parsing objects is
not broken by drift. To *find* the unknown fields, validation uses a validator built from a copy of the
model's core schema with every object set to ``extra_behavior="forbid"``: pydantic then reports each
unknown field, at any depth, as an ``extra_forbidden`` error with its location, in the same pass that
checks everything else, without building model instances. The copy is of the structure pydantic itself
generated from the models, so the two cannot disagree; it holds no classes (each object's model is named
in its ``metadata``), which is what lets ``_compiled.py`` keep it without the models.

An error location carries the tags of discriminated unions, which are not part of the JSON;
:func:`locate` follows the location through a drift schema to drop them, to find the schema at the
location (for the wording of the finding) and the model whose field the location ends in (for the
observed omissions of ``_deviations.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

CoreSchema = Mapping[str, Any]
_WRAPPERS = frozenset(
    {"nullable", "default", "function-after", "function-before", "function-wrap", "lax-or-strict"}
)
_UNUSED = frozenset({"metadata", "serialization"})
"""Keys validation does not read (JSON Schema hints and serializers, which may hold the model classes)."""
_OWNER = "harness_owner"
"""The ``metadata`` key of an object's schema naming the model it comes from."""


def drift_schema(cls: type[BaseModel]) -> CoreSchema:
    """The core schema of ``cls`` that reports unknown fields as ``extra_forbidden`` errors.

    Every ``model`` node of the core schema is replaced by its ``model-fields`` node with
    ``extra_behavior="forbid"`` and the model's name in its metadata (the ``model`` node would reuse the
    class's own, permissive validator). Validated, it gives plain tuples, not instances: only the errors
    matter.
    """
    schema: CoreSchema = _forbidding_copy(dict(cls.__pydantic_core_schema__))  # dict(): builds the model
    return schema


def _forbidding_copy(node: Any) -> Any:
    """A copy of the dicts and lists of a core schema in which every ``model`` node is its ``model-fields``
    node with ``extra_behavior="forbid"`` and its owner; everything else (functions, values) is shared.
    One pass, several times faster than ``copy.deepcopy`` and an edit."""
    if isinstance(node, list):
        return [_forbidding_copy(item) for item in node]
    if not isinstance(node, dict):
        return node
    owner = None
    if node.get("type") == "model":
        owner = node["cls"].__name__
        fields = dict(node["schema"])
        if "ref" in node:
            fields["ref"] = node["ref"]
        node = fields
    schema = isinstance(node.get("type"), str)  # else a map of names (fields, tagged union choices)
    copied = {key: _forbidding_copy(value) for key, value in node.items() if not (schema and key in _UNUSED)}
    if copied.get("type") == "model-fields":
        copied["extra_behavior"] = "forbid"
        if owner is not None:
            copied["metadata"] = {_OWNER: owner}
    return copied


def _json_keys(name: str, field_schema: CoreSchema) -> list[str]:
    alias = field_schema.get("validation_alias")
    if alias is None:
        return [name]
    if isinstance(alias, str):
        return [alias]
    keys = [path[0] for path in alias if path and isinstance(path[0], str)]
    return keys or [name]


def list_fields(schema: CoreSchema) -> frozenset[str]:
    """JSON keys of the fields of a model's drift schema that hold arrays (query parameters that repeat)."""
    defs: dict[str, CoreSchema] = {}
    keys: set[str] = set()
    for name, field_schema in _unwrap(schema, defs)[0].get("fields", {}).items():
        if _unwrap(field_schema["schema"], defs)[0].get("type") == "list":
            keys.update(_json_keys(name, field_schema))
    return frozenset(keys)


def list_item_owner(schema: CoreSchema) -> str | None:
    """The model of the items of a list page's drift schema (``Run`` for ``RunList``), else ``None``."""
    defs: dict[str, CoreSchema] = {}
    data = _unwrap(schema, defs)[0].get("fields", {}).get("data")
    if data is None:
        return None
    items = _unwrap(data["schema"], defs)[0]
    if items.get("type") != "list" or "items_schema" not in items:
        return None
    return _owner(_unwrap(items["items_schema"], defs)[0])


def _owner(schema: CoreSchema) -> str | None:
    """The model an object's drift schema comes from (see :func:`drift_schema`)."""
    owner = schema.get("metadata", {}).get(_OWNER)
    return owner if isinstance(owner, str) else None


@dataclass(slots=True)
class Location:
    """Where a pydantic error points, in JSON terms.

    Attributes:
        path: The JSON path segments (union tags removed).
        schema: The core schema at the location (unwrapped), if it could be followed.
        nullable: Whether ``null`` is accepted at the location.
        dict_key: Whether the error is about a map key rather than its value.
        union_labels: Member labels when the location is inside a plain (untagged) union.
        owner: Class name of the model whose field the location's last segment is, when it is one
            (``"Run"`` for ``data.0.status`` of a run list page).
    """

    path: list[str]
    schema: CoreSchema | None
    nullable: bool = False
    dict_key: bool = False
    union_labels: tuple[str, ...] = ()
    owner: str | None = None


def locate(root: CoreSchema, loc: Sequence[str | int]) -> Location:
    """Follow a pydantic error location through the drift schema ``root``."""
    defs: dict[str, CoreSchema] = {}
    node: CoreSchema | None = root
    result = Location(path=[], schema=None)
    path = result.path
    segments = list(loc)
    index = 0
    while index < len(segments):
        segment = segments[index]
        index += 1
        result.owner = None
        if node is None:
            path.append(str(segment))
            continue
        node = _unwrap(node, defs)[0]
        kind = node.get("type")
        if kind == "model-fields":
            path.append(str(segment))
            result.owner = _owner(node)
            node = _field_schema(node, str(segment))
        elif kind in ("list", "set", "tuple"):
            path.append(str(segment))
            node = node.get("items_schema")
        elif kind == "dict":
            path.append(str(segment))
            if index < len(segments) and segments[index] == "[key]":
                index += 1
                result.dict_key = True
                node = node.get("keys_schema")
            else:
                node = node.get("values_schema")
        elif kind == "tagged-union":
            node = node["choices"].get(segment)
        elif kind == "union":
            choices = node["choices"]
            result.union_labels = tuple(_label(choice) for choice in choices)
            labels = zip(choices, result.union_labels, strict=True)
            matched = [_choice(choice) for choice, label in labels if label == segment]
            node = matched[0] if matched else None
        else:
            path.append(str(segment))
            node = None
    if node is not None:
        node, result.nullable = _unwrap(node, defs)
    result.schema = node
    return result


def _unwrap(schema: CoreSchema, defs: dict[str, CoreSchema]) -> tuple[CoreSchema, bool]:
    """Skip definitions, references and wrappers that add nothing to the JSON structure.

    Returns:
        The schema underneath, and whether a ``nullable`` wrapper was passed.
    """
    nullable = False
    while True:
        kind = schema.get("type")
        if kind == "definitions":
            for definition in schema["definitions"]:
                defs[definition["ref"]] = definition
            schema = schema["schema"]
        elif kind == "definition-ref":
            schema = defs[schema["schema_ref"]]
        elif kind in _WRAPPERS:
            nullable = nullable or kind == "nullable"
            schema = schema.get("schema") or schema.get("strict_schema") or {}
        else:
            return schema, nullable


def _field_schema(fields_schema: CoreSchema, key: str) -> CoreSchema | None:
    for name, field_schema in fields_schema.get("fields", {}).items():
        if key in _json_keys(name, field_schema):
            schema: CoreSchema = field_schema["schema"]
            return schema
    return None


def _choice(choice: CoreSchema | tuple[CoreSchema, str]) -> CoreSchema:
    return choice[0] if isinstance(choice, tuple) else choice


def _label(choice: CoreSchema | tuple[CoreSchema, str]) -> str:
    """The label pydantic puts in the location of an error inside a plain union member."""
    if isinstance(choice, tuple):
        return choice[1]
    kind = str(choice.get("type"))
    limits = ("max_length", "min_length", "pattern", "ge", "le", "gt", "lt")
    constrained = any(key in choice for key in limits)
    return f"constrained-{kind}" if constrained and kind in ("str", "bytes", "list", "dict") else kind
