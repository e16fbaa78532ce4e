"""The shape of a contract model as the fuzzer sees it: a small tree built from its JSON Schema.

Every strategy of :mod:`harness.strategies` is derived from this tree, never written per endpoint. The
tree keeps what generation needs and nothing else: JSON types, ``Literal`` values, string lengths,
numeric bounds, list and map sizes, required fields, unions (with their discriminator) and, for each
object, the contract model it comes from. It is built once per model from pydantic's JSON Schema in
validation mode, so aliases (``schema``, ``include[]``) are the names that go on the wire.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

JSON_TYPES = ("string", "integer", "number", "boolean", "array", "object", "null")


@dataclass(frozen=True, slots=True)
class Str:
    """A string; ``binary`` for the bytes of a multipart upload."""

    min_length: int = 0
    max_length: int | None = None
    pattern: str | None = None
    binary: bool = False


@dataclass(frozen=True, slots=True)
class Int:
    """An integer, optionally bounded (inclusive)."""

    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class Num:
    """A number, optionally bounded (inclusive)."""

    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True, slots=True)
class Bool:
    """A boolean."""


@dataclass(frozen=True, slots=True)
class Null:
    """``null``."""


@dataclass(frozen=True, slots=True)
class Const:
    """One of a fixed set of values (a ``Literal``)."""

    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Array:
    """A list of ``items``, ``min_items`` to ``max_items`` long."""

    items: Node
    min_items: int = 0
    max_items: int | None = None


@dataclass(frozen=True, slots=True)
class Map:
    """A JSON object with free keys (``metadata``): at most ``max_properties`` pairs."""

    values: Node
    keys: Str
    max_properties: int | None = None


@dataclass(frozen=True, slots=True)
class Free:
    """Any JSON value (``dict[str, Any]`` is a :class:`Map` of these)."""


@dataclass(frozen=True, slots=True)
class Field:
    """One field of an object."""

    name: str
    node: Node
    required: bool


@dataclass(frozen=True, slots=True)
class Object:
    """An object with known fields; ``title`` is the name of its contract model."""

    title: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        return next(field for field in self.fields if field.name == name)


@dataclass(frozen=True, slots=True)
class Union:
    """One of ``members``; ``discriminator`` names the field that tells them apart, if any."""

    members: tuple[Node, ...]
    discriminator: str | None = None


Node = Str | Int | Num | Bool | Null | Const | Array | Map | Free | Object | Union
"""Any node of the tree."""


def json_types(node: Node) -> frozenset[str]:
    """The JSON types a node accepts (an integer is a number too)."""
    if isinstance(node, Str):
        return frozenset({"string"})
    if isinstance(node, Int):
        return frozenset({"integer"})
    if isinstance(node, Num):
        return frozenset({"number", "integer"})
    if isinstance(node, Bool):
        return frozenset({"boolean"})
    if isinstance(node, Null):
        return frozenset({"null"})
    if isinstance(node, Const):
        return frozenset(_json_type(value) for value in node.values)
    if isinstance(node, Array):
        return frozenset({"array"})
    if isinstance(node, Map | Object):
        return frozenset({"object"})
    if isinstance(node, Union):
        return frozenset().union(*(json_types(member) for member in node.members))
    return frozenset(JSON_TYPES)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def without_null(node: Node) -> Node:
    """``node`` without its ``null`` alternative (``X | None`` is ``X``)."""
    if not isinstance(node, Union):
        return node
    members = tuple(member for member in node.members if not isinstance(member, Null))
    if len(members) == 1:
        return members[0]
    return Union(members, node.discriminator)


def nullable(node: Node) -> bool:
    """Whether ``null`` is accepted."""
    return "null" in json_types(node) and not isinstance(node, Free)


@functools.cache
def tree(model: type[BaseModel]) -> Object:
    """The tree of a contract model (cached: models are immutable)."""
    schema = model.model_json_schema(mode="validation", by_alias=True)
    built = _Builder(schema.get("$defs", {})).node(schema)
    if not isinstance(built, Object):
        raise TypeError(f"{model.__name__} is not an object model")
    return built


class _Builder:
    """Turns one JSON Schema (with its ``$defs``) into a tree; each definition is built once."""

    def __init__(self, definitions: dict[str, Any]) -> None:
        self.definitions = definitions
        self.built: dict[str, Node] = {}
        self.building: set[str] = set()

    def node(self, schema: dict[str, Any]) -> Node:
        if "$ref" in schema:
            return self._ref(schema["$ref"].rsplit("/", 1)[-1])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                discriminator = schema.get("discriminator", {}).get("propertyName")
                members = tuple(self.node(member) for member in schema[key])
                return Union(_flatten(members), discriminator)
        if "const" in schema:
            return Const((schema["const"],))
        if "enum" in schema:
            return Const(tuple(schema["enum"]))
        kind = schema.get("type")
        if kind == "string":
            return Str(
                min_length=schema.get("minLength", 0),
                max_length=schema.get("maxLength"),
                pattern=schema.get("pattern"),
                binary=schema.get("format") == "binary",
            )
        if kind == "integer":
            return Int(schema.get("minimum"), schema.get("maximum"))
        if kind == "number":
            return Num(schema.get("minimum"), schema.get("maximum"))
        if kind == "boolean":
            return Bool()
        if kind == "null":
            return Null()
        if kind == "array":
            return Array(
                self.node(schema.get("items", {})), schema.get("minItems", 0), schema.get("maxItems")
            )
        if kind == "object":
            return self._object(schema)
        return Free()

    def _ref(self, name: str) -> Node:
        if name in self.built:
            return self.built[name]
        if name in self.building:
            raise TypeError(f"recursive contract model {name} cannot be generated")
        self.building.add(name)
        self.built[name] = self.node(self.definitions[name])
        self.building.discard(name)
        return self.built[name]

    def _object(self, schema: dict[str, Any]) -> Node:
        properties: dict[str, Any] = schema.get("properties", {})
        if not properties:
            extra = schema.get("additionalProperties", True)
            values = self.node(extra) if isinstance(extra, dict) else Free()
            names = schema.get("propertyNames", {})
            keys = Str(max_length=names.get("maxLength"))
            return Map(values, keys, schema.get("maxProperties"))
        required = set(schema.get("required", ()))
        fields = tuple(Field(name, self.node(sub), name in required) for name, sub in properties.items())
        return Object(schema.get("title", "object"), fields)


def _flatten(members: tuple[Node, ...]) -> tuple[Node, ...]:
    flat: list[Node] = []
    for member in members:
        if isinstance(member, Union) and member.discriminator is None:
            flat.extend(member.members)
        else:
            flat.append(member)
    return tuple(flat)
