"""Valid values of a contract tree: what a request or a response may hold, limits included.

Strings, lists and maps are small, so that requests stay fast, but every documented limit is also hit
exactly now and then (a name of exactly 256 characters, metadata with exactly 16 pairs, 128 tools), and
numbers range over their whole documented interval, bounds included.

Requests never send ``null`` for an optional field (the contracts do not say which optional parameters
accept it): the field is left out or set. Responses send every required field, ``null`` where the
contract allows it, and optional fields now and then.

A *forced path* asks for a value in which one place exists: a chain of steps (a field, a union member,
a list item, a map value). The forced field is present, the forced member chosen, and the forced item or
map value comes first, so that :func:`locate` finds it again in the generated value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import strategies as st

from harness.fuzz._hints import COHERENT, ID_FIELDS, ONE_OF, REQUIRED, hinted, placeholder_ids
from harness.fuzz._schema import (
    Array,
    Bool,
    Const,
    Field,
    Int,
    Map,
    Node,
    Null,
    Num,
    Object,
    Str,
    Union,
    without_null,
)

Mode = Literal["request", "query", "form", "response"]
"""``request``: a JSON body; ``query``: query parameters (text); ``form``: a multipart form;
``response``: a response object."""

Step = tuple[Literal["field", "member", "item", "value"], Any]
"""One step of a forced path: ``("field", name)``, ``("member", index)``, ``("item", None)``,
``("value", None)``."""

SMALL_TEXT = 12
"""The longest string generated short of a limit."""
SMALL_LIST = 3
"""The longest list or map generated short of a limit."""
BOUNDARY_ITEMS = 128
"""Lists and maps are filled to their limit only when it is at most this."""

_TEXT = st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc"))


@dataclass(frozen=True, slots=True)
class Generation:
    """How values are generated.

    Attributes:
        mode: See :data:`Mode`.
        ids: Real ids by kind (``{"assistant": ("asst_1",)}``); ``None`` makes up placeholder ids.
            When given, an optional id field whose kind has no ids is left out.
    """

    mode: Mode
    ids: Mapping[str, tuple[str, ...]] | None = None

    @property
    def as_text(self) -> bool:
        """Whether scalar values go on the wire as text (query parameters)."""
        return self.mode == "query"


def rarely(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``rare`` about one time in eight, else ``common`` (shrinks towards ``common``)."""
    return st.integers(0, 7).flatmap(lambda roll: rare if roll == 7 else common)


def id_kind(name: str, node: Node) -> str | None:
    """The id kind a field holds, when it holds ids (a string or a list of strings)."""
    kind = ID_FIELDS.get(name)
    if kind is None:
        return None
    inner = without_null(node)
    if isinstance(inner, Array):
        inner = without_null(inner.items)
    return kind if isinstance(inner, Str) else None


def ids_missing(gen: Generation, name: str, node: Node) -> bool:
    """Whether a field holds ids of a kind that ``gen.ids`` has none of."""
    kind = id_kind(name, node)
    return kind is not None and gen.ids is not None and not gen.ids.get(kind)


def value(
    node: Node,
    gen: Generation,
    *,
    owner: str = "",
    name: str = "",
    force: tuple[Step, ...] = (),
) -> st.SearchStrategy[Any]:
    """A strategy of valid values of ``node`` (field ``name`` of model ``owner``), along ``force``."""
    if gen.mode != "response":
        node = without_null(node)
    if not force:
        special = _special(node, gen, owner, name)
        if special is not None:
            return special
    if isinstance(node, Object):
        return _object(node, gen, force)
    if isinstance(node, Union):
        return _union(node, gen, owner, name, force)
    if isinstance(node, Array):
        return _array(node, gen, owner, name, force)
    if isinstance(node, Map):
        return _map(node, gen, owner, name, force)
    return _scalar(node, gen)


def _special(node: Node, gen: Generation, owner: str, name: str) -> st.SearchStrategy[Any] | None:
    kind = id_kind(name, node)
    if kind is not None:
        return _ids(node, gen, kind)
    hint = hinted(owner, name)
    if hint is None:
        return None
    if gen.mode == "response" and isinstance(node, Union) and any(isinstance(m, Null) for m in node.members):
        return st.one_of(st.none(), hint)
    return hint


