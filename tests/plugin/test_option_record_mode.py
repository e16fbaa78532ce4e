"""--record-mode / ini record_mode."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import TEST_FILE, run_pytest
from tests.stub_api import StubAPI


def test_default_mode_replays_only_and_says_how_to_record_a_missing_cassette(
    pytester: pytest.Pytester, offline: None
) -> None:
    pytester.makepyfile(test_app=TEST_FILE)
    result = run_pytest(pytester)
    result.assert_outcomes(failed=2)  # at the first request, not at setup (a test without one passes)
    result.stdout.fnmatch_lines(["*cassette*test_retrieve.yaml does not exist*", "*--record-mode=once*"])


def test_once_records_then_the_default_replays_offline(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_app=TEST_FILE)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=2)
    assert (pytester.path / "cassettes" / "test_app" / "test_retrieve.yaml").is_file()
    recorded = len(live_stub.requests)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    run_pytest(pytester).assert_outcomes(passed=2)
    assert len(live_stub.requests) == recorded


def test_ini_record_mode_is_used_and_the_command_line_wins(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(test_app=TEST_FILE)
    pytester.makeini("[pytest]\nrecord_mode = once\n")
    run_pytest(pytester).assert_outcomes(passed=2)
    before = len(live_stub.requests)
    run_pytest(pytester, "--record-mode=all").assert_outcomes(passed=2)
    assert len(live_stub.requests) == before + 2


def test_rewrite_drops_interactions_that_are_no_longer_made(
    pytester: pytest.Pytester, live_stub: StubAPI
) -> None:
    pytester.makepyfile(test_app=TEST_FILE)
    run_pytest(pytester, "--record-mode=once", "-k", "retrieve").assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_app" / "test_retrieve.yaml"
    cassette.write_text(cassette.read_text().replace("asst_1", "asst_gone"))
    run_pytest(pytester, "--record-mode=rewrite", "-k", "retrieve").assert_outcomes(passed=1)
    assert "asst_gone" not in cassette.read_text()


def test_unknown_record_mode_is_a_usage_error_listing_the_choices(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_app=TEST_FILE)
    # -p no:recording: were pytest-recording loaded first, argparse would reject the value itself.
    result = run_pytest(pytester, "-p", "no:recording", "--record-mode=sometimes")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--record-mode must be one of none, once, new_episodes, all, rewrite*"])
