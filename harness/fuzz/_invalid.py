"""Invalid values: a valid body with exactly one documented rule broken, and which rule that is.

The rules come from the contract tree: every required field may be left out (``missing``), every field
given a value of another JSON type (``type``), every ``Literal`` an unknown value (``enum``), and every
documented limit overstepped by one: ``max_length`` / ``min_length`` of strings, ``max_items`` /
``min_items`` of lists, ``max_properties`` of maps (metadata's 16 pairs), ``key_max_length`` of their keys
(64 characters), ``maximum`` / ``minimum`` of numbers. A *site* is one rule at one place of the tree; a
broken value is a valid value generated along the site's path (see :func:`harness.fuzz._values.value`)
and changed at that place only.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, get_args

from hypothesis import strategies as st

from harness._findings import Kind
from harness.fuzz._schema import (
    Array,
    Const,
    Free,
    Int,
    Map,
    Node,
    Num,
    Object,
    Str,
    Union,
    json_types,
    without_null,
)
from harness.fuzz._values import Generation, Step, as_text, ids_missing, locate, unsatisfiable, value

InvalidRule = Literal[
    "missing",
    "type",
    "enum",
    "max_length",
    "min_length",
    "max_items",
    "min_items",
    "max_properties",
    "key_max_length",
    "maximum",
    "minimum",
]
"""The documented rules an invalid request may break."""

INVALID_RULES: tuple[str, ...] = get_args(InvalidRule)

RULE_KINDS: dict[str, Kind] = {
    "missing": "missing",
    "type": "type",
    "enum": "enum",
    **{rule: "limit" for rule in INVALID_RULES if rule not in ("missing", "type", "enum")},
}
"""The finding kind the contract checks give for each broken rule."""

_MOST_ITEMS = 5000
"""Lists longer than this are not built to break a limit (VectorStoreHelper allows 100 000 000)."""
_WRONG = (7, "seven", True)
"""Values of other JSON types, tried in this order."""


@dataclass(frozen=True, slots=True)
class Site:
    """One rule at one place: the path to the field (or list item, map value) and the node there."""

    steps: tuple[Step, ...]
    rule: InvalidRule
    node: Node


@dataclass(frozen=True, slots=True)
class Broken:
    """A body with one rule broken: the rule, the API's name of the parameter, the contract's path."""

    body: Any
    rule: InvalidRule
    param: str
    path: str


def sites(root: Object, gen: Generation) -> list[Site]:
    """Every rule of ``root`` that can be broken alone, in the order of the tree."""
    return list(_object_sites(root, (), gen))


def _object_sites(node: Object, steps: tuple[Step, ...], gen: Generation) -> Iterator[Site]:
    for field in node.fields:
        if ids_missing(gen, field.name, field.node) or (
            not field.required and unsatisfiable(field.node, gen)
        ):
            continue
        here = (*steps, ("field", field.name))
        inner = without_null(field.node)
        if field.required:
            yield Site(here, "missing", inner)
        yield from _node_sites(inner, here, gen)


def _node_sites(node: Node, steps: tuple[Step, ...], gen: Generation) -> Iterator[Site]:
    if _wrong_type(node, gen) is not None:
        yield Site(steps, "type", node)
    if _enum_site(node):
        yield Site(steps, "enum", node)
    if isinstance(node, Str):
        if node.max_length is not None and not node.binary:
            yield Site(steps, "max_length", node)
        if node.min_length > 0:
            yield Site(steps, "min_length", node)
    elif isinstance(node, Int | Num):
        if node.maximum is not None:
            yield Site(steps, "maximum", node)
        if node.minimum is not None:
            yield Site(steps, "minimum", node)
    elif isinstance(node, Array):
        if node.max_items is not None and node.max_items < _MOST_ITEMS:
            yield Site(steps, "max_items", node)
        if node.min_items > 0:
            yield Site(steps, "min_items", node)
        if not unsatisfiable(node.items, gen):
            yield from _node_sites(without_null(node.items), (*steps, ("item", None)), gen)
    elif isinstance(node, Map):
        if node.max_properties is not None:
            yield Site(steps, "max_properties", node)
        if node.keys.max_length is not None:
            yield Site(steps, "key_max_length", node)
        yield from _node_sites(without_null(node.values), (*steps, ("value", None)), gen)
    elif isinstance(node, Object):
        yield from _object_sites(node, steps, gen)
    elif isinstance(node, Union):
        for index, member in enumerate(node.members):
            if isinstance(member, Object | Array | Map | Union) and not unsatisfiable(member, gen):
                yield from _node_sites(member, (*steps, ("member", index)), gen)


def _wrong_type(node: Node, gen: Generation) -> Any:
    """A value of a JSON type ``node`` does not accept, or ``None`` when no such rule can be broken."""
    if isinstance(node, Free | Const) or gen.mode == "form":
        return None
    if gen.mode == "query":
        return "seven" if isinstance(node, Int | Num) else None
    accepted = json_types(node)
    if isinstance(node, Union) and all(isinstance(m, Const) for m in node.members):
        return None
    return next((wrong for wrong in _WRONG if _type_of(wrong) not in accepted), None)


def _type_of(item: Any) -> str:
    if isinstance(item, bool):
        return "boolean"
    return "integer" if isinstance(item, int) else "string"


def _enum_site(node: Node) -> bool:
    """Whether an unknown string is wrong only by its value: a Literal (or a union of them and objects)."""
    if isinstance(node, Const):
        return all(isinstance(item, str) for item in node.values)
    if isinstance(node, Union):
        consts = [m for m in node.members if isinstance(m, Const)]
        return bool(consts) and not any(isinstance(m, Str) for m in node.members)
    return False


def _unknown(node: Node) -> str:
    known: set[Any] = set()
    members = node.members if isinstance(node, Union) else (node,)
    for member in members:
        if isinstance(member, Const):
            known.update(member.values)
    candidate = "not_a_documented_value"
    while candidate in known:
        candidate += "_"
    return candidate


def broken(root: Object, site: Site, gen: Generation) -> st.SearchStrategy[Broken]:
    """Bodies valid but for ``site``: generated along its path, then changed there."""
    force = site.steps
    if site.rule in ("max_items", "max_properties", "key_max_length"):
        step: Step = ("item", None) if isinstance(site.node, Array) else ("value", None)
        force = (*force, step)
    return value(root, gen, force=force).map(lambda body: _break(body, site, gen))


def _break(body: dict[str, Any], site: Site, gen: Generation) -> Broken:
    body = copy.deepcopy(body)
    where = locate(body, site.steps)
    parent: Any = body
    for key in where[:-1]:
        parent = parent[key]
    last = where[-1]
    node = site.node
    path = list(where)
    rule = site.rule
    if rule == "missing":
        del parent[last]
    elif rule == "type":
        parent[last] = _wrong_type(node, gen)
    elif rule == "enum":
        parent[last] = _unknown(node)
    elif rule in ("max_length", "min_length"):
        assert isinstance(node, Str)
        size = (
            node.max_length + 1
            if rule == "max_length" and node.max_length is not None
            else node.min_length - 1
        )
        parent[last] = ("x" * size)[:size]
    elif rule in ("maximum", "minimum"):
        assert isinstance(node, Int | Num)
        parent[last] = _beyond(node, rule)
        if gen.as_text:
            parent[last] = as_text(parent[last])
    elif rule in ("max_items", "min_items"):
        assert isinstance(node, Array)
        items = parent[last]
        size = (node.max_items or 0) + 1 if rule == "max_items" else node.min_items - 1
        parent[last] = (items * size)[:size]
    elif rule == "max_properties":
        assert isinstance(node, Map) and node.max_properties is not None
        filler = next(iter(parent[last].values()))
        parent[last] = {f"k{number}": copy.deepcopy(filler) for number in range(node.max_properties + 1)}
    else:
        assert isinstance(node, Map) and node.keys.max_length is not None
        pairs: dict[str, Any] = parent[last]
        first = next(iter(pairs))
        long_key = "k" * (node.keys.max_length + 1)
        parent[last] = {long_key: pairs[first], **{k: v for k, v in pairs.items() if k != first}}
        path.append(long_key)
    return Broken(body=body, rule=rule, param=param_name(where), path=".".join(str(part) for part in path))


def _beyond(node: Int | Num, rule: str) -> int | float:
    if rule == "maximum":
        assert node.maximum is not None
        return node.maximum + 1 if isinstance(node, Int) else node.maximum + 0.5
    assert node.minimum is not None
    return node.minimum - 1 if isinstance(node, Int) else node.minimum - 0.5


def param_name(where: list[str | int]) -> str:
    """The API's name of a parameter: ``tools[0].function.name``, ``include[0]``, ``metadata.key``."""
    text = ""
    for part in where:
        if isinstance(part, int):
            text = (text[:-2] if text.endswith("[]") else text) + f"[{part}]"
        else:
            text = f"{text}.{part}" if text else part
    return text


