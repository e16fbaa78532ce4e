"""What the plugin does when recording or replaying goes wrong, as a downstream project meets it."""

from __future__ import annotations

import pytest
import yaml

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

QUIET_AND_TALKING = """
import pytest

@pytest.mark.cassette
def test_quiet():
    pass

def test_talks(openai_client):
    openai_client.beta.assistants.retrieve("asst_1")
"""


def test_a_test_without_requests_passes_and_a_missing_cassette_fails_at_the_first_request(
    pytester: pytest.Pytester, offline: None
) -> None:
    pytester.makepyfile(test_app=QUIET_AND_TALKING)
    result = run_pytest(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_talks.yaml does not exist, and record mode 'none' only replays; "
            "the test sent GET /v1/assistants/asst_1*",
            "*Record the cassette with: pytest 'test_app.py::test_talks' --record-mode=once*",
        ]
    )


def test_recording_a_test_without_requests_writes_an_empty_cassette(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_app=QUIET_AND_TALKING)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=2)
    quiet = pytester.path / "cassettes" / "test_app" / "test_quiet.yaml"
    assert yaml.safe_load(quiet.read_text())["interactions"] == []
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    run_pytest(pytester).assert_outcomes(passed=2)


FAILING_FIRST_RECORDING = """
import os

def test_calls(openai_client):
    openai_client.beta.assistants.retrieve("asst_1")
    if os.environ.get("BREAK"):
        assert False, "the code under test broke"
"""


def test_a_failed_first_recording_is_not_saved_as_the_cassette_and_once_records_again(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_rec=FAILING_FIRST_RECORDING)
    cassette = pytester.path / "cassettes" / "test_rec" / "test_calls.yaml"
    failed = cassette.with_name("test_calls.failed.yaml")
    monkeypatch.setenv("BREAK", "1")
    result = run_pytest(pytester, "--record-mode=once")
    result.assert_outcomes(failed=1)
    assert not cassette.exists() and "asst_1" in failed.read_text()
    result.stdout.fnmatch_lines(
        [
            "*test_calls.yaml was not written (the next --record-mode=once run records again); "
            "the new recording is in *test_calls.failed.yaml*"
        ]
    )
    monkeypatch.delenv("BREAK")
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    assert "asst_1" in cassette.read_text()
    assert not failed.exists()
    assert len(live_stub.requests) == 2, "the second once run replayed the failed recording"


def test_ctrl_c_in_the_middle_of_a_first_recorded_stream_leaves_no_cassette(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(
        test_rec="""
def test_stream(openai_client):
    stream = openai_client.beta.threads.runs.create(
        thread_id="t", assistant_id="a", stream=True, metadata={"deltas": "12"}
    )
    for number, _event in enumerate(stream):
        if number == 3:
            raise KeyboardInterrupt
"""
    )
    result = run_pytest(pytester, "--record-mode=once")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    folder = pytester.path / "cassettes" / "test_rec"
    assert sorted(path.name for path in folder.iterdir()) == ["test_stream.failed.yaml"]
    [stream] = yaml.safe_load((folder / "test_stream.failed.yaml").read_text())["interactions"]
    assert stream["harness"]["closed_early"] is True


def test_an_unmatched_request_shows_the_harness_message_and_the_test_line_without_sdk_frames(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_app="""
import os

def test_update(openai_client):
    openai_client.beta.assistants.update("asst_1", name=os.environ.get("NAME", "First"))
"""
    )
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    monkeypatch.setenv("NAME", "Second")
    result = run_pytest(pytester)
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            '>*openai_client.beta.assistants.update("asst_1", name=os.environ.get("NAME", "First"))',
            "E*UnmatchedRequestError: request not in cassette*test_update.yaml:",
        ]
    )
    for frame in ("_base_client.py", "httpx", "_transport.py", "_recorder.py", "_plugin.py"):
        assert frame not in output, f"{frame} frames are in the traceback"
    assert "The above exception was the direct cause" not in output

    cassette = pytester.path / "cassettes" / "test_app" / "test_update.yaml"
    document = yaml.safe_load(cassette.read_text())
    document["interactions"][0]["response"]["status"] = 200
    cassette.write_text(yaml.safe_dump(document))
    result = run_pytest(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [f"*cassette {cassette}, interaction #0: response.status: expected a mapping like*seen int 200*"]
    )
    assert "TypeError" not in result.stdout.str()


