"""The compiled contracts: what checking traffic needs of the contract models, loadable without them.

Checking traffic needs, for each contract it is checked against (the request, query and response models
of the routes, ``ErrorResponse``, the data of each stream event), the contract's drift schema
(``_core_schema.drift_schema``), and the contract each stream event's data is. Generating these from the
pydantic models is the largest fixed cost of a session that checks traffic: defining the ~170 models
takes some 45 ms, and generating the core schemas a session's traffic needs 15 to 45 ms more, against a
few for the rest. The result is plain data (and the few functions of ``_model_functions.py``, kept by
name), so it is cached like bytecode:

- in the ``__pycache__`` folder beside this module (under ``PYTHONPYCACHEPREFIX`` when that is set), and
  not written when ``PYTHONDONTWRITEBYTECODE`` is set;
- named by two digests, of the Python, pydantic and pydantic-core versions and of the sources it is
  generated from, so that an upgraded pydantic or a changed model never reads an old one; writing one
  removes the older ones of the same versions (environments sharing one checkout keep theirs);
- holding the contracts sessions have needed: a session generates, from the models, only the contracts
  its traffic needs that the cache lacks, and adds them to the cache when the process ends;
- read only if it is exactly what this module writes: a missing, corrupt, foreign or unwritable cache
  costs time, never a result.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import importlib.util
import os
import pickle
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from harness.contracts._core_schema import CoreSchema, drift_schema, list_item_owner
from harness.contracts._routes import ROUTES, contract_model

_FORMAT = 1
"""The layout of the cached data; part of the digest."""
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_PREFIX = "contracts-"
_HERE = Path(__file__).resolve().parent
ERROR_CONTRACT = "ErrorResponse"
"""The contract of every error body (status >= 400)."""
_SOURCES = ("_models", "_model_functions.py", "_core_schema.py", "_compiled.py", "_routes.py")
"""What the compiled contracts are generated from, relative to this folder."""


@dataclass(frozen=True, slots=True)
class Contract:
    """One compiled contract.

    Attributes:
        name: The model's name (``Run``), the ``object`` of findings about it.
        schema: Its drift schema.
        strict: Whether the model validates strictly (its ``model_config``); applies to the whole schema.
    """

    name: str
    schema: CoreSchema
    strict: bool


class CompiledContracts:
    """Every contract traffic is checked against, by name, and the contract of each stream event's data.

    Each contract is unpickled from the cache when first asked for (a session pays for the contracts its
    traffic uses), or generated from its model when the cache lacks it.
    """

    def __init__(
        self, pickled: Mapping[str, tuple[bytes, bool]], events: Mapping[str, str | None] | None
    ) -> None:
        self._pickled = dict(pickled)
        self._events = events
        self._contracts: dict[str, Contract] = {}
        self._names: Mapping[str, None] | None = None
        self.changed = False
        """Whether anything was generated that the cache it was read from lacks."""

    def contract(self, name: str) -> Contract:
        """The contract of the model ``name``."""
        found = self._contracts.get(name)
        if found is None:
            found = self._unpickle(name)
            if found is None:
                found = _generate(name)
                self.changed = True
            self._contracts[name] = found
        return found

    def _unpickle(self, name: str) -> Contract | None:
        entry = self._pickled.get(name)
        if entry is None:
            return None
        try:
            schema = pickle.loads(entry[0])
        except Exception:  # a function it names is gone: generated from the model instead
            return None
        return Contract(name, schema, entry[1]) if isinstance(schema, dict) else None

    def wrapped(self, name: str) -> tuple[str, str] | None:
        """The object contract ``name`` wraps, and the path prefix of that object inside it.

        A list page (``RunList``) wraps its items under ``data.*.``; a stream event (``thread.run.created``)
        wraps the object its data carries, at the root. ``None`` for any other name.
        """
        events = self.events()
        if name in events:
            data = events[name]
            return (data, "") if data else None
        if self._names is None:
            self._names = _names(events)
        if name not in self._names:
            return None
        item = list_item_owner(self.contract(name).schema)
        return (item, "data.*.") if item else None

    def events(self) -> Mapping[str, str | None]:
        """Every stream event and the contract of its data (``None`` when it is no object: ``done``)."""
        if self._events is None:
            self._events = _model_events()
            self.changed = True
        return self._events

    def to_bytes(self, other: CompiledContracts | None = None) -> bytes:
        """What the cache holds: these contracts, and those of ``other`` (another process's cache) that these
        lack; each pickled apart, so that each loads alone."""
        pickled = dict(other._pickled) if other is not None else {}
        pickled.update(self._pickled)
        for name, contract in self._contracts.items():
            if name not in pickled:
                pickled[name] = (pickle.dumps(contract.schema, _PROTOCOL), contract.strict)
        events = self._events if self._events is not None else other._events if other else None
        return pickle.dumps({"format": _FORMAT, "contracts": pickled, "events": events}, _PROTOCOL)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CompiledContracts | None:
        """The contracts ``raw`` holds (what :meth:`to_bytes` gave); ``None`` when it is anything else."""
        try:
            data = pickle.loads(raw)
        except Exception:  # any unreadable cache (truncated, foreign) is a miss
            return None
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return None
        contracts, events = data.get("contracts"), data.get("events")
        if not isinstance(contracts, dict) or not (events is None or isinstance(events, dict)):
            return None
        for name, entry in contracts.items():
            if not (isinstance(name, str) and isinstance(entry, tuple) and len(entry) == 2):
                return None
            if not (isinstance(entry[0], bytes) and isinstance(entry[1], bool)):
                return None
        if events is not None and not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in events.items()
        ):
            return None
        return cls(contracts, events)


@functools.cache
def compiled() -> CompiledContracts:
    """The compiled contracts: from the cache when there is one; what the process adds to them is cached
    when it ends (when bytecode may be written)."""
    path = cache_path()
    if path is None:
        return CompiledContracts({}, None)
    contracts = _read(path) or CompiledContracts({}, None)
    atexit.register(_save, path, contracts)
    return contracts


def cache_path() -> Path | None:
    """Where the compiled contracts of this installation are cached; ``None`` when nothing may be written
    (``PYTHONDONTWRITEBYTECODE``, or an interpreter without bytecode caches)."""
    if sys.dont_write_bytecode:
        return None
    try:
        folder = Path(importlib.util.cache_from_source(__file__)).parent
    except NotImplementedError:
        return None
    return folder / f"{_PREFIX}{_versions_digest()}-{_sources_digest()}.pickle"


def _versions_digest() -> str:
    from pydantic.version import VERSION
    from pydantic_core import __version__ as core_version

    return hashlib.blake2b(
        f"{_FORMAT} {sys.version} {VERSION} {core_version}".encode(), digest_size=6
    ).hexdigest()


def _sources_digest() -> str:
    digest = hashlib.blake2b(digest_size=8)
    for source in _SOURCES:
        path = _HERE / source
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _read(path: Path) -> CompiledContracts | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return CompiledContracts.from_bytes(raw)


def _save(path: Path, contracts: CompiledContracts) -> None:
    """Add what this process generated to the cache at ``path`` (see :func:`_write`)."""
    if contracts.changed:
        _write(path, contracts.to_bytes(_read(path)))


def _write(path: Path, data: bytes) -> None:
    """Write the cache atomically (concurrent processes may write the same one), removing older ones of
    the same versions.

    The file is created like bytecode, readable by whoever can read the package (``umask`` applies).
    Processes ending together may each write their own additions: the last one's stay, and the others'
    are generated again when next needed.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("xb") as stream:
            stream.write(data)
        os.replace(temporary, path)
        for older in path.parent.glob(f"{_PREFIX}{_versions_digest()}-*.pickle"):
            if older != path:
                older.unlink(missing_ok=True)
    except Exception:  # a cache that cannot be written (read-only, unpicklable) is no cache
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def _generate(name: str) -> Contract:
    model = contract_model(name)
    return Contract(name, drift_schema(model), bool(model.model_config.get("strict", False)))


def _model_events() -> dict[str, str | None]:
    from pydantic import BaseModel

    from harness.contracts._models import EVENT_MODELS

    events: dict[str, str | None] = {}
    for event, model in EVENT_MODELS.items():
        data = model.model_fields["data"].annotation
        events[event] = data.__name__ if isinstance(data, type) and issubclass(data, BaseModel) else None
    return events


def _names(events: Mapping[str, str | None]) -> dict[str, None]:
    """Every contract traffic is checked against, in a stable order."""
    routes = [name for route in ROUTES for name in (route.request, route.query, route.response) if name]
    return dict.fromkeys([*routes, ERROR_CONTRACT, *(name for name in events.values() if name)])
