"""Fixtures and hooks shared by the whole test suite.

- the real recordings in ``../shared`` (see ``tests/real_data.py``): under CI their absence, or a skip for
  lack of them, fails the run, and the summary says how many real recordings the tests read;
- the ``compat`` marker on the compatibility subset that every CI environment runs;
- a scripted HTTP server.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import real_data
from tests.stub_api import StubAPI

ROOT = real_data.ROOT
REAL_CASSETTES = real_data.REAL_CASSETTES

COMPAT_AREAS = (
    "tests/recording/",
    "tests/plugin/",
    "tests/contracts/",
    "tests/streams/test_grammar_",
    "tests/verify/test_verify_readers.py",
)
"""Tests marked ``compat``: record/replay of every SDK entry point (sync and async), the plugin's options,
the contracts, the stream grammar and the cassette readers. The other CI environments run this subset."""


def pytest_configure(config: pytest.Config) -> None:
    real_data.watch_reads()


def pytest_sessionstart(session: pytest.Session) -> None:
    if real_data.under_ci() and not real_data.REAL_CASSETTES.is_dir():
        raise pytest.UsageError(
            f"the real recordings are not at {real_data.REAL_CASSETTES}: under CI the suite needs ../shared "
            "beside the project (clone the project next to it, or link it there)"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).as_posix().startswith(COMPAT_AREAS):
            item.add_marker(pytest.mark.compat)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: pytest.TestReport = yield
    if report.skipped and real_data.under_ci() and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(word in reason for word in real_data.MISSING_DATA_WORDS):
            report.outcome = "failed"
            report.longrepr = f"skipped for lack of real data, a failure under CI: {reason}"
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # an xdist worker: hand its reads to the controller
        output["real_recordings_read"] = sorted(real_data.recordings_read())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    real_data.merge_reads(getattr(node, "workeroutput", {}).get("real_recordings_read", ()))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if getattr(config, "workeroutput", None) is not None:
        return
    read = len(real_data.recordings_read())
    available = real_data.recordings_available()
    terminalreporter.write_line(
        f"real recordings read: {read} of {available} in {real_data.REAL_CASSETTES}"
        + ("" if available else " (absent)")
    )


@pytest.fixture(scope="session")
def real_cassettes() -> Path:
    """The folder of real recordings beside the project (``../shared/real-cassettes``).

    Skips when it is absent, or fails under CI.
    """
    return real_data.require_real_data()


@pytest.fixture
def stub_api() -> Iterator[StubAPI]:
    """A scripted Assistants-like HTTP server on 127.0.0.1 (see tests/stub_api.py)."""
    with StubAPI() as server:
        yield server
