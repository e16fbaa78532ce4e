"""The cassette file format, and the one safe way every cassette (and baseline) is read.

Writing: vcrpy's format (version 1), made to read well in a pull request — multi-line text (pretty JSON
bodies, streamed bodies with one SSE line per line) as YAML literal blocks, bytes that are not UTF-8 as
``!!binary``. Plain vcrpy loads these files as its own.

Reading: cassettes arrive in pull requests, so every file is untrusted. :func:`load_yaml` is PyYAML's
safe loader (libyaml's event parser when available) with three limits added:

- **tags**: only data is ever constructed — the standard YAML types, ``!!binary`` and Ruby's
  ``!binary`` (base64), ``!ruby/...`` objects (read as the plain mapping, sequence or string they wrap),
  and the ``!!python/unicode`` / ``!!python/str`` strings of cassettes written under Python 2. Any other
  tag (``!!python/object/apply:...`` above all) is refused with :class:`UnsafeYamlError`, naming it;
- **aliases**: what anchors and aliases expand to is counted, and refused past a budget of
  ``max(ALIAS_BUDGET, size of the file)`` characters and nodes, so a few hundred bytes cannot expand to
  gigabytes ("billion laughs"); an alias that refers to a node containing it (a cycle) is refused;
- **nesting**: deeper than :data:`MAX_DEPTH` levels is refused.

``MemoryError`` and ``RecursionError`` while reading become :class:`UnsafeYamlError` too. JSON cassettes
go through :func:`load_document` with the same depth limit. Timestamps stay strings.

Speed: where libyaml limits nesting itself (PyYAML 6.0.4's does, at 1,000 levels), a file is first
composed by libyaml (as ``yaml.CSafeLoader`` does), and a tree of standard mappings, sequences and
scalars without shared nodes (no alias) within :data:`MAX_DEPTH` is built in one walk of its nodes, which
is every cassette vcrpy or the harness writes. A tree with other tags (``!binary``, ``!ruby/...``) goes
through the constructor. Anything else (an alias, deeper nesting, a parse error) is read again by the
bounded composer, which applies the limits above and words the refusal. An older libyaml composes any depth
recursively in C, so there every file goes through the bounded composer.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

try:
    from yaml import CSafeDumper as _SafeDumper
except ImportError:  # pragma: no cover - libyaml is missing on some platforms
    from yaml import SafeDumper as _SafeDumper  # type: ignore[assignment]

FORMAT_VERSION = 1
"""The ``version`` of the cassettes written (vcrpy's)."""

MAX_DEPTH = 100
"""The deepest nesting of YAML collections (or JSON arrays and objects) a cassette may have."""

ALIAS_BUDGET = 100_000
"""How many characters and nodes aliases may add to a document, at least (see :func:`load_yaml`)."""


class UnsafeYamlError(yaml.YAMLError):
    """A cassette uses a tag, an alias expansion or a nesting depth that a cassette may not.

    Attributes:
        tag: The refused tag, when a tag was the reason.
    """

    def __init__(self, message: str, *, tag: str | None = None) -> None:
        super().__init__(message)
        self.tag = tag


# -- reading -------------------------------------------------------------------------------------


def _where(node_or_event: Any) -> str:
    mark = getattr(node_or_event, "start_mark", None)
    return f"line {mark.line + 1}: " if mark is not None else ""


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


class _BoundedComposer(Composer):
    """PyYAML's composer, counting depth and what aliases expand to."""

    def __init__(self, budget: int) -> None:
        Composer.__init__(self)
        self._budget = budget
        self._expanded = 0
        self._depth = 0
        self._weights: dict[int, int] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):  # type: ignore[attr-defined]
            event = self.peek_event()  # type: ignore[attr-defined]
            node = Composer.compose_node(self, parent, index)
            weight = self._weights.get(id(node))
            if weight is None:
                raise UnsafeYamlError(
                    f"{_where(event)}alias *{event.anchor} refers to a node that contains it; "
                    "a cassette cannot hold cycles"
                )
            self._expanded += weight
            if self._expanded > self._budget:
                raise UnsafeYamlError(
                    f"{_where(event)}aliases expand to more than {self._budget:,} characters and nodes "
                    "(a 'billion laughs' file?); a cassette written by vcrpy or the harness never does"
                )
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise UnsafeYamlError(
                f"{_where(self.peek_event())}nested deeper than {MAX_DEPTH} levels; "  # type: ignore[attr-defined]
                "a cassette is a few levels deep"
            )
        node = Composer.compose_node(self, parent, index)
        self._depth -= 1
        if isinstance(node, ScalarNode):
            weight = 1 + len(node.value)
        elif isinstance(node, SequenceNode):
            weight = 1 + sum(self._weights.get(id(item), 1) for item in node.value)
        elif isinstance(node, MappingNode):
            weight = 1 + sum(
                self._weights.get(id(key), 1) + self._weights.get(id(value), 1) for key, value in node.value
            )
        else:  # pragma: no cover - the composer makes only these three
            weight = 1
        self._weights[id(node)] = weight
        return node


