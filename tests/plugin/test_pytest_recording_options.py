"""pytest-recording's options, fixtures and vcr_config keys, served by the harness; network blocking."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

FAR_AWAY = "http://10.255.255.1/"

RECORD = """
import httpx
import pytest

def drop_body(response):
    response["body"]["string"] = b'{"id": "asst_1", "object": "assistant", "name": "Filtered"}'
    return response

@pytest.fixture
def vcr_config():
    return {
        "filter_headers": ["authorization", ("x-team", "TEAM")],
        "filter_query_parameters": ["api_key"],
        "before_record_response": drop_body,
        "ignore_hosts": ["127.0.0.2"],
    }

@pytest.mark.vcr
def test_calls(base_url):
    answer = httpx.get(f"{base_url}/assistants/asst_1?api_key=sk-query-secret&x=1",
                       headers={"authorization": "Bearer sk-header-secret-0000000000", "x-team": "blue"})
    assert answer.json()["id"] == "asst_1"

@pytest.fixture
def base_url():
    import os
    return os.environ["OPENAI_BASE_URL"]
"""


def test_vcr_config_filters_apply_when_the_harness_records(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(test_rec=RECORD)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_rec" / "test_calls.yaml"
    text = cassette.read_text()
    assert "sk-query-secret" not in text and "api_key" not in text
    assert "sk-header-secret" not in text and "authorization" not in text.lower()
    assert "TEAM" in text and "blue" not in text
    assert "Filtered" in text  # before_record_response
    assert "x=1" in text
    # Replays offline with the filtered request: the query parameter is dropped before matching too.
    run_pytest(pytester).assert_outcomes(passed=1)


def test_match_on_narrows_what_is_compared(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_match="""
import os, httpx, pytest

@pytest.mark.vcr(match_on=["method", "path"])
def test_query_ignored():
    query = "recorded" if os.environ.get("PHASE") == "record" else "replayed"
    assert httpx.get(os.environ["OPENAI_BASE_URL"] + "/assistants/asst_1?q=" + query).status_code == 200
"""
    )
    monkeypatch.setenv("PHASE", "record")
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    monkeypatch.delenv("PHASE")
    run_pytest(pytester).assert_outcomes(passed=1)
    assert len(live_stub.requests) == 1


def test_an_unsupported_vcr_config_key_is_named_in_one_warning(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makeconftest(
        """
import pytest

@pytest.fixture
def vcr_config():
    return {"custom_patches": (), "record_on_exception": False}
"""
    )
    pytester.makepyfile(
        test_warn="""
import os, httpx, pytest

@pytest.mark.vcr
def test_one():
    httpx.get(os.environ["OPENAI_BASE_URL"] + "/assistants/asst_1")

@pytest.mark.vcr
def test_two():
    httpx.get(os.environ["OPENAI_BASE_URL"] + "/assistants/asst_2")
"""
    )
    result = run_pytest(pytester, "--record-mode=once")
    result.assert_outcomes(passed=2, warnings=1)
    result.stdout.fnmatch_lines(["*VcrConfigWarning*cannot honour: custom_patches, record_on_exception*"])


def test_disable_recording_runs_vcr_tests_without_a_cassette(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(
        test_off="""
import os, httpx, pytest

@pytest.mark.vcr
def test_live(vcr):
    assert vcr is None
    assert httpx.get(os.environ["OPENAI_BASE_URL"] + "/assistants/asst_1").status_code == 200
"""
    )
    run_pytest(pytester, "--disable-recording").assert_outcomes(passed=1)
    assert not (pytester.path / "cassettes").exists()
    assert len(live_stub.requests) == 1


def test_block_network_option_refuses_every_client_except_allowed_hosts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_block=f"""
import urllib.request, pytest

def test_urllib():
    urllib.request.urlopen("{FAR_AWAY}", timeout=0.2)
"""
    )
    result = run_pytest(pytester, "--block-network")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*Network is disabled for test_block.py::test_urllib*10.255.255.1:80*--allowed-hosts=10.255.255.1*"]
    )
    allowed = run_pytest(pytester, "--block-network", "--allowed-hosts=10\\.255\\..*")
    allowed.assert_outcomes(failed=1)
    assert "Network is disabled" not in allowed.stdout.str()


def test_a_replaying_cassette_refuses_other_clients_and_fails_even_if_the_error_is_swallowed(
    pytester: pytest.Pytester, offline: None
) -> None:
    (pytester.path / "cassettes" / "test_replay").mkdir(parents=True)
    (pytester.path / "cassettes" / "test_replay" / "test_swallowed.yaml").write_text(
        "interactions: []\nversion: 1\n"
    )
    pytester.makepyfile(
        test_replay=f"""
import urllib.request, pytest

@pytest.mark.cassette
def test_swallowed():
    try:
        urllib.request.urlopen("{FAR_AWAY}", timeout=0.2)
    except Exception:
        pass
"""
    )
    result = run_pytest(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Network is disabled while test_replay.py::test_swallowed replays*test_swallowed.yaml*"
            "10.255.255.1:80*--allowed-hosts=10.255.255.1*"
        ]
    )
    run_pytest(pytester, "--allowed-hosts=10.255.255.1").assert_outcomes(passed=1)


def test_loopback_servers_stay_reachable_while_a_cassette_replays(
    pytester: pytest.Pytester, offline: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (pytester.path / "cassettes" / "test_local").mkdir(parents=True)
    (pytester.path / "cassettes" / "test_local" / "test_stub.yaml").write_text(
        "interactions: []\nversion: 1\n"
    )
    pytester.makepyfile(
        test_local="""
import json, urllib.request, pytest
from tests.stub_api import StubAPI

@pytest.mark.cassette
def test_stub():
    with StubAPI() as stub:
        with urllib.request.urlopen(stub.base_url + "/assistants/asst_1") as answer:
            assert json.loads(answer.read())["id"] == "asst_1"
"""
    )
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parents[2]))
    run_pytest(pytester).assert_outcomes(passed=1)


def test_both_plugins_start_and_the_header_says_who_handles_vcr(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    harness = run_pytest(pytester, "--record-mode=none", "--block-network", "--allowed-hosts=x")
    harness.assert_outcomes(passed=1)
    harness.stdout.fnmatch_lines(
        ["harness: @pytest.mark.vcr replays through assistants-harness*-p no:harness_vcr*"]
    )
    assert "Traceback" not in harness.stdout.str() + harness.stderr.str()
    deferred = run_pytest(pytester, "-p", "no:harness_vcr", "--record-mode=none", "--block-network")
    deferred.assert_outcomes(passed=1)
    deferred.stdout.fnmatch_lines(["harness: @pytest.mark.vcr is handled by pytest-recording*"])
    helped = pytester.runpytest_subprocess("--help")
    assert helped.ret == 0
    assert helped.stdout.str().count("--record-mode") == 1


def test_a_conftest_implementing_pytest_recordings_hook_loads_without_it(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makeconftest(
        "def pytest_recording_configure(config, vcr):\n    vcr.register_matcher('x', None)\n"
    )
    pytester.makepyfile(
        test_hook="""
import os, httpx, pytest

@pytest.mark.vcr
def test_one():
    httpx.get(os.environ["OPENAI_BASE_URL"] + "/assistants/asst_1")
"""
    )
    result = run_pytest(pytester, "-p", "no:recording", "--record-mode=once")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*cannot honour: the pytest_recording_configure hook*"])
