"""The real data the suite reads from ``../shared`` beside the project, and the policy when it is absent.

Outside CI a test whose real data is missing skips, so a checkout without ``../shared`` still runs the
rest. Under CI (``CI`` set to ``true``, ``1`` or ``yes``) it fails instead: real-traffic coverage must not
vanish silently. The session also counts the real recordings the tests opened (an audit hook sees every
``open`` of a file under ``real-cassettes``) and prints the count in its summary.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL_CASSETTES = SHARED / "real-cassettes"
OPENAPI = SHARED / "openapi" / "openapi.json"

_REAL_PREFIX = str(REAL_CASSETTES) + os.sep
_opened: set[str] = set()
_watching = False

MISSING_DATA_WORDS = ("../shared", str(SHARED), "real recording", "real data", "empty parameter set")
"""Words of a skip reason that mark it as a skip for lack of real data (a failure under CI)."""


def under_ci() -> bool:
    """Whether the suite runs under CI, where missing real data is a failure."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(message: str) -> NoReturn:
    """Skip the current test for lack of real data, or fail it under CI."""
    if under_ci():
        pytest.fail(f"{message} (under CI the real data in ../shared is required)", pytrace=False)
    pytest.skip(message)


def require_real_data(path: Path = REAL_CASSETTES) -> Path:
    """``path`` (a file or folder under ``../shared``) when it exists; otherwise skip, or fail under CI."""
    if not path.exists():
        missing(f"real data not found at {path} (expected ../shared beside the project)")
    return path


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "open" and args and isinstance(args[0], str) and args[0].startswith(_REAL_PREFIX):
        _opened.add(args[0][len(_REAL_PREFIX) :])


def watch_reads() -> None:
    """Start counting the real recordings this process opens (once per process; cannot be undone)."""
    global _watching
    if not _watching:
        _watching = True
        sys.addaudithook(_audit)


def recordings_read() -> set[str]:
    """The real recordings opened so far by this process, relative to ``real-cassettes``."""
    return {name for name in _opened if not name.endswith(".md")}


def merge_reads(names: Any) -> None:
    """Add the reads another process (an xdist worker) reported."""
    _opened.update(str(name) for name in names)


def recordings_available() -> int:
    """How many recordings ``real-cassettes`` holds (0 when absent)."""
    if not REAL_CASSETTES.is_dir():
        return 0
    suffixes = {".yaml", ".yml", ".json"}
    return sum(1 for path in REAL_CASSETTES.rglob("*") if path.suffix in suffixes and path.is_file())
