"""The suite's own policy for real data (``tests/real_data.py``), run as pytest runs it.

Outside CI a test skipped for lack of real data stays skipped; under CI it fails. The summary counts the
real recordings the tests opened, with or without xdist.
"""

from __future__ import annotations

import pytest

from tests.real_data import REAL_CASSETTES, ROOT, require_real_data

SKIPS = """
import pytest
from tests.real_data import missing

def test_skips_for_lack_of_real_data():
    pytest.skip("real data not found at ../shared/real-cassettes/x.yaml")

def test_skips_through_the_helper():
    missing("no recording of that kind")

def test_skips_for_another_reason():
    pytest.skip("needs Windows")
"""


@pytest.fixture
def policy(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini("[pytest]\naddopts = -p tests.real_data -p no:cacheprovider\n")
    return pytester


def test_outside_ci_a_test_without_real_data_skips(
    policy: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    policy.makepyfile(test_skips=SKIPS)
    policy.runpytest_subprocess("-p", "no:xdist").assert_outcomes(skipped=3)


def test_under_ci_a_skip_for_lack_of_real_data_fails(
    policy: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    policy.makepyfile(test_skips=SKIPS)
    result = policy.runpytest_subprocess("-p", "no:xdist", "-rfs")
    result.assert_outcomes(failed=2, skipped=1)
    result.stdout.fnmatch_lines(["*skipped for lack of real data, a failure under CI*"])
    result.stdout.fnmatch_lines(["*under CI the real data in ../shared is required*"])


@pytest.mark.parametrize("workers", ["0", "2"])
def test_the_summary_counts_the_real_recordings_read(
    policy: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    require_real_data()
    monkeypatch.delenv("CI", raising=False)
    first, second = sorted(p for p in REAL_CASSETTES.rglob("*.json"))[:2]
    policy.makepyfile(
        test_reads=f"""
        from pathlib import Path

        def test_one():
            Path({str(first)!r}).read_bytes()

        def test_two():
            Path({str(second)!r}).read_text()
            Path({str(first)!r}).read_text()
        """
    )
    result = policy.runpytest_subprocess("-n", workers)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"real recordings read: 2 of * in {REAL_CASSETTES}"])
