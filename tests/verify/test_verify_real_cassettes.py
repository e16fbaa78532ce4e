"""``harness verify`` over every real recording: all read, drift exactly the committed baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.verify import Baseline, verify

PROJECT = Path(__file__).resolve().parents[2]
COMMITTED_BASELINE = PROJECT / "contracts" / "drift-baseline.yaml"


def test_every_file_is_read_and_checked(real_cassettes: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--no-baseline", "--format", "json", str(real_cassettes)])
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 145
    assert 500 < report["interactions"] < 1000
    assert report["events"] > 0
    assert [f for f in report["findings"] if f["kind"] == "unreadable"] == []
    # Only the retired v1 API and calls outside the Assistants API go unchecked.
    assert set(report["unchecked"]) <= {"assistants=v1", "outside the Assistants API"}
    assert code == (1 if any(f["severity"] == "violation" for f in report["findings"]) else 0)


def test_drift_equals_the_committed_baseline(real_cassettes: Path) -> None:
    """The reviewed baseline lists exactly the drift real traffic carries, each with a reason.

    When this fails after a contract change, regenerate the baseline with
    ``harness verify --update-baseline ../shared/real-cassettes`` and review the entries it adds.
    """
    committed = Baseline.load(COMMITTED_BASELINE)
    report = verify([real_cassettes])
    found = Baseline.from_findings(report.findings)
    assert {key: entry.count for key, entry in found.entries.items()} == {
        key: entry.count for key, entry in committed.entries.items()
    }
    assert [entry.key for entry in committed.entries.values() if not entry.reason.strip()] == []
    assert report.against(committed).new_findings == [f for f in report.findings if f.severity == "violation"]


def test_real_traffic_keeps_every_contract(real_cassettes: Path) -> None:
    """Violations in real v2 traffic point at contract models that are wrong, not at the API."""
    report = verify([real_cassettes])
    violations = sorted(
        {(f.object, f.path, f.kind, f.message) for f in report.findings if f.severity == "violation"}
    )
    assert violations == []
