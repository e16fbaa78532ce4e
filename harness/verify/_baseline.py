"""The drift baseline: a reviewed list of drift that recordings are known to carry.

Real traffic drifts from the documentation (fields the seed does not list, events it does not name). The
baseline lists each such finding once, keyed by *what* drifted — kind, contract object and JSON path —
and never by where, so it stays put when recordings are added or re-recorded. The object is the one the
drift is really about: a field of runs is one entry whether it was seen on a run, in a list of runs or
in the data of a ``thread.run.*`` event. Each entry has a
``reason`` for a person to fill in. With a baseline, ``harness verify`` fails only on drift it does not
list; violations are never accepted.

The file looks like this::

    version: 1
    accepted:
      Run:
      - kind: unknown_field
        path: reasoning_effort
        count: 12
        example: cassettes/runs.yaml:3
        reason: real runs carry reasoning_effort (2025+), not in the seed
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness._errors import HarnessError
from harness._findings import Finding
from harness._yaml import load_yaml
from harness.contracts._compiled import compiled

DEFAULT_BASELINE = Path("contracts/drift-baseline.yaml")
"""Where ``harness verify`` looks for the project's baseline, relative to the working directory."""

BUILTIN_BASELINE = Path(__file__).with_name("real-api-drift.yaml")
"""The built-in baseline, shipped in the package: the drift the hosted API shows in real recordings,
which the embedded server reproduces on purpose. Every baseline the harness uses starts from it."""

BaselineKey = tuple[str, str, str, str]
"""``(kind, object, path, rule)``; ``object`` and ``rule`` are ``""`` when the finding has none."""

_HEADER = """\
# Drift accepted by `harness verify`: findings that recorded traffic is known to carry and that the
# contracts deliberately do not model. Keyed by kind, contract object and JSON path (never by file), so
# it stays stable across recordings. Rewrite it with `harness verify --update-baseline PATH...`, which
# keeps every `reason:`; write a reason for each new entry before committing. Violations never go here.
"""


def path_pattern(path: str) -> str:
    """``path`` with list indexes as ``*`` (``data.3.file_ids`` → ``data.*.file_ids``).

    Findings keep their exact path; groups and baseline entries use the pattern, so that a longer list
    in a new recording is the same drift, not a new one.
    """
    if not any(char.isdigit() for char in path):
        return path
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def canonical_place(obj: str, path: str) -> tuple[str, str]:
    """The object a finding is really about, and its path inside it, list indexes as ``*``.

    Drift in a run is the same whether the run came alone, in a ``RunList`` (``data.*.x``) or as the
    data of a ``thread.run.*`` event: all three are ``("Run", "x")``. Other names are kept as they are.
    """
    path = path_pattern(path)
    wrapped = compiled().wrapped(obj)
    if wrapped is not None:
        inner, prefix = wrapped
        if path.startswith(prefix):
            return inner, path[len(prefix) :]
    return obj, path


def baseline_key(finding: Finding) -> BaselineKey:
    """The key under which ``finding`` is listed in a baseline (see :func:`canonical_place`)."""
    obj, path = canonical_place(finding.object or "", finding.path)
    return (finding.kind, obj, path, finding.rule or "")


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One accepted kind of drift.

    Attributes:
        kind: The finding kind, e.g. ``unknown_field``.
        object: The contract object, e.g. ``Run``; ``""`` when findings have none.
        path: The dotted JSON path inside the object, list indexes as ``*`` (see :func:`path_pattern`).
        rule: The grammar rule id, ``""`` for contract findings.
        count: How many findings it covered when it was written (informative only).
        example: Where one of them was seen, as ``file:interaction[:event]``.
        reason: Why it is accepted, written by a person.
    """

    kind: str
    object: str
    path: str
    rule: str = ""
    count: int = 0
    example: str = ""
    reason: str = ""

    @property
    def key(self) -> BaselineKey:
        """The entry's key (see :func:`baseline_key`)."""
        return (self.kind, self.object, self.path, self.rule)


