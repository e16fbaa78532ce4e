"""Drift in pytest: a terminal summary, new drift fails (tolerant), all drift fails (strict), and the
verdict is the one `harness verify` gives on the same cassette with the same baseline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CREATE = """
import pytest

@pytest.mark.cassette
def test_create(openai_client):
    assert openai_client.beta.assistants.create(model="gpt-4o").id.startswith("asst_")
"""

CASSETTE = "cassettes/test_create/test_create.yaml"


@pytest.fixture
def drifting(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cassette recorded against the embedded server, then given one field no baseline lists."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.makepyfile(test_create=CREATE)
    pytester.runpytest_subprocess("--record-mode=once").assert_outcomes(passed=1)
    path = pytester.path / CASSETTE
    text = path.read_text()
    assert text.count('"response_format":"auto"}') == 1
    path.write_text(text.replace('"response_format":"auto"}', '"response_format":"auto","surprise":1}'))
    return path


def verify(pytester: pytest.Pytester, *args: str) -> int:
    command = [sys.executable, "-m", "harness", "verify", CASSETTE, *args]
    return subprocess.run(command, cwd=pytester.path, capture_output=True, check=False).returncode


def test_embedded_server_drift_is_accepted_by_the_built_in_baseline(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.makepyfile(test_create=CREATE)
    pytester.runpytest_subprocess("--record-mode=once").assert_outcomes(passed=1)
    result = pytester.runpytest_subprocess()  # replay, tolerant, no project baseline
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*= contract drift (assistants-harness) =*",
            "1 drift finding in 1 cassette, all accepted by the baseline (built-in)",
            "  accepted  unknown_field  Assistant.reasoning_effort     1x in 1 cassette, e.g. " + CASSETTE,
        ]
    )
    assert verify(pytester) == 0
    pytester.runpytest_subprocess("--contracts=strict").assert_outcomes(failed=1)
    assert verify(pytester, "--strict") == 1


@pytest.mark.usefixtures("drifting")
def test_new_drift_fails_and_is_summarised_like_verify_says(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess("-rA")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*ContractViolation: traffic in *test_create.yaml breaks the contracts (--contracts=tolerant)*",
            "*drift/unknown_field Assistant*surprise*",
            "*harness verify cassettes --update-baseline*",
            "*= contract drift (assistants-harness) =*",
            "2 drift findings in 1 cassette, 1 new: not in the baseline (built-in), which fails the test",
            "  new       unknown_field  Assistant.surprise             1x in 1 cassette:",
            f"      {CASSETTE} (1x)",
            "  accepted  unknown_field  Assistant.reasoning_effort     1x in 1 cassette, e.g. " + CASSETTE,
        ]
    )
    assert verify(pytester) == 1


@pytest.mark.usefixtures("drifting")
def test_the_project_baseline_accepts_drift_for_pytest_and_verify_alike(pytester: pytest.Pytester) -> None:
    assert verify(pytester, "--update-baseline") == 0
    written = (pytester.path / "contracts" / "drift-baseline.yaml").read_text()
    assert "surprise" in written
    assert verify(pytester) == 0
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*all accepted by the baseline (built-in + contracts/drift-baseline.yaml)*"])
    # Strict mode fails on every drift, baselined or not, in both.
    pytester.runpytest_subprocess("--contracts=strict").assert_outcomes(failed=1)
    assert verify(pytester, "--strict") == 1
    # The ini option moves the project's baseline.
    (pytester.path / "contracts" / "drift-baseline.yaml").rename(pytester.path / "accepted.yaml")
    pytester.runpytest_subprocess().assert_outcomes(failed=1)
    pytester.makeini("[pytest]\ndrift_baseline = accepted.yaml\n")
    pytester.runpytest_subprocess().assert_outcomes(passed=1)
    assert verify(pytester, "--baseline", "accepted.yaml") == 0
    pytester.makeini("[pytest]\ndrift_baseline = missing.yaml\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot read the drift baseline*missing.yaml*"])
