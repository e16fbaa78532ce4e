"""The built-in drift baseline: package data, the repository's baseline entries that the embedded server
reproduces — no more, no fewer — and the start of every baseline the harness uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import HarnessError
from harness.demo import run_demo
from harness.verify import BUILTIN_BASELINE, Baseline, baseline_key, builtin_baseline, load_baseline, verify

PROJECT_BASELINE = Path(__file__).resolve().parents[2] / "contracts" / "drift-baseline.yaml"


def test_the_built_in_baseline_is_package_data_taken_from_the_project_baseline() -> None:
    assert BUILTIN_BASELINE.parent.name == "verify" and BUILTIN_BASELINE.is_file()
    builtin = builtin_baseline()
    project = Baseline.load(PROJECT_BASELINE)
    assert builtin.builtin and builtin.entries
    for key, entry in builtin.entries.items():
        assert key in project.entries, f"{key} is in {BUILTIN_BASELINE.name} but not in {PROJECT_BASELINE}"
        assert entry.reason == project.entries[key].reason and entry.reason


def test_the_built_in_baseline_is_exactly_the_drift_the_embedded_server_reproduces(tmp_path: Path) -> None:
    reports = run_demo(tmp_path)
    assert all(report.error is None for report in reports)
    found = {baseline_key(f) for f in verify([tmp_path], baseline=None).findings if f.severity == "drift"}
    expected = set(builtin_baseline().entries)
    assert found - expected == set(), (
        f"the embedded server shows drift the built-in baseline lacks: {found - expected}"
    )
    assert expected - found == set(), (
        f"built-in entries the embedded server no longer shows: {expected - found}"
    )


def test_load_baseline_adds_the_project_file_to_the_built_in_one(tmp_path: Path) -> None:
    assert load_baseline(tmp_path / "absent.yaml") == builtin_baseline()
    project = tmp_path / "drift-baseline.yaml"
    project.write_text(
        "version: 1\naccepted:\n  Thread:\n  - kind: unknown_field\n    path: extra\n    reason: x\n"
    )
    merged = load_baseline(project)
    assert set(merged.entries) == set(builtin_baseline().entries) | {("unknown_field", "Thread", "extra", "")}
    assert merged.describe() == f"built-in + {project}"
    with pytest.raises(HarnessError, match="cannot read the drift baseline"):
        load_baseline(tmp_path / "absent.yaml", required=True)