@dataclass(frozen=True, slots=True)
class Baseline:
    """A set of accepted drift entries, optionally tied to the file it was read from."""

    entries: dict[BaselineKey, BaselineEntry] = field(default_factory=dict)
    source: Path | None = None
    builtin: bool = False
    """Whether the built-in baseline is part of it (see :func:`load_baseline`)."""

    def merged(self, other: Baseline) -> Baseline:
        """This baseline and ``other`` together (``other``'s entries and source win)."""
        return Baseline(
            entries={**self.entries, **other.entries},
            source=other.source or self.source,
            builtin=self.builtin or other.builtin,
        )

    def describe(self) -> str:
        """Where the entries come from, for people: ``built-in + contracts/drift-baseline.yaml``."""
        parts = (["built-in"] if self.builtin else []) + ([str(self.source)] if self.source else [])
        return " + ".join(parts) or "none"

    def accepts(self, finding: Finding) -> bool:
        """Whether ``finding`` is drift that this baseline lists."""
        return finding.severity == "drift" and baseline_key(finding) in self.entries

    @classmethod
    def from_findings(cls, findings: Iterable[Finding], *, previous: Baseline | None = None) -> Baseline:
        """A baseline accepting every drift finding of ``findings``, keeping ``previous`` reasons."""
        counts: dict[BaselineKey, int] = {}
        examples: dict[BaselineKey, str] = {}
        for finding in findings:
            if finding.severity != "drift":
                continue
            key = baseline_key(finding)
            counts[key] = counts.get(key, 0) + 1
            examples.setdefault(key, finding.location)
        old = previous.entries if previous is not None else {}
        entries = {
            key: BaselineEntry(
                *key,
                count=counts[key],
                example=examples[key],
                reason=old[key].reason if key in old else "",
            )
            for key in sorted(counts)
        }
        return cls(entries=entries, source=previous.source if previous is not None else None)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """Read a baseline file.

        Raises:
            HarnessError: The file is missing or is not a baseline.
        """
        try:
            document = load_yaml(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise HarnessError(
                f"cannot read the drift baseline {path}: {error.strerror or error}; "
                "create it with `harness verify --update-baseline PATH...` or pass --no-baseline"
            ) from error
        except yaml.YAMLError as error:
            raise HarnessError(f"the drift baseline {path} is not valid YAML: {error}") from error
        if document is None:
            return cls(source=path)
        accepted = document.get("accepted") if isinstance(document, dict) else None
        if not isinstance(accepted, dict) or document.get("version") != 1:
            raise HarnessError(
                f"{path} is not a drift baseline: expected `version: 1` and an `accepted:` mapping of "
                "object names to lists of entries; regenerate it with `harness verify --update-baseline`"
            )
        entries: dict[BaselineKey, BaselineEntry] = {}
        for obj, items in accepted.items():
            for item in items or []:
                entry = _entry(path, str(obj), item)
                entries[entry.key] = entry
        return cls(entries=entries, source=path)

    def dump(self) -> str:
        """The baseline as reviewable YAML, grouped by object and sorted."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entry in sorted(self.entries.values(), key=lambda e: (e.object, e.path, e.kind, e.rule)):
            item: dict[str, Any] = {"kind": entry.kind, "path": entry.path}
            if entry.rule:
                item["rule"] = entry.rule
            item.update(count=entry.count, example=entry.example, reason=entry.reason)
            grouped.setdefault(entry.object, []).append(item)
        body = yaml.safe_dump(
            {"version": 1, "accepted": grouped}, sort_keys=False, allow_unicode=True, width=1000
        )
        return _HEADER + body

    def write(self, path: Path) -> None:
        """Write :meth:`dump` to ``path``, creating its folder."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(self.dump(), encoding="utf-8")
        temporary.replace(path)


def _entry(path: Path, obj: str, item: Any) -> BaselineEntry:
    if not isinstance(item, dict) or not isinstance(item.get("kind"), str) or "path" not in item:
        raise HarnessError(
            f"{path}: an entry under {obj!r} should be a mapping with `kind` and `path`, found {item!r}"
        )
    return BaselineEntry(
        kind=item["kind"],
        object=obj,
        path=str(item["path"] or ""),
        rule=str(item.get("rule") or ""),
        count=int(item.get("count") or 0),
        example=str(item.get("example") or ""),
        reason=str(item.get("reason") or ""),
    )


@functools.cache
def builtin_baseline() -> Baseline:
    """The built-in baseline (:data:`BUILTIN_BASELINE`), read once."""
    loaded = Baseline.load(BUILTIN_BASELINE)
    return Baseline(entries=loaded.entries, builtin=True)


def load_baseline(path: Path | None, *, required: bool = False) -> Baseline:
    """The baseline the plugin, ``harness verify`` and ``harness demo`` all use: the built-in one plus
    the project's file at ``path`` when it exists.

    Args:
        path: The project's baseline (``contracts/drift-baseline.yaml`` by default), or ``None``.
        required: Whether a missing ``path`` is an error (it was named explicitly).

    Raises:
        HarnessError: ``path`` is required and missing, or is not a baseline.
    """
    builtin = builtin_baseline()
    if path is None or (not required and not path.exists()):
        return builtin
    return builtin.merged(Baseline.load(path))
