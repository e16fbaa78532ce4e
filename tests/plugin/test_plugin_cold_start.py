"""A bare ``pytest --co`` stays light: the plugin imports the library only when a test needs it."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "syrupy",
    "vcr",
    "openai",
    "hypothesis",
    "pydantic",
    "starlette",
    "uvicorn",
    "harness.contracts._models",
    "harness.snapshots._extensions",
    "harness.recording._cassette",
    "harness.verify",
)

REPORTER = """
import json, sys

HEAVY = {heavy!r}

def pytest_collection_finish(session):
    with open("loaded.json", "w") as stream:
        json.dump(sorted(name for name in HEAVY if name in sys.modules), stream)
"""


@pytest.mark.parametrize("recording", [(), ("-p", "no:recording")], ids=["pytest-recording", "alone"])
def test_collecting_imports_none_of_the_heavy_modules(
    pytester: pytest.Pytester, recording: tuple[str, ...]
) -> None:
    pytester.makeconftest(REPORTER.format(heavy=HEAVY))
    pytester.makepyfile(test_plain="def test_nothing():\n    pass\n")
    # syrupy's and Hypothesis's own pytest plugins import their packages themselves; what is checked
    # here is that the harness's plugin imports none of them (nor its own heavy parts).
    result = pytester.runpytest_subprocess(
        "--co", "-p", "no:syrupy", "-p", "no:hypothesispytest", "-p", "no:cacheprovider", *recording
    )
    assert result.ret == 0
    assert (pytester.path / "loaded.json").read_text() == "[]"


def test_importing_the_package_and_its_plugin_stays_light() -> None:
    code = f"import sys, harness, harness._plugin; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_fuzzing_without_hypothesis_names_the_extra() -> None:
    blocked = "import sys; sys.modules['hypothesis'] = None; "
    imported = subprocess.run(
        [sys.executable, "-c", blocked + "import harness.strategies"], capture_output=True, text=True
    )
    assert imported.returncode == 1
    assert "MissingExtraError" in imported.stderr
    assert "pip install 'assistants-harness[fuzz]'" in imported.stderr
    command = subprocess.run(
        [sys.executable, "-c", blocked + "from harness.cli import main; sys.exit(main(['fuzz']))"],
        capture_output=True,
        text=True,
    )
    assert command.returncode == 2
    assert "harness fuzz: error:" in command.stderr and "assistants-harness[fuzz]" in command.stderr