def _ids(node: Node, gen: Generation, kind: str) -> st.SearchStrategy[Any]:
    known = gen.ids.get(kind, ()) if gen.ids is not None else ()
    one = st.sampled_from(known) if known else placeholder_ids(kind)
    inner = node if gen.mode != "response" else without_null(node)
    if isinstance(inner, Array):
        most = inner.max_items if inner.max_items is not None else SMALL_LIST
        most = min(most, len(known)) if known else min(most, SMALL_LIST)
        strategy: st.SearchStrategy[Any] = st.lists(
            one, min_size=min(inner.min_items, most), max_size=most, unique=True
        )
    else:
        strategy = one
    if gen.mode == "response" and inner is not node:
        return st.one_of(st.none(), strategy)
    return strategy


def _scalar(node: Node, gen: Generation) -> st.SearchStrategy[Any]:
    strategy: st.SearchStrategy[Any]
    if isinstance(node, Str):
        strategy = _string(node)
        if node.binary:
            return strategy.map(lambda text: text.encode("utf-8"))
    elif isinstance(node, Int):
        low, high = _window(node.minimum, node.maximum, 100_000)
        strategy = rarely(st.integers(int(low), int(high)), _bounds(node.minimum, node.maximum))
    elif isinstance(node, Num):
        low, high = _window(node.minimum, node.maximum, 1000)
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
        strategy = rarely(floats, _bounds(node.minimum, node.maximum))
    elif isinstance(node, Bool):
        strategy = st.booleans()
    elif isinstance(node, Const):
        strategy = st.sampled_from(node.values)
    elif isinstance(node, Null):
        return st.none()
    else:
        return free_json()
    if gen.as_text:
        return strategy.map(as_text)
    return strategy


def as_text(item: Any) -> str:
    """A scalar as a query parameter carries it."""
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def _bounds(low: float | None, high: float | None) -> st.SearchStrategy[Any]:
    """The documented bounds themselves (or a value near the open end)."""
    ends = [end for end in (low, high) if end is not None]
    return st.sampled_from(ends) if ends else st.just(0)


def _window(low: float | None, high: float | None, width: float) -> tuple[float, float]:
    if low is None and high is None:
        return 0, width
    if low is None:
        assert high is not None
        return high - width, high
    if high is None:
        return low, low + width
    return low, high


def _string(node: Str) -> st.SearchStrategy[str]:
    limit = node.max_length
    if node.pattern is not None:
        most = limit if limit is not None else SMALL_TEXT
        return st.from_regex(node.pattern, fullmatch=True).filter(
            lambda text: node.min_length <= len(text) <= most
        )
    short = st.text(
        _TEXT, min_size=node.min_length, max_size=max(node.min_length, min(SMALL_TEXT, limit or SMALL_TEXT))
    )
    if limit is None or limit <= SMALL_TEXT:
        return short
    return rarely(short, short.map(lambda text: (text + "x" * limit)[:limit]))


def free_json() -> st.SearchStrategy[Any]:
    """Small JSON values of any type."""
    leaves = st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(_TEXT, max_size=8)
    return st.recursive(
        leaves,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(_TEXT, max_size=8), inner, max_size=3)
        ),
        max_leaves=6,
    )


def _object(node: Object, gen: Generation, force: tuple[Step, ...]) -> st.SearchStrategy[dict[str, Any]]:
    forced = force[0][1] if force else None
    rest = force[1:]
    group = ONE_OF.get(node.title)
    if group is None or gen.mode == "response":
        return _fields(node, gen, forced, rest, frozenset())
    names, least = group
    usable = [name for name in names if not ids_missing(gen, name, node.field(name).node)]
    if forced in names:
        options: list[tuple[str, ...]] = [(forced,)]
    else:
        options = [(name,) for name in usable] + ([()] if least == 0 or not usable else [])
    choices = [_fields(node, gen, forced, rest, frozenset(names) - set(chosen), chosen) for chosen in options]
    return st.sampled_from(range(len(choices))).flatmap(choices.__getitem__)


def _fields(
    node: Object,
    gen: Generation,
    forced_name: str | None,
    rest: tuple[Step, ...],
    absent: frozenset[str],
    present: tuple[str, ...] = (),
) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    always = set(present) | (set(REQUIRED.get(node.title, ())) if gen.mode != "response" else set())
    for field in node.fields:
        if field.name == forced_name:
            required[field.name] = value(field.node, gen, owner=node.title, name=field.name, force=rest)
        elif field.name in absent or _skip(field, gen):
            continue
        elif field.required or field.name in always:
            required[field.name] = value(field.node, gen, owner=node.title, name=field.name)
        else:
            optional[field.name] = value(field.node, gen, owner=node.title, name=field.name)
    if forced_name is not None and forced_name not in required:
        raise ValueError(f"{node.title} has no field {forced_name!r}")
    strategy = st.fixed_dictionaries(required, optional=optional)
    fix = COHERENT.get(node.title)
    if fix is not None:
        strategy = strategy.map(fix)
    if forced_name is None:
        return strategy
    # Keep the forced field first, so that a repr of the value shows it first too.
    return strategy.map(lambda body: {forced_name: body[forced_name], **body})


