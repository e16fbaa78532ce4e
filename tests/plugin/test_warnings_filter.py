"""`pytest -W error`: the SDK's Assistants DeprecationWarning stays silenced, every other warning fails."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import run_pytest

TESTS = """
import warnings
import pytest

@pytest.mark.cassette
def test_assistants_call(openai_client):
    assert openai_client.beta.assistants.create(model="gpt-4o").id.startswith("asst_")

def test_other_deprecation():
    warnings.warn("something else is deprecated", DeprecationWarning)
"""


def test_w_error_fails_on_every_warning_but_the_sdk_deprecation(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.makepyfile(test_warn=TESTS)
    for args in (["--record-mode=once"], []):  # while recording, then in replay
        result = run_pytest(pytester, "-p", "no:asyncio", "-W", "error", *args)
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines(["FAILED test_warn.py::test_other_deprecation - DeprecationWarning*"])
