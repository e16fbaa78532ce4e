"""The public API of ``harness``: a small, sorted ``__all__`` whose every name resolves."""

from __future__ import annotations

import subprocess
import sys

import harness

EXPECTED = [
    "Cassette",
    "ContractViolation",
    "Finding",
    "HarnessError",
    "Recorder",
    "RecorderConfig",
    "RedactionRules",
    "assert_stream_valid",
    "check_exchange",
    "check_stream",
    "format_findings",
    "verify",
]


def test_all_is_pinned_and_sorted() -> None:
    assert harness.__all__ == EXPECTED
    assert harness.__all__ == sorted(harness.__all__)


def test_every_public_name_resolves() -> None:
    for name in harness.__all__:
        assert getattr(harness, name) is not None, name


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        harness.no_such_thing  # noqa: B018
    except AttributeError as error:
        assert "no_such_thing" in str(error)
    else:
        raise AssertionError("harness.no_such_thing resolved")


def test_importing_harness_does_not_import_heavy_dependencies() -> None:
    code = (
        "import sys, harness, harness._plugin; "
        "print(sorted(m for m in ('vcr','openai','hypothesis','starlette','uvicorn','pydantic','httpx2') "
        "if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
