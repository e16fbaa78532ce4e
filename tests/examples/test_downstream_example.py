"""The downstream example project runs its own suite, offline, as its README says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "downstream"


def test_the_example_suite_replays_its_cassettes_and_snapshots(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_a_changed_answer_fails_the_example_suite_with_a_diff(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    bot = pytester.path / "weather_bot" / "__init__.py"
    bot.write_text(bot.read_text().replace('"temperature": 21 if', '"temperature": 25 if'))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # The tool output is part of the request that follows, so the cassette no longer matches it.
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*request not in cassette*", "*closest*"])
