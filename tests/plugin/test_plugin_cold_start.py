"""A bare ``pytest --co`` stays light: the plugin imports the library only when a test needs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    options = ("--co", "-p", "no:syrupy", "-p", "no:hypothesispytest", "-p", "no:cacheprovider", *recording)
    # What pytest (and pytest-recording, whose older releases import vcrpy themselves) loads without the
    # harness is the baseline; the harness's plugin may add nothing heavy to it.
    assert pytester.runpytest_subprocess(*options, "-p", "no:harness").ret == 0
    without_harness = set(json.loads((pytester.path / "loaded.json").read_text()))
    result = pytester.runpytest_subprocess(*options)
    assert result.ret == 0
    assert set(json.loads((pytester.path / "loaded.json").read_text())) - without_harness == set()


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


LEAK_REPORTER = """
import gc, json
import openai  # noqa: F401
import pytest

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {folder!r}

def pytest_sessionfinish(session):
    gc.collect()
    alive = {{}}
    for value in gc.get_objects():
        name = f"{{getattr(type(value), '__module__', '')}}.{{type(value).__name__}}"
        if name.startswith("harness.recording."):
            alive[name] = alive.get(name, 0) + 1
    with open("alive.json", "w") as stream:
        json.dump(alive, stream)
"""

REPLAY = """
import httpx
import pytest
import yaml

def replay(cassette):
    with open(cassette) as stream:
        interactions = yaml.safe_load(stream)["interactions"]
    with httpx.Client() as client:
        for interaction in interactions:
            request = interaction["request"]
            answer = client.request(request["method"], request["uri"], content=request["body"] or None)
            answer.read()
            assert answer.status_code == interaction["response"]["status"]["code"]
"""

LEAK_CASE = """
@pytest.mark.parametrize("round", range(3))
@pytest.mark.vcr
@pytest.mark.default_cassette({name!r})
def test_replay(round):
    replay({path!r})
"""


def test_replayed_cassettes_are_not_kept_alive_after_their_test(
    pytester: pytest.Pytester, real_cassettes: Path
) -> None:
    """pytest keeps every test item until the session ends; what the harness stashes on an item must
    not keep the test's cassette (and every interaction in it) alive, or each garbage collection of a
    long session walks all of them."""
    folder = real_cassettes / "traceloop__openllmetry"
    cassette = next(folder.glob("*test_new_assistant_with_polling.yaml"))
    pytester.makeconftest(LEAK_REPORTER.format(folder=str(folder)))
    pytester.makepyfile(test_leak=REPLAY + LEAK_CASE.format(name=cassette.name, path=str(cassette)))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:recording")
    result.assert_outcomes(passed=3)
    alive = json.loads((pytester.path / "alive.json").read_text())
    kept = {name: count for name, count in alive.items() if name.endswith((".Cassette", ".Interaction"))}
    assert kept == {}
    assert alive, "the reporter saw the harness's recording objects (the session-wide ones at least)"


MODELS_REPORTER = """
import json, sys
import pytest

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {folder!r}

def pytest_sessionfinish(session):
    with open("models.json", "w") as stream:
        models = [name for name in sys.modules if name.startswith("harness.contracts._models")]
        json.dump(sorted(models), stream)
"""

REPLAY_CASE = """
@pytest.mark.vcr
@pytest.mark.default_cassette({name!r})
def test_replay_{number}():
    replay({path!r})
"""


def test_a_second_session_checks_replays_without_loading_the_contract_models(
    pytester: pytest.Pytester, real_cassettes: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The first session compiles the contracts into the bytecode cache; the next one checks the same
    traffic (a polled run and a streamed one, with drift the baseline accepts) from that cache alone."""
    folder = real_cassettes / "traceloop__openllmetry"
    cassettes = [
        next(folder.glob(f"*{name}.yaml"))
        for name in ("test_new_assistant_with_polling", "test_streaming_new_assistant")
    ]
    pytester.makeconftest(MODELS_REPORTER.format(folder=str(folder)))
    cases = "".join(REPLAY_CASE.format(name=c.name, number=n, path=str(c)) for n, c in enumerate(cassettes))
    pytester.makepyfile(test_replays=REPLAY + cases)
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "pycache"))
    loaded = []
    for _ in range(2):
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:recording", "-rA")
        result.assert_outcomes(passed=2)
        loaded.append(json.loads((pytester.path / "models.json").read_text()))
    assert "contract drift" in result.stdout.str(), "the replays carry drift, so the baseline was consulted"
    assert loaded[0] != [] and loaded[1] == []
