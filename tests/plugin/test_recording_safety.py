"""Recording under stress: a test that fails or crashes mid-recording, and parallel workers."""

from __future__ import annotations

import pytest
import yaml

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

RECORD = """
import os

def test_calls(openai_client):
    openai_client.beta.assistants.retrieve(os.environ.get("ASSISTANT", "asst_1"))
    if os.environ.get("CRASH") == "exception":
        raise RuntimeError("the code under test broke mid-recording")
    if os.environ.get("CRASH") == "exit":
        os._exit(3)
"""


def test_failing_test_keeps_the_previous_cassette_and_saves_the_new_one_beside_it(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_rec=RECORD)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_rec" / "test_calls.yaml"
    before = cassette.read_bytes()
    monkeypatch.setenv("ASSISTANT", "asst_new")
    monkeypatch.setenv("CRASH", "exception")
    result = run_pytest(pytester, "--record-mode=rewrite")
    result.assert_outcomes(failed=1)
    assert cassette.read_bytes() == before
    failed = cassette.with_name("test_calls.failed.yaml")
    assert "asst_new" in failed.read_text()
    result.stdout.fnmatch_lines(["*the test failed, so*was kept; the new recording is in*failed.yaml*"])


def test_process_killed_while_recording_leaves_the_previous_cassette_intact(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_rec=RECORD)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_rec" / "test_calls.yaml"
    before = cassette.read_bytes()
    monkeypatch.setenv("ASSISTANT", "asst_new")
    monkeypatch.setenv("CRASH", "exit")
    result = run_pytest(pytester, "--record-mode=rewrite")
    assert result.ret == 3
    assert cassette.read_bytes() == before
    # No temporary file is left behind; the killed run's recording lock is, and the next run takes it over.
    names = sorted(p.name for p in cassette.parent.iterdir())
    assert names == ["test_calls.yaml", "test_calls.yaml.lock"], "temporary files left behind"
    monkeypatch.delenv("CRASH")
    run_pytest(pytester, "--record-mode=rewrite").assert_outcomes(passed=1)
    assert "asst_new" in cassette.read_text()
    assert sorted(p.name for p in cassette.parent.iterdir()) == ["test_calls.yaml"]


def test_parallel_workers_write_their_own_cassettes_without_corruption(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(
        test_many="""
import pytest

@pytest.mark.parametrize("n", range(12))
def test_n(openai_client, n):
    for i in range(3):
        openai_client.beta.assistants.retrieve(f"asst_{n}_{i}")
"""
    )
    run_pytest(pytester, "-n", "2", "--record-mode=once").assert_outcomes(passed=12)
    files = sorted((pytester.path / "cassettes" / "test_many").glob("*.yaml"))
    assert len(files) == 12
    for path in files:
        interactions = yaml.safe_load(path.read_text())["interactions"]
        n = path.stem.split("[")[1].rstrip("]")
        assert [i["request"]["uri"].rsplit("/", 1)[1] for i in interactions] == [
            f"asst_{n}_{i}" for i in range(3)
        ]
    run_pytest(pytester, "-n", "2").assert_outcomes(passed=12)
