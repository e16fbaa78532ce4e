"""The ``assistants_snapshot`` and ``stream_snapshot`` fixtures, run as users run them (pytester)."""

from __future__ import annotations

import json
import re

import pytest
from snapshot_samples import run_stream, to_sse

TESTS = """
import json
from pathlib import Path

HERE = Path(__file__).parent


def test_payload(assistants_snapshot):
    assert json.loads((HERE / "payload.json").read_text()) == assistants_snapshot


def test_stream(stream_snapshot):
    assert (HERE / "stream.sse").read_text() == stream_snapshot
"""


def write_recording(pytester: pytest.Pytester, seed: int, *, text: str = "The answer is 4.") -> None:
    events = run_stream(seed, text=text)
    run = events[-2]["data"]
    payload = {
        "id": run["id"],
        "thread_id": run["thread_id"],
        "created_at": run["created_at"],
        "status": "done",
    }
    pytester.path.joinpath("payload.json").write_text(json.dumps(payload), encoding="utf-8")
    pytester.path.joinpath("stream.sse").write_text(to_sse(events), encoding="utf-8")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_snaps=TESTS)
    return pytester


def test_snapshot_update_writes_normalised_files_and_a_rerecording_passes(project: pytest.Pytester) -> None:
    write_recording(project, seed=1)
    project.runpytest_subprocess("--snapshot-update").assert_outcomes(passed=2)

    folder = project.path / "__snapshots__" / "test_snaps"
    assert sorted(path.name for path in folder.iterdir()) == ["test_payload.json", "test_stream.txt"]
    assert json.loads((folder / "test_payload.json").read_text(encoding="utf-8")) == {
        "created_at": "<timestamp>",
        "id": "run_1",
        "status": "done",
        "thread_id": "thread_1",
    }
    transcript = (folder / "test_stream.txt").read_text(encoding="utf-8")
    assert 'thread.message.delta ×4      msg_1 content[0] += "The answer is 4."\n' in transcript

    # The same scenario recorded again: other ids, other clocks, the same snapshots.
    write_recording(project, seed=2)
    project.runpytest_subprocess().assert_outcomes(passed=2)


def test_a_changed_stream_fails_with_a_line_diff(project: pytest.Pytester) -> None:
    write_recording(project, seed=1)
    project.runpytest_subprocess("--snapshot-update").assert_outcomes(passed=2)

    write_recording(project, seed=3, text="The answer is 5.")
    result = project.runpytest_subprocess()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.re_match_lines(
        [
            r"_+ test_stream _+",
            r"E\s+- " + re.escape('thread.message.delta ×4      msg_1 content[0] += "The answer is 4."'),
            r"E\s+\+ " + re.escape('thread.message.delta ×4      msg_1 content[0] += "The answer is 5."'),
        ]
    )
    # Only the changed lines are marked; the unchanged run events are context at most.
    result.stdout.no_re_match_line(r"E\s+[-+] thread\.run\.")

    # --snapshot-update accepts the change.
    project.runpytest_subprocess("--snapshot-update").assert_outcomes(passed=2)
    transcript = (project.path / "__snapshots__" / "test_snaps" / "test_stream.txt").read_text(
        encoding="utf-8"
    )
    assert '"The answer is 5."' in transcript
    assert '"The answer is 4."' not in transcript


def test_fixtures_are_documented(project: pytest.Pytester) -> None:
    # pytest-asyncio (a test dependency) warns in this process when its loop scope is not configured
    project.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    result = project.runpytest("--fixtures")
    result.stdout.fnmatch_lines(
        [
            "assistants_snapshot -- *harness/snapshots/_pytest.py:*",
            "*syrupy's ``snapshot`` for Assistants objects and payloads, stored as normalised JSON.",
            "stream_snapshot -- *harness/snapshots/_pytest.py:*",
            "*syrupy's ``snapshot`` for streamed runs, stored as a one-line-per-event transcript.",
        ]
    )
