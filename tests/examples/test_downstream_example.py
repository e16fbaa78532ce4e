"""The downstream example project runs its own suite, offline, as its README says; recording it again
changes no byte."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "downstream"
TESTS = 10


@pytest.fixture
def example(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the example project, with no key in the environment."""
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return pytester.path


def _recorded(root: Path) -> dict[str, bytes]:
    folders = (root / "cassettes", root / "tests" / "__snapshots__")
    return {
        str(p.relative_to(root)): p.read_bytes() for f in folders for p in sorted(f.rglob("*")) if p.is_file()
    }


def test_the_example_suite_replays_its_cassettes_and_snapshots(
    pytester: pytest.Pytester, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=TESTS)
    # The drift the embedded server reproduces is the real API's: the built-in baseline accepts it.
    result.stdout.fnmatch_lines(
        [
            "*= contract drift (assistants-harness) =*",
            "*drift findings in *, all accepted by the baseline (built-in)",
        ]
    )
    verify = [sys.executable, "-m", "harness", "verify", "cassettes"]
    assert subprocess.run(verify, cwd=example, capture_output=True, check=False).returncode == 0


def test_recording_the_example_again_changes_no_byte(
    pytester: pytest.Pytester, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)  # record against the embedded server
    runs = []
    for _ in range(2):
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "--record-mode=rewrite", "--snapshot-update"
        )
        result.assert_outcomes(passed=TESTS)
        runs.append(_recorded(example))
    assert runs[0] == runs[1]
    assert len(runs[0]) == TESTS + 2  # one cassette per test, two snapshot files


def test_a_changed_answer_fails_the_example_suite_with_a_diff(
    pytester: pytest.Pytester, example: Path
) -> None:
    bot = example / "weather_bot" / "__init__.py"
    bot.write_text(bot.read_text().replace('"temperature": 21 if', '"temperature": 25 if'))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    # The tool output is part of the request that follows, so the cassette no longer matches it.
    result.assert_outcomes(failed=4, passed=TESTS - 4)
    result.stdout.fnmatch_lines(["*request not in cassette*", "*closest*"])
