"""--cassette-unused=ignore|warn|fail."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

TWO_THEN_ONE = """
import os

def test_calls(openai_client):
    openai_client.beta.assistants.retrieve("asst_1")
    if os.environ.get("BOTH"):
        openai_client.beta.assistants.retrieve("asst_2")
"""


@pytest.fixture
def recorded_two(pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_unused=TWO_THEN_ONE)
    monkeypatch.setenv("BOTH", "1")
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    monkeypatch.delenv("BOTH")


@pytest.mark.usefixtures("recorded_two")
def test_warn_is_the_default(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester)
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*1 recorded interaction(s)*never played*", "*GET /v1/assistants/asst_2*"])


@pytest.mark.usefixtures("recorded_two")
def test_fail_fails_the_test(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--cassette-unused=fail")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*never played*"])


@pytest.mark.usefixtures("recorded_two")
def test_ignore_says_nothing(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--cassette-unused=ignore")
    result.assert_outcomes(passed=1, warnings=0)