SHARED_PATH = """
import pytest

@pytest.mark.cassette("shared.yaml")
def test_one(openai_client):
    openai_client.beta.assistants.retrieve("asst_one")

@pytest.mark.cassette("shared.yaml")
def test_two(openai_client):
    openai_client.beta.assistants.retrieve("asst_two")
"""


def test_two_tests_recording_one_explicit_path_fail_naming_both(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(test_shared=SHARED_PATH)
    result = run_pytest(pytester, "--record-mode=all")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*cassette *shared.yaml is already being recorded by test_shared.py::test_one (pid *), "
            "and test_shared.py::test_two (pid *) wants to record into the same file*"
        ]
    )
    cassette = pytester.path / "cassettes" / "shared.yaml"
    uris = [i["request"]["uri"] for i in yaml.safe_load(cassette.read_text())["interactions"]]
    assert [uri.rsplit("/", 1)[1] for uri in uris] == ["asst_one"]
    assert not (pytester.path / "cassettes" / "shared.yaml.lock").exists(), "the session left its lock"


def test_two_xdist_workers_recording_one_path_fail_naming_both(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(test_shared=SHARED_PATH)
    result = run_pytest(pytester, "-n", "2", "--record-mode=all")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*shared.yaml is already being recorded by test_shared.py::test_*"])
    output = result.stdout.str()
    assert "test_shared.py::test_one (pid" in output and "test_shared.py::test_two (pid" in output
    cassette = pytester.path / "cassettes" / "shared.yaml"
    [interaction] = yaml.safe_load(cassette.read_text())["interactions"]
    assert interaction["request"]["uri"].rsplit("/", 1)[1] in ("asst_one", "asst_two")
    assert not (pytester.path / "cassettes" / "shared.yaml.lock").exists()


def test_new_episodes_against_a_fresh_embedded_server_hints_that_replayed_ids_are_unknown(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.makepyfile(
        test_edit="""
import os

def test_assistant(openai_client):
    assistant = openai_client.beta.assistants.create(model="gpt-4o", name="first")
    if os.environ.get("EDITED"):
        openai_client.beta.assistants.update(assistant.id, name="second")
"""
    )
    pytester.runpytest_subprocess("--record-mode=once").assert_outcomes(passed=1)
    monkeypatch.setenv("EDITED", "1")
    result = pytester.runpytest_subprocess("--record-mode=new_episodes")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*NotFoundError*",
            "*hint: POST /v1/assistants/asst_* got 404 from the server while recording with record mode "
            "'new_episodes'. The id 'asst_*' comes from a replayed response (interaction #0 of *)*",
        ]
    )


def test_a_stream_cut_by_the_server_records_passes_and_replays_the_same_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.makepyfile(
        test_cut="""
import importlib

import pytest

def test_cut(openai_client):
    http = next(  # the HTTP client the SDK uses: httpx2 (openai 3.x) or httpx (1.x/2.x)
        importlib.import_module(base.__module__.split(".")[0])
        for base in type(openai_client._client).__mro__
        if base.__module__.startswith("httpx")
    )
    assistant = openai_client.beta.assistants.create(model="gpt-4o")
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    seen = []
    with pytest.raises(http.RemoteProtocolError):
        with openai_client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, extra_headers={"x-harness-fault": "cut-after=5"}
        ) as stream:
            for event in stream:
                seen.append(event.event)
    assert len(seen) == 5
"""
    )
    recorded = pytester.runpytest_subprocess("--record-mode=once", "-rA")
    recorded.assert_outcomes(passed=1)
    recorded.stdout.fnmatch_lines(
        ["*interaction #2: the stream was cut after 5 event(s) by RemoteProtocolError*"]
    )
    cassette = pytester.path / "cassettes" / "test_cut" / "test_cut.yaml"
    assert yaml.safe_load(cassette.read_text())["interactions"][2]["harness"]["error"]["type"] == (
        "RemoteProtocolError"
    )
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
