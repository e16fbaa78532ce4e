"""What validation reads from pydantic's core schemas of the contract models.

Two things: a *drift-detecting validator* per model, and the JSON meaning of pydantic's error locations.

The contract models keep unknown fields (``extra="allow"``) so that code building or parsing objects is
not broken by drift. To *find* the unknown fields, validation uses a second validator built from the
same core schema with every object set to ``extra_behavior="forbid"``: pydantic then reports each
unknown field, at any depth, as an ``extra_forbidden`` error with its location, in the same pass that
checks everything else, without building model instances. The validator reads the structure pydantic
itself generated from the models, so the two cannot disagree.

An error location carries the tags of discriminated unions, which are not part of the JSON;
:func:`locate` follows the location through the core schema to drop them, to find the schema at the
location (for the wording of the finding) and the model whose field the location ends in (for the
observed omissions of ``_deviations.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator

CoreSchema = Mapping[str, Any]
_WRAPPERS = frozenset(
    {"nullable", "default", "function-after", "function-before", "function-wrap", "lax-or-strict"}
)


@functools.cache
def drift_validator(cls: type[BaseModel]) -> SchemaValidator:
    """A validator of ``cls`` that reports unknown fields as ``extra_forbidden`` errors.

    Every ``model`` node of the core schema is replaced by its ``model-fields`` node with
    ``extra_behavior="forbid"`` (the ``model`` node would reuse the class's own, permissive validator).
    The output is plain tuples, not instances: only the errors matter. The model's ``strict`` setting
    applies to the whole tree, as every contract model of one tree shares it.
    """
    schema = _forbidding_copy(dict(cls.__pydantic_core_schema__))  # dict(): builds a deferred model
    strict = bool(cls.model_config.get("strict", False))
    return SchemaValidator(schema, {"strict": strict})


def _forbidding_copy(node: Any) -> Any:
    """A copy of the dicts and lists of a core schema in which every ``model`` node is its ``model-fields``
    node with ``extra_behavior="forbid"``; everything else (classes, functions, values) is shared. One
    pass, several times faster than ``copy.deepcopy`` and an edit."""
    if isinstance(node, list):
        return [_forbidding_copy(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("type") == "model":
        fields = dict(node["schema"])
        if "ref" in node:
            fields["ref"] = node["ref"]
        node = fields
    copied = {key: value if key == "cls" else _forbidding_copy(value) for key, value in node.items()}
    if copied.get("type") == "model-fields":
        copied["extra_behavior"] = "forbid"
    return copied


def _json_keys(name: str, field_schema: CoreSchema) -> list[str]:
    alias = field_schema.get("validation_alias")
    if alias is None:
        return [name]
    if isinstance(alias, str):
        return [alias]
    keys = [path[0] for path in alias if path and isinstance(path[0], str)]
    return keys or [name]


def _model_fields(cls: type[BaseModel], defs: dict[str, CoreSchema]) -> CoreSchema:
    inner = _unwrap(cls.__pydantic_core_schema__, defs)[0]
    while inner.get("type") == "model":
        inner = _unwrap(inner["schema"], defs)[0]
    return inner


@functools.cache
def list_fields(cls: type[BaseModel]) -> frozenset[str]:
    """JSON keys of the fields of ``cls`` that hold arrays (query parameters that may repeat)."""
    defs: dict[str, CoreSchema] = {}
    keys: set[str] = set()
    for name, field_schema in _model_fields(cls, defs).get("fields", {}).items():
        if _unwrap(field_schema["schema"], defs)[0].get("type") == "list":
            keys.update(_json_keys(name, field_schema))
    return frozenset(keys)


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
    """Follow a pydantic error location through the core schema ``root``."""
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
        node, _, model = _unwrap_model(node, defs)
        kind = node.get("type")
        if kind == "model-fields":
            path.append(str(segment))
            result.owner = model.__name__ if model is not None else None
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
    """Skip definitions, references, models and wrappers that add nothing to the JSON structure.

    Returns:
        The schema underneath, and whether a ``nullable`` wrapper was passed.
    """
    inner, nullable, _ = _unwrap_model(schema, defs)
    return inner, nullable


def _unwrap_model(
    schema: CoreSchema, defs: dict[str, CoreSchema]
) -> tuple[CoreSchema, bool, type[BaseModel] | None]:
    """:func:`_unwrap`, also returning the model class of the last ``model`` node passed, if any."""
    nullable = False
    model: type[BaseModel] | None = None
    while True:
        kind = schema.get("type")
        if kind == "definitions":
            for definition in schema["definitions"]:
                defs[definition["ref"]] = definition
            schema = schema["schema"]
        elif kind == "definition-ref":
            schema = defs[schema["schema_ref"]]
        elif kind == "model":
            model = schema.get("cls", model)
            schema = schema["schema"]
        elif kind in _WRAPPERS:
            nullable = nullable or kind == "nullable"
            schema = schema.get("schema") or schema.get("strict_schema") or {}
        else:
            return schema, nullable, model


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
