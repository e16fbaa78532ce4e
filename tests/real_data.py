"""The real data the suite reads from ``../shared`` beside the project, and the policy when it is absent.

It is also the plugin that applies that policy (the root ``conftest.py`` registers it).

Outside CI a test whose real data is missing skips, so a checkout without ``../shared`` still runs the
rest. Under CI (``CI`` set to ``true``, ``1`` or ``yes``) it fails instead: real-traffic coverage must not
vanish silently. The session also counts the real recordings the tests opened (an audit hook sees every
``open`` of a file under ``real-cassettes``) and prints the count in its summary.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
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


# --- the plugin ---------------------------------------------------------------------------------------


def pytest_configure(config: pytest.Config) -> None:
    watch_reads()


def pytest_sessionstart(session: pytest.Session) -> None:
    if under_ci() and not REAL_CASSETTES.is_dir():
        raise pytest.UsageError(
            f"the real recordings are not at {REAL_CASSETTES}: under CI the suite needs ../shared "
            "beside the project (clone the project next to it, or link it there)"
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    if report.skipped and under_ci() and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(word in reason for word in MISSING_DATA_WORDS):
            report.outcome = "failed"
            report.longrepr = f"skipped for lack of real data, a failure under CI: {reason}"
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker: hand its reads to the controller
        output["real_recordings_read"] = sorted(recordings_read())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    merge_reads(getattr(node, "workeroutput", {}).get("real_recordings_read", ()))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if getattr(config, "workeroutput", None) is not None:
        return
    read = len(recordings_read())
    available = recordings_available()
    terminalreporter.write_line(
        f"real recordings read: {read} of {available} in {REAL_CASSETTES}"
        + ("" if available else " (absent)")
    )
