"""The pytest plugin: options, markers and fixtures; the work happens in the library."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the harness's option group."""
    parser.getgroup("harness", "assistants-harness: record/replay and contracts")