def _refuse(loader: yaml.SafeLoader, *args: Any) -> Any:
    node = args[-1]
    tag = str(node.tag)
    raise UnsafeYamlError(
        f"{_where(node)}the tag {_short_tag(tag)} is refused: a cassette holds only data (standard YAML "
        "types, !!binary, !binary, !ruby/...); nothing in the file was run",
        tag=_short_tag(tag),
    )


def _ruby_binary(loader: yaml.SafeLoader, node: Node) -> bytes:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    try:
        return base64.b64decode("".join(str(text).split()), validate=True)
    except binascii.Error as error:
        raise yaml.constructor.ConstructorError(
            None, None, f"!binary value is not base64: {error}", node.start_mark
        ) from error


def _ruby_object(loader: yaml.SafeLoader, _suffix: str, node: Node) -> Any:
    if isinstance(node, MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _plain_string(loader: yaml.SafeLoader, node: Node) -> str:
    return str(loader.construct_scalar(node))  # type: ignore[arg-type]


class _CassetteConstructor(SafeConstructor):
    """``SafeConstructor`` plus the tags that recorders of HTTP traffic write; every other tag refused."""


_CassetteConstructor.add_constructor("!binary", _ruby_binary)
_CassetteConstructor.add_multi_constructor("!ruby/", _ruby_object)
_CassetteConstructor.add_constructor("tag:yaml.org,2002:python/unicode", _plain_string)
_CassetteConstructor.add_constructor("tag:yaml.org,2002:python/str", _plain_string)
_CassetteConstructor.add_constructor("tag:yaml.org,2002:timestamp", _plain_string)
_CassetteConstructor.add_multi_constructor("tag:yaml.org,2002:python/", _refuse)
_CassetteConstructor.add_multi_constructor("!", _refuse)
_CassetteConstructor.add_constructor(None, _refuse)

try:
    from yaml._yaml import CParser

    _LIBYAML = True
except ImportError:  # pragma: no cover - libyaml is missing on some platforms
    _LIBYAML = False


if _LIBYAML:

    class _PlainCassetteLoader(CParser, _CassetteConstructor, Resolver):
        """libyaml's parser and composer (as ``yaml.CSafeLoader``), the cassette constructor.

        Its node graph is used only when :func:`_tree_within_limits` finds it a tree (no alias) no
        deeper than :data:`MAX_DEPTH`; libyaml itself stops at 1,000 levels, so composing cannot
        exhaust the stack, and without aliases the graph is no larger than the text.
        """

        def __init__(self, stream: str | bytes) -> None:
            CParser.__init__(self, stream)
            _CassetteConstructor.__init__(self)
            Resolver.__init__(self)

    class _CassetteLoader(_BoundedComposer, CParser, _CassetteConstructor, Resolver):
        """libyaml's event parser, the bounded composer, the cassette constructor."""

        def __init__(self, stream: str | bytes, budget: int) -> None:
            CParser.__init__(self, stream)
            _BoundedComposer.__init__(self, budget)
            _CassetteConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - libyaml is missing on some platforms
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _CassetteLoader(  # type: ignore[no-redef]
        Reader, Scanner, Parser, _BoundedComposer, _CassetteConstructor, Resolver
    ):
        """PyYAML's pure-Python parser, the bounded composer, the cassette constructor."""

        def __init__(self, stream: str | bytes, budget: int) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            _BoundedComposer.__init__(self, budget)
            _CassetteConstructor.__init__(self)
            Resolver.__init__(self)


def _libyaml_limits_nesting() -> bool:
    """Whether this libyaml refuses deep nesting itself (as the one PyYAML 6.0.4 bundles does).

    An older libyaml composes any depth recursively in C, which a hostile file can use to overflow
    the stack and kill the process; there the fast path is not taken and every file goes through the
    bounded composer.
    """
    if not _LIBYAML:
        return False
    try:
        yaml.compose("[" * 2000 + "]" * 2000, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return True
    return False


_FAST_PATH = _libyaml_limits_nesting()


def load_yaml(text: str | bytes) -> Any:
    """Parse one YAML document safely (see the module's description of the limits).

    Raises:
        UnsafeYamlError: A refused tag, alias expansion past the budget, a cycle, or nesting past
            :data:`MAX_DEPTH`; or memory or recursion ran out.
        yaml.YAMLError: The text is not YAML.
    """
    if _FAST_PATH:
        # Most cassettes use no alias: libyaml composes them (as vcrpy reads them), and a walk of the
        # nodes confirms the limits. Anything else (an alias, deep nesting, an error) is read again by
        # the bounded composer, which counts what aliases expand to and words the refusal.
        plain = _PlainCassetteLoader(text)
        try:
            node = plain.get_single_node()
            if node is None:
                return None
            try:
                return _plain_data(plain, node)
            except _NotPlainData:
                pass
            if _tree_within_limits(node):
                return plain.construct_document(node)
        except (yaml.YAMLError, MemoryError, RecursionError):
            pass
        finally:
            plain.dispose()
    loader = _CassetteLoader(text, max(ALIAS_BUDGET, len(text)))
    try:
        return loader.get_single_data()
    except (MemoryError, RecursionError) as error:
        raise UnsafeYamlError(
            f"reading the file ran out of {'memory' if isinstance(error, MemoryError) else 'stack'}"
        ) from None
    finally:
        loader.dispose()


class _NotPlainData(Exception):
    """The node graph is not a tree of plain data within the limits: :func:`_plain_data` gives up."""


_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_SCALAR_MAKERS: dict[str, Any] = {
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:binary": SafeConstructor.construct_yaml_binary,
    "tag:yaml.org,2002:timestamp": _plain_string,
}
"""How the constructor builds the scalars of the standard tags other than ``str`` (the same functions)."""


def _plain_data(loader: SafeConstructor, root: Node) -> Any:
    """The data of a node tree made of standard mappings, sequences and scalars, built in one walk.

    What ``loader.construct_document(root)`` gives for such a tree (the same constructor functions build
    the scalars that are not strings), several times faster: every cassette vcrpy or the harness writes
    is such a tree. Anything else — a node reached twice (an alias), nesting past :data:`MAX_DEPTH`,
    another tag (merge keys, sets, ``!binary``, ``!ruby/...``), a key that cannot be hashed — raises
    :class:`_NotPlainData`, and the caller takes the constructor's own, general path.
    """
    seen: set[int] = set()

    def build(node: Node, depth: int) -> Any:
        if depth > MAX_DEPTH or id(node) in seen:
            raise _NotPlainData
        seen.add(id(node))
        kind, tag = type(node), node.tag
        if kind is ScalarNode:
            if tag == _STR_TAG:
                return node.value
            maker = _SCALAR_MAKERS.get(tag)
            if maker is None:
                raise _NotPlainData
            return maker(loader, node)
        depth += 1
        if kind is MappingNode and tag == _MAP_TAG:
            mapping: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = build(key_node, depth)
                if isinstance(key, (list, dict)):
                    raise _NotPlainData
                mapping[key] = build(value_node, depth)
            return mapping
        if kind is SequenceNode and tag == _SEQ_TAG:
            return [build(item, depth) for item in node.value]
        raise _NotPlainData

    return build(root, 1)


def _tree_within_limits(root: Node) -> bool:
    """Whether no node is reached twice (no alias, no cycle) and nesting stays within :data:`MAX_DEPTH`."""
    seen = {id(root)}
    level = [root]
    for _ in range(MAX_DEPTH):  # the root is at depth 1, as the bounded composer counts
        children: list[Node] = []
        for node in level:
            kind = type(node)
            if kind is MappingNode:
                for key, value in node.value:
                    children.append(key)
                    children.append(value)
            elif kind is SequenceNode:
                children.extend(node.value)
        if not children:
            return True
        before = len(seen)
        seen.update(map(id, children))
        if len(seen) - before != len(children):
            return False
        level = children
    return False


def load_json(text: str | bytes) -> Any:
    """Parse JSON text, with the nesting limit of :func:`load_yaml`.

    Raises:
        UnsafeYamlError: Nesting past :data:`MAX_DEPTH`, or memory ran out.
        ValueError: The text is not JSON.
    """
    try:
        document = json.loads(text)
    except (MemoryError, RecursionError):
        raise UnsafeYamlError(f"nested deeper than {MAX_DEPTH} levels, or too large to read") from None
    if _depth_exceeds(document, MAX_DEPTH):
        raise UnsafeYamlError(f"nested deeper than {MAX_DEPTH} levels; a cassette is a few levels deep")
    return document


def _depth_exceeds(document: Any, limit: int) -> bool:
    level = [document]
    for _ in range(limit + 1):
        children: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                children.extend(value.values())
            elif isinstance(value, list):
                children.extend(value)
        if not children:
            return False
        level = children
    return True


def serializer_for(path: Path) -> str:
    """``json`` for ``.json`` files, ``yaml`` otherwise."""
    return "json" if path.suffix.lower() == ".json" else "yaml"


def load_document(text: str | bytes, kind: str) -> dict[str, Any]:
    """Parse a vcrpy cassette (``kind`` ``"yaml"`` or ``"json"``) with the safe loaders of this module.

    Raises:
        UnsafeYamlError: See :func:`load_yaml`.
        yaml.YAMLError: The text is not YAML.
        ValueError: The text is not JSON, or not a vcrpy cassette.
    """
    document = load_json(text) if kind == "json" else load_yaml(text)
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise ValueError("not a vcrpy cassette: expected a mapping with an 'interactions' list")
    return document


# -- writing -------------------------------------------------------------------------------------


class _CassetteDumper(_SafeDumper):
    """A safe dumper that writes multi-line strings as literal blocks, and never an anchor."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: _CassetteDumper, value: str) -> yaml.Node:
    if "\n" in value and "\r" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_CassetteDumper.add_representer(str, _represent_str)


def dump_yaml(document: dict[str, Any]) -> str:
    """Serialise a cassette document (``version`` and ``interactions``) as YAML text."""
    return yaml.dump(
        document,
        Dumper=_CassetteDumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )


def dump_json(document: dict[str, Any]) -> str:
    """Serialise a cassette document as JSON text (for ``.json`` cassettes, as vcrpy's JSON serializer)."""

    def default(value: Any) -> Any:
        if isinstance(value, bytes):
            return value.decode("utf-8", errors="replace")
        raise TypeError(f"cannot store {type(value).__name__} in a JSON cassette")

    return json.dumps(document, indent=2, ensure_ascii=False, default=default) + "\n"