LIMIT_RULES = frozenset(INVALID_RULES) - {"missing", "type", "enum"}
"""The rules that are documented limits: each is also met exactly, in a valid request."""


def met(root: Object, site: Site, gen: Generation) -> st.SearchStrategy[Any]:
    """Valid bodies in which the limit of ``site`` (one of :data:`LIMIT_RULES`) is met exactly."""
    force = site.steps
    if site.rule in ("max_items", "max_properties", "key_max_length"):
        step: Step = ("item", None) if isinstance(site.node, Array) else ("value", None)
        force = (*force, step)
    return value(root, gen, force=force).map(lambda body: _meet(body, site, gen))


def _meet(body: dict[str, Any], site: Site, gen: Generation) -> Any:
    body = copy.deepcopy(body)
    where = locate(body, site.steps)
    parent: Any = body
    for key in where[:-1]:
        parent = parent[key]
    last, node, rule = where[-1], site.node, site.rule
    if isinstance(node, Str):
        size = node.max_length if rule == "max_length" and node.max_length is not None else node.min_length
        parent[last] = "x" * size
    elif isinstance(node, Int | Num):
        bound = node.maximum if rule == "maximum" else node.minimum
        parent[last] = as_text(bound) if gen.as_text else bound
    elif isinstance(node, Array):
        items = parent[last]
        size = node.max_items if rule == "max_items" and node.max_items is not None else node.min_items
        parent[last] = (items * size)[:size]
    elif isinstance(node, Map) and rule == "max_properties" and node.max_properties is not None:
        filler = next(iter(parent[last].values()))
        parent[last] = {f"k{number}": copy.deepcopy(filler) for number in range(node.max_properties)}
    elif isinstance(node, Map) and node.keys.max_length is not None:
        pairs: dict[str, Any] = parent[last]
        first = next(iter(pairs))
        parent[last] = {
            "k" * node.keys.max_length: pairs[first],
            **{k: v for k, v in pairs.items() if k != first},
        }
    return body
