"""Normalisation of Assistants payloads: stable id placeholders, masked clocks, configurable masks.

Two recordings of the same scenario differ in their ids and timestamps and in nothing else that
matters. :class:`Normaliser` removes those differences and keeps everything else (statuses, texts,
usage counts, the shape of every object):

- **Ids** become placeholders named after their prefix and numbered in order of first appearance:
  ``asst_1``, ``thread_1``, ``run_1``, ``msg_1``, ``step_1``, ``call_1``, ``file_1`` (for ``file-…``),
  ``vs_1``, ``vsfb_1``, ``req_1``. One id gets one placeholder everywhere in a snapshot: in ``id``
  fields, in references (``thread_id``, ``file_ids``), inside URLs and inside free text such as
  ``"No thread found with id 'thread_abc'"``. An id-shaped value of any ``id``/``*_id``/``*_ids``
  field is replaced whatever its prefix (``org-x7`` becomes ``org_1``).
- **Timestamps** (any integer ``*_at`` field: ``created_at``, ``expires_at``, ``last_active_at`` …)
  become ``"<timestamp>"``; durations (``*_ms``, ``duration``, ``elapsed``, ``latency``) become
  ``"<duration>"``. ``null`` stays ``null``: whether a run has ``completed_at`` is part of its state.
- **Extra masks**: dotted JSON paths where ``*`` matches one key or list index (and may be part of a
  key, ``usage.*_tokens``) and ``**`` any number of them; regular expressions for free text, applied
  after ids are replaced. Both replace what they match with ``"<masked>"``.

Object keys are never rewritten, and dictionaries come out with their keys sorted. Placeholders are
numbered in key-sorted order, which makes :meth:`Normaliser.normalise` idempotent and insensitive to
the order of keys in the input.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TypeAlias

from harness._errors import HarnessError

JSONValue: TypeAlias = "bool | int | float | str | list[JSONValue] | dict[str, JSONValue] | None"
"""A value that JSON can represent."""

Path: TypeAlias = tuple[str, ...]

TIMESTAMP: Final = "<timestamp>"
DURATION: Final = "<duration>"
MASKED: Final = "<masked>"

ID_PREFIXES: Final[Mapping[str, str]] = {
    "asst_": "asst",
    "thread_": "thread",
    "run_": "run",
    "msg_": "msg",
    "step_": "step",
    "call_": "call",
    "file-": "file",
    "file_": "file",  # the placeholder's own spelling, so that normalising twice changes nothing
    "vsfb_": "vsfb",
    "vs_": "vs",
    "req_": "req",
}
"""Id prefixes recognised anywhere, including free text, mapped to the placeholder's name."""

STOP_WORDS: Final[frozenset[str]] = frozenset(
    {
        "action", "based", "batch", "batches", "call", "calls", "cancelled", "choice", "citation",
        "completed", "content", "counts", "created", "creation", "data", "deleted", "details", "error",
        "expired", "failed", "format", "index", "info", "input", "item", "items", "level", "like",
        "limit", "list", "message", "messages", "metadata", "name", "number", "object", "only", "output",
        "outputs", "path", "resources", "result", "results", "search", "searches", "size", "status",
        "step", "steps", "system", "time", "tokens", "type", "upload", "url",
    }
)  # fmt: skip
"""Lower-case words that follow an id prefix in field names and prose (``step_details``,
``file_search``) and therefore never count as an id body in free text."""

_BOUNDARY_BEFORE = r"(?<![A-Za-z0-9_\-])"
_BOUNDARY_AFTER = r"(?![A-Za-z0-9_\-])"
_KNOWN_ID = re.compile(
    _BOUNDARY_BEFORE
    + "(?P<prefix>"
    + "|".join(re.escape(prefix) for prefix in sorted(ID_PREFIXES, key=len, reverse=True))
    + r")(?P<body>[A-Za-z0-9]+)"
    + _BOUNDARY_AFTER
)
_ANY_ID = re.compile(r"(?P<name>[A-Za-z][A-Za-z0-9]*)[_\-][A-Za-z0-9][A-Za-z0-9_\-]*")
_DURATION_KEY = re.compile(r"(?:^|[_\-])(?:ms|duration|elapsed|latency)$", re.IGNORECASE)


