"""The drift baseline: keys that ignore where drift was seen, a reviewable file, reasons that survive."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness import Finding, HarnessError
from harness.verify import Baseline, baseline_key, canonical_place, path_pattern


def drift(obj: str, path: str, *, file: str = "a.yaml", interaction: int = 0) -> Finding:
    return Finding(
        kind="unknown_field",
        severity="drift",
        message="not in the contract",
        file=file,
        interaction=interaction,
        object=obj,
        path=path,
    )


def test_path_pattern_hides_list_indexes() -> None:
    assert path_pattern("data.12.tools.0.file_search") == "data.*.tools.*.file_search"
    assert path_pattern("reasoning_effort") == "reasoning_effort"
    assert path_pattern("") == ""


@pytest.mark.parametrize(
    ("obj", "path", "expected"),
    [
        ("Run", "reasoning_effort", ("Run", "reasoning_effort")),
        ("RunList", "data.3.reasoning_effort", ("Run", "reasoning_effort")),
        ("thread.run.created", "tools.0.x", ("Run", "tools.*.x")),
        ("thread.run.step.completed", "expires_at", ("RunStep", "expires_at")),
        ("MessageList", "data.0.status", ("Message", "status")),
        ("MessageList", "has_more", ("MessageList", "has_more")),
        ("thread.surprise", "", ("thread.surprise", "")),
        ("", "x", ("", "x")),
    ],
)
def test_drift_is_keyed_by_the_object_it_is_about(obj: str, path: str, expected: tuple[str, str]) -> None:
    assert canonical_place(obj, path) == expected


def test_same_drift_anywhere_is_one_entry() -> None:
    findings = [
        drift("Run", "reasoning_effort", file="x.yaml", interaction=4),
        drift("RunList", "data.7.reasoning_effort", file="y.json", interaction=1),
        drift("thread.run.queued", "reasoning_effort", file="z.yaml"),
        Finding(kind="type", severity="violation", message="bad", object="Run", path="status"),
    ]
    baseline = Baseline.from_findings(findings)
    ((key, entry),) = baseline.entries.items()
    assert key == ("unknown_field", "Run", "reasoning_effort", "")
    assert (entry.count, entry.example, entry.reason) == (3, "x.yaml:4", "")
    assert all(baseline.accepts(f) for f in findings[:3])
    assert not baseline.accepts(findings[3])  # violations are never accepted
    assert not baseline.accepts(drift("Run", "other_field"))
    assert baseline_key(findings[1]) == key


def test_file_round_trip_keeps_reasons(tmp_path: Path) -> None:
    path = tmp_path / "contracts" / "drift-baseline.yaml"
    first = Baseline.from_findings([drift("Run", "a"), drift("RunStep", "b")])
    first.write(path)
    text = path.read_text()
    assert text.startswith("# Drift accepted by `harness verify`")
    document = yaml.safe_load(text)
    assert list(document["accepted"]) == ["Run", "RunStep"]
    document["accepted"]["Run"][0]["reason"] = "seen in every real run since 2025"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")

    loaded = Baseline.load(path)
    assert loaded.entries[("unknown_field", "Run", "a", "")].reason == "seen in every real run since 2025"
    rewritten = Baseline.from_findings([drift("Run", "a"), drift("Run", "a")], previous=loaded)
    assert [(e.path, e.count, e.reason) for e in rewritten.entries.values()] == [
        ("a", 2, "seen in every real run since 2025")
    ]
    assert Baseline.load(path).dump() == loaded.dump()


def test_grammar_rules_are_part_of_the_key() -> None:
    finding = Finding(kind="grammar", severity="drift", message="m", object="x", rule="run.lifecycle")
    (entry,) = Baseline.from_findings([finding]).entries.values()
    assert entry.rule == "run.lifecycle"
    assert "rule: run.lifecycle" in Baseline.from_findings([finding]).dump()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\naccepted: [1]\n", "is not a drift baseline"),
        ("version: 2\naccepted: {}\n", "is not a drift baseline"),
        ("version: 1\naccepted:\n  Run:\n  - path: x\n", "should be a mapping with `kind` and `path`"),
        ("version: 1\naccepted: {\n", "is not valid YAML"),
    ],
)
def test_bad_baseline_files_are_usage_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HarnessError, match=message):
        Baseline.load(path)


def test_missing_baseline_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="--update-baseline"):
        Baseline.load(tmp_path / "absent.yaml")
