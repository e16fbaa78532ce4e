"""The core install (``pip install assistants-harness``, no extra) replays, records and verifies; each
feature that needs an extra fails with an error naming it.

The ``core`` CI environment runs these where no extra is installed. Elsewhere each pytest (or Python)
subprocess blocks the extras' modules first (``sys.modules[name] = None`` makes importing them fail), so
the same assertions hold in every environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugin.conftest import TEST_FILE as TESTS
from tests.plugin.test_plugin_cold_start import LEAK_CASE, REPLAY
from tests.stub_api import StubAPI

EXTRA_MODULES = ("starlette", "uvicorn", "multipart", "python_multipart", "syrupy", "hypothesis")
"""The top-level modules that only the ``server``, ``snapshots`` and ``fuzz`` extras install."""

BLOCK = f"import sys\nfor _name in {EXTRA_MODULES!r}:\n    sys.modules.setdefault(_name, None)\n"

CONFTEST = (
    BLOCK
    + """
import json

def pytest_sessionfinish(session):
    loaded = sorted(name for name in {extras!r} if sys.modules.get(name) is not None)
    with open("loaded.json", "w") as stream:
        json.dump(loaded, stream)
"""
)


SNAPSHOT_TEST = """
def test_snapshot(assistants_snapshot):
    assert {"id": "asst_1"} == assistants_snapshot
"""

# syrupy's and Hypothesis's own pytest plugins would import their packages at startup, before conftest.py.
WITHOUT_THEIR_PLUGINS = ("-p", "no:syrupy", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("--contracts=off", *WITHOUT_THEIR_PLUGINS, *args)


def harness_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    code = BLOCK + "from harness.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeconftest(CONFTEST.format(extras=EXTRA_MODULES))
    pytester.makepyfile(test_app=TESTS)
    return pytester


@pytest.fixture
def stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubAPI]:
    with StubAPI(event_pause=0.0) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-core-test-key-0000000000000000")
        yield server


def test_records_against_a_given_server_and_replays_offline_importing_no_extra(
    suite: pytest.Pytester, stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(suite, "--record-mode=once").assert_outcomes(passed=2)
    recorded = sorted(path.name for path in (suite.path / "cassettes" / "test_app").glob("*.yaml"))
    assert recorded == ["test_retrieve.yaml", "test_stream.yaml"]
    sent = len(stub.requests)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    run(suite).assert_outcomes(passed=2)
    assert len(stub.requests) == sent
    assert json.loads((suite.path / "loaded.json").read_text()) == []


VCR_CONFTEST = """
import pytest

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {folder!r}
"""


def test_a_pytest_recording_suite_replays_a_real_recording_importing_no_extra(
    pytester: pytest.Pytester, real_cassettes: Path
) -> None:
    folder = real_cassettes / "traceloop__openllmetry"
    cassette = next(folder.glob("*test_new_assistant_with_polling.yaml"))
    pytester.makeconftest(CONFTEST.format(extras=EXTRA_MODULES) + VCR_CONFTEST.format(folder=str(folder)))
    pytester.makepyfile(test_vcr=REPLAY + LEAK_CASE.format(name=cassette.name, path=str(cassette)))
    result = pytester.runpytest_subprocess(*WITHOUT_THEIR_PLUGINS, "-p", "no:recording")
    result.assert_outcomes(passed=3)
    assert json.loads((pytester.path / "loaded.json").read_text()) == []


def test_recording_with_the_default_target_names_the_server_extra_and_the_alternative(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = run(suite, "--record-mode=once", "-k", "retrieve")
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "recording test_app.py::test_retrieve sends its traffic to the embedded Assistants server" in (
        output
    )
    assert "pip install 'assistants-harness[server]'. Or point the client at another" in output
    # The report shows the test's line and the message, not the frames of the SDK, httpx or the harness.
    assert "_base_client.py" not in output and "_target.py" not in output
    assert not (suite.path / "cassettes" / "test_app" / "test_retrieve.yaml").exists()


def test_the_snapshot_fixtures_name_the_snapshots_extra(suite: pytest.Pytester) -> None:
    suite.makepyfile(test_snapshot=SNAPSHOT_TEST)
    result = run(suite, "test_snapshot.py")
    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "MissingExtraError" in output and "pip install 'assistants-harness[snapshots]'" in output
    assert "fixture 'snapshot' not found" not in output


@pytest.mark.parametrize(
    ("command", "feature"),
    [(["serve"], "embedded Assistants server"), (["demo"], ""), (["proxy"], "harness proxy")],
)
def test_commands_that_serve_name_the_server_extra(tmp_path: Path, command: list[str], feature: str) -> None:
    result = harness_cli(*command, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"harness {command[0]}: error:" in result.stderr
    assert feature in result.stderr and "pip install 'assistants-harness[server]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_needs_no_extra(suite: pytest.Pytester, stub: StubAPI) -> None:
    run(suite, "--record-mode=once").assert_outcomes(passed=2)
    result = harness_cli("verify", "--format", "json", str(suite.path / "cassettes"))
    assert result.returncode in (0, 1), result.stderr  # the stub's partial objects are findings, not errors
    report = json.loads(result.stdout)
    assert (report["files"], report["interactions"]) == (2, 2), report


def test_the_python_api_of_each_extra_names_it() -> None:
    for module, extra in (
        ("harness.server", "server"),
        ("harness.proxy", "server"),
        ("harness.snapshots._extensions", "snapshots"),
        ("harness.strategies", "fuzz"),
    ):
        code = BLOCK + f"import {module}\n"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}, timeout=60
        )
        assert result.returncode == 1, module
        assert "MissingExtraError" in result.stderr
        assert f"pip install 'assistants-harness[{extra}]'" in result.stderr, result.stderr