def _is_id_body(body: str) -> bool:
    """Whether the text after a known prefix is an id rather than a word (``thread_id``, ``file_search``)."""
    if any(char.isdigit() or char.isupper() for char in body):
        return True
    return len(body) >= 3 and body not in STOP_WORDS


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith("_id")


def _compile_path(path: str) -> Path:
    segments = tuple(path.split("."))
    if not path or any(segment == "" for segment in segments):
        raise HarnessError(
            f"extra path {path!r} has an empty segment: expected dotted keys such as 'data.*.model' "
            "('*' matches one key or list index, '**' any number of them)"
        )
    return segments


def _path_matches(pattern: Path, path: Path) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_path_matches(rest, path[start:]) for start in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(path[0], head) and _path_matches(rest, path[1:])


def _compile_pattern(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    if isinstance(pattern, re.Pattern):
        return pattern
    try:
        return re.compile(pattern)
    except re.error as error:
        raise HarnessError(
            f"extra pattern {pattern!r} is not a valid regular expression ({error}); "
            "pass a Python regex such as r'sk-[A-Za-z0-9]+'"
        ) from None


class Normaliser:
    """Normalises payloads with one placeholder table, so that one snapshot numbers ids once.

    Args:
        extra_paths: Dotted JSON paths whose values are replaced by ``"<masked>"``; ``*`` matches one
            key or list index (or part of one), ``**`` any number of them.
        extra_patterns: Regular expressions; their matches in any string become ``"<masked>"``.
        id_prefixes: Prefixes recognised as ids in free text, mapped to the placeholder name.

    Raises:
        HarnessError: A path or pattern cannot be used.
    """

    def __init__(
        self,
        *,
        extra_paths: Iterable[str] = (),
        extra_patterns: Iterable[str | re.Pattern[str]] = (),
        id_prefixes: Mapping[str, str] = ID_PREFIXES,
    ) -> None:
        if isinstance(extra_paths, str) or isinstance(extra_patterns, str):
            raise HarnessError(
                "extra_paths and extra_patterns take a sequence of strings, not one string: "
                "write extra_paths=('data.*.model',)"
            )
        self.extra_paths: tuple[str, ...] = tuple(extra_paths)
        self.extra_patterns: tuple[str | re.Pattern[str], ...] = tuple(extra_patterns)
        self.id_prefixes: dict[str, str] = dict(id_prefixes)
        self._paths = tuple(_compile_path(path) for path in self.extra_paths)
        self._patterns = tuple(_compile_pattern(pattern) for pattern in self.extra_patterns)
        self._known = (
            _KNOWN_ID
            if self.id_prefixes == dict(ID_PREFIXES)
            else re.compile(
                _BOUNDARY_BEFORE
                + "(?P<prefix>"
                + "|".join(re.escape(prefix) for prefix in sorted(self.id_prefixes, key=len, reverse=True))
                + r")(?P<body>[A-Za-z0-9]+)"
                + _BOUNDARY_AFTER
            )
        )
        self._table: dict[str, str] = {}
        self._counters: dict[str, int] = {}
        self._exact: re.Pattern[str] | None = None

    def fresh(self) -> Normaliser:
        """A normaliser with the same configuration and an empty placeholder table."""
        return Normaliser(
            extra_paths=self.extra_paths, extra_patterns=self.extra_patterns, id_prefixes=self.id_prefixes
        )

    @property
    def placeholders(self) -> dict[str, str]:
        """A copy of the table: each id seen so far and its placeholder."""
        return dict(self._table)

    # --- the public operations -------------------------------------------------------------------

    def normalise(self, value: JSONValue) -> JSONValue:
        """Return ``value`` with ids, timestamps, durations and the configured extras normalised.

        Ids are numbered in the order they appear with object keys sorted; ids already in this
        normaliser's table keep their placeholder.
        """
        masked = self._mask(value, ())
        self._collect(masked, in_id_field=False)
        return self._replace(masked, in_id_field=False)

    def placeholder(self, raw_id: str) -> str:
        """The placeholder of ``raw_id`` (registering it); text that is not id-shaped comes back as is."""
        known = self._known.fullmatch(raw_id)
        if known is not None:
            return self._register(raw_id, self.id_prefixes[known.group("prefix")])
        shaped = _ANY_ID.fullmatch(raw_id)
        if shaped is not None:
            return self._register(raw_id, shaped.group("name").lower())
        return raw_id

    def text(self, value: str) -> str:
        """Replace every id in free text by its placeholder, then mask the extra patterns."""
        self._collect_text(value)
        return self._mask_text(self._replace_text(value))

    def mask(self, value: JSONValue) -> JSONValue:
        """Apply only the extra paths and the clock masks (ids and patterns untouched)."""
        return self._mask(value, ())

    # --- phase 0: paths and clocks -------------------------------------------------------------

    def _mask(self, value: JSONValue, path: Path) -> JSONValue:
        if path and any(_path_matches(pattern, path) for pattern in self._paths):
            return MASKED
        if isinstance(value, dict):
            result: dict[str, JSONValue] = {}
            for key in sorted(value):
                child = value[key]
                if isinstance(child, int | float) and not isinstance(child, bool):
                    if key.endswith("_at"):
                        child = TIMESTAMP
                    elif _DURATION_KEY.search(key):
                        child = DURATION
                result[key] = self._mask(child, (*path, key))
            return result
        if isinstance(value, list):
            return [self._mask(item, (*path, str(index))) for index, item in enumerate(value)]
        return value

    # --- phase 1: collect ids in order of appearance -------------------------------------------

    def _collect(self, value: JSONValue, *, in_id_field: bool) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                self._collect(child, in_id_field=_is_id_key(key) or key.endswith("_ids"))
        elif isinstance(value, list):
            for item in value:
                self._collect(item, in_id_field=in_id_field)
        elif isinstance(value, str):
            if in_id_field and value != MASKED:
                self.placeholder(value)
            self._collect_text(value)

    def _collect_text(self, value: str) -> None:
        for match in self._known.finditer(value):
            if match.group(0) in self._table or _is_id_body(match.group("body")):
                self._register(match.group(0), self.id_prefixes[match.group("prefix")])

    def _register(self, raw_id: str, name: str) -> str:
        placeholder = self._table.get(raw_id)
        if placeholder is None:
            number = self._counters.get(name, 0) + 1
            self._counters[name] = number
            placeholder = self._table[raw_id] = f"{name}_{number}"
            self._exact = None
        return placeholder

    # --- phase 2: replace ids, then mask the extra patterns -------------------------------------

    def _replace(self, value: JSONValue, *, in_id_field: bool) -> JSONValue:
        if isinstance(value, dict):
            return {
                key: self._replace(child, in_id_field=_is_id_key(key) or key.endswith("_ids"))
                for key, child in value.items()
            }
        if isinstance(value, list):
            return [self._replace(item, in_id_field=in_id_field) for item in value]
        if isinstance(value, str):
            if in_id_field and value in self._table:
                return self._mask_text(self._table[value])
            return self._mask_text(self._replace_text(value))
        return value

    def _mask_text(self, value: str) -> str:
        for pattern in self._patterns:
            value = pattern.sub(MASKED, value)
        return value

    def _replace_text(self, value: str) -> str:
        if not self._table:
            return value
        if self._exact is None:
            alternatives = "|".join(re.escape(raw) for raw in sorted(self._table, key=len, reverse=True))
            self._exact = re.compile(f"{_BOUNDARY_BEFORE}(?:{alternatives}){_BOUNDARY_AFTER}")
        table = self._table
        return self._exact.sub(lambda match: table[match.group(0)], value)


def normalise(
    value: JSONValue,
    *,
    extra_paths: Sequence[str] = (),
    extra_patterns: Sequence[str | re.Pattern[str]] = (),
) -> JSONValue:
    """Normalise one JSON value with a fresh placeholder table (see :class:`Normaliser`)."""
    return Normaliser(extra_paths=extra_paths, extra_patterns=extra_patterns).normalise(value)