def _skip(field: Field, gen: Generation) -> bool:
    """Optional fields that cannot be valid without ids the caller has none of are left out."""
    return not field.required and (ids_missing(gen, field.name, field.node) or unsatisfiable(field.node, gen))


def unsatisfiable(node: Node, gen: Generation) -> bool:
    """Whether no valid value exists without ids the caller has none of (an attachment without files)."""
    if gen.ids is None:
        return False
    node = without_null(node) if gen.mode != "response" else node
    if isinstance(node, Object):
        needed = set(REQUIRED.get(node.title, ()))
        return any(
            (field.required or field.name in needed)
            and (ids_missing(gen, field.name, field.node) or unsatisfiable(field.node, gen))
            for field in node.fields
        )
    if isinstance(node, Union):
        return all(unsatisfiable(member, gen) for member in node.members)
    if isinstance(node, Array):
        return node.min_items > 0 and unsatisfiable(node.items, gen)
    return False


def _union(
    node: Union, gen: Generation, owner: str, name: str, force: tuple[Step, ...]
) -> st.SearchStrategy[Any]:
    if force and force[0][0] == "member":
        return value(node.members[force[0][1]], gen, owner=owner, name=name, force=force[1:])
    usable = [member for member in node.members if not unsatisfiable(member, gen)] or list(node.members)
    return st.one_of(*[value(member, gen, owner=owner, name=name) for member in usable])


def _array(
    node: Array, gen: Generation, owner: str, name: str, force: tuple[Step, ...]
) -> st.SearchStrategy[list[Any]]:
    if not force and unsatisfiable(node.items, gen) and node.min_items == 0:
        return st.just([])
    item = value(node.items, gen, owner=owner, name=name)
    most = node.max_items if node.max_items is not None else SMALL_LIST
    if force:
        first = value(node.items, gen, owner=owner, name=name, force=force[1:])
        others = st.lists(item, max_size=max(0, min(most, SMALL_LIST) - 1))
        return st.tuples(first, others).map(lambda pair: [pair[0], *pair[1]])
    short = st.lists(item, min_size=node.min_items, max_size=max(node.min_items, min(most, SMALL_LIST)))
    if node.max_items is None or node.max_items <= SMALL_LIST or node.max_items > BOUNDARY_ITEMS:
        return short
    full = node.max_items
    return rarely(short, st.lists(item, min_size=1, max_size=2).map(lambda seed: (seed * full)[:full]))


def _map(
    node: Map, gen: Generation, owner: str, name: str, force: tuple[Step, ...]
) -> st.SearchStrategy[dict[str, Any]]:
    values = value(node.values, gen, owner=owner, name=name)
    keys = _string(node.keys)
    most = node.max_properties if node.max_properties is not None else SMALL_LIST
    if force:
        first = st.tuples(keys, value(node.values, gen, owner=owner, name=name, force=force[1:]))
        others = st.dictionaries(keys, values, max_size=max(0, min(most, SMALL_LIST) - 1))
        return st.tuples(first, others).map(
            lambda pair: {pair[0][0]: pair[0][1], **{k: v for k, v in pair[1].items() if k != pair[0][0]}}
        )
    short = st.dictionaries(keys, values, max_size=min(most, SMALL_LIST))
    if node.max_properties is None or node.max_properties <= SMALL_LIST:
        return short
    full = node.max_properties
    return rarely(short, st.dictionaries(keys, values, min_size=full, max_size=full))


def locate(body: Any, steps: tuple[Step, ...]) -> list[str | int]:
    """The concrete location of a forced path in a value generated along it."""
    where: list[str | int] = []
    current = body
    for kind, arg in steps:
        if kind == "member":
            continue
        if kind == "field":
            key: str | int = arg
        elif kind == "item":
            key = 0
        else:
            key = next(iter(current))
        where.append(key)
        current = current[key]
    return where
