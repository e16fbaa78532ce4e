"""--contracts=off|tolerant|strict / ini contracts: what a replayed response's contract findings do."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

# The stub API answers a retrieve with a partial assistant: required fields missing, a violation.
PARTIAL = """
def test_partial(openai_client):
    assert openai_client.beta.assistants.retrieve("asst_1").name == "Stub"
"""

# The embedded server answers like the real API: valid, with drift (e.g. reasoning_effort).
DRIFTING = """
def test_drifting(openai_client):
    assert openai_client.beta.assistants.create(model="gpt-4o").id.startswith("asst_")
"""


@pytest.fixture
def partial_cassette(pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_partial=PARTIAL)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)  # recorded with contracts off
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")


@pytest.mark.usefixtures("partial_cassette")
def test_tolerant_is_the_default_and_fails_a_replayed_violation(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ContractViolation: traffic in *test_partial.yaml breaks the contracts (--contracts=tolerant)*",
            "*test_partial.yaml:0 violation/missing Assistant*created_at*",
        ]
    )


@pytest.mark.usefixtures("partial_cassette")
def test_off_checks_nothing(pytester: pytest.Pytester) -> None:
    pytester.runpytest_subprocess("--contracts=off").assert_outcomes(passed=1)


@pytest.mark.usefixtures("partial_cassette")
def test_ini_and_marker_set_the_mode(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ncontracts = off\n")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    pytester.makepyfile(
        test_partial="import pytest\n\n@pytest.mark.cassette(contracts='tolerant')\n" + PARTIAL.lstrip()
    )
    pytester.runpytest_subprocess().assert_outcomes(failed=1)


def test_strict_fails_on_drift_that_tolerant_accepts(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_drifting=DRIFTING)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)  # record against the embedded server
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.runpytest_subprocess("--record-mode=once").assert_outcomes(passed=1)
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess("--contracts=strict")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*drift/unknown_field Assistant.reasoning_effort*"])


def test_unknown_mode_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_partial=PARTIAL)
    result = pytester.runpytest_subprocess("--contracts=lenient")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--contracts must be one of off, tolerant, strict*"])
