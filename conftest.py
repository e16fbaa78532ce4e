"""Fixtures shared by the whole test suite: the real recordings and a scripted HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.stub_api import StubAPI

ROOT = Path(__file__).resolve().parent
REAL_CASSETTES = ROOT.parent / "shared" / "real-cassettes"


@pytest.fixture(scope="session")
def real_cassettes() -> Path:
    """The folder of real recordings beside the project (``../shared/real-cassettes``); skips when absent."""
    if not REAL_CASSETTES.is_dir():
        pytest.skip("../shared/real-cassettes is not present")
    return REAL_CASSETTES


@pytest.fixture
def stub_api() -> Iterator[StubAPI]:
    """A scripted Assistants-like HTTP server on 127.0.0.1 (see tests/stub_api.py)."""
    with StubAPI() as server:
        yield server
