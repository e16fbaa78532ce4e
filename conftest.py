"""Fixtures and hooks shared by the whole test suite.

- the real recordings in ``../shared`` (see ``tests/real_data.py``): under CI their absence, or a skip for
  lack of them, fails the run, and the summary says how many real recordings the tests read;
- the ``compat`` marker on the compatibility subset that every CI environment runs;
- a scripted HTTP server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
    config.pluginmanager.register(real_data, "real-data")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).as_posix().startswith(COMPAT_AREAS):
            item.add_marker(pytest.mark.compat)


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
