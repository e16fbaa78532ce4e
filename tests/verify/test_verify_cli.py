"""``harness verify`` as users run it: formats, exit codes, the baseline, usage errors."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from verify_samples import ASSISTANT, THREAD, CassetteWriter, interaction

from harness.cli import main

FINDING_KEYS = {
    "file",
    "interaction",
    "event",
    "route",
    "object",
    "path",
    "kind",
    "severity",
    "rule",
    "message",
    "new",
}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in ``tmp_path`` so that no project baseline is picked up by default."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def drifting(write_cassette: CassetteWriter, workdir: Path) -> Path:
    """A cassette whose thread carries a field the contract does not know."""
    return write_cassette(
        "drift.yaml", interaction("POST", "/threads", {**THREAD, "surprise_field": 1}, request={})
    )


@pytest.fixture
def violating(write_cassette: CassetteWriter, workdir: Path) -> Path:
    """A cassette whose assistant has a string where the contract wants a timestamp."""
    return write_cassette(
        "violation.yaml",
        interaction("GET", "/assistants/asst_sample1", {**ASSISTANT, "created_at": "yesterday"}),
    )


@pytest.fixture
def clean(write_cassette: CassetteWriter, workdir: Path) -> Path:
    """A cassette that keeps every contract."""
    return write_cassette(
        "clean.yaml",
        interaction("POST", "/threads", THREAD, request={}),
        interaction("GET", "/assistants/asst_sample1", ASSISTANT),
    )


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, object]]:
    code = main(["verify", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_clean_cassette_passes(clean: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(clean)]) == 0
    out = capsys.readouterr().out
    assert (
        "1 file, 2 interactions, 0 stream events: 0 violations, 0 drift (0 new, 0 in the baseline) "
        "[tolerant] — passed" in out
    )


def test_drift_is_reported_but_passes_when_tolerant_without_a_baseline(
    drifting: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--no-baseline", "drift.yaml"]) == 0
    out = capsys.readouterr().out
    group = next(line for line in out.splitlines() if "surprise_field" in line)
    assert "unknown_field" in group and "drift" in group and "1×" in group
    assert "first at drift.yaml:0" in group
    assert out.strip().endswith("passed")


def test_drift_the_built_in_baseline_lacks_fails_when_tolerant(
    drifting: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "drift.yaml"]) == 1
    out = capsys.readouterr().out
    assert "1 new" in out and "FAILED" in out


def test_drift_the_built_in_baseline_lists_passes_when_tolerant(
    write_cassette: CassetteWriter, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Assistants carry reasoning_effort in real traffic: the built-in baseline accepts it, no file needed.
    write_cassette(
        "real.yaml", interaction("GET", "/assistants/asst_sample1", {**ASSISTANT, "reasoning_effort": None})
    )
    assert main(["verify", "real.yaml"]) == 0
    assert "0 new, 1 in the baseline" in capsys.readouterr().out
    assert main(["verify", "--strict", "real.yaml"]) == 1


def test_drift_fails_in_strict_mode(drifting: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--strict", "drift.yaml"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_violation_fails(violating: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "violation.yaml"]) == 1
    out = capsys.readouterr().out
    group = next(line for line in out.splitlines() if "created_at" in line)
    assert "violation" in group and "fails" in group
    assert "1 violation" in out.splitlines()[-1]


def test_json_report(drifting: Path, violating: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, ".")
    assert code == 1
    assert (report["files"], report["interactions"], report["events"]) == (2, 2, 0)
    findings = report["findings"]
    assert isinstance(findings, list) and findings
    for finding in findings:
        assert set(finding) == FINDING_KEYS
        assert finding["new"] is True
    by_path = {f["path"]: f for f in findings}
    assert by_path["surprise_field"]["file"] == "drift.yaml"
    assert by_path["surprise_field"]["severity"] == "drift"
    assert by_path["surprise_field"]["route"] == "POST /threads"
    assert by_path["created_at"]["file"] == "violation.yaml"
    assert by_path["created_at"]["interaction"] == 0
    assert by_path["created_at"]["severity"] == "violation"


def test_junit_report(
    drifting: Path, violating: Path, clean: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--no-baseline", "--format", "junit", "."]) == 1
    suite = ET.fromstring(capsys.readouterr().out)
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures")) == ("3", "1")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"clean.yaml", "drift.yaml", "violation.yaml"}
    failure = cases["violation.yaml"].find("failure")
    assert failure is not None and "1 violation" in (failure.get("message") or "")
    assert "created_at" in (failure.text or "")
    assert cases["drift.yaml"].find("failure") is None
    assert "surprise_field" in (cases["drift.yaml"].findtext("system-out") or "")
    assert cases["clean.yaml"].find("failure") is None


def test_output_file(drifting: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--no-baseline", "--format", "json", "--output", "report.json", "drift.yaml"]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads((workdir / "report.json").read_text())["files"] == 1
    assert main(["verify", "--no-baseline", "--output", "report.txt", "drift.yaml"]) == 0
    text = (workdir / "report.txt").read_text()
    assert "surprise_field" in text and "\x1b[" not in text


def test_unreadable_file_is_a_finding_not_a_crash(
    clean: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "broken.yml").write_text("interactions:\n  - {request: [\n", encoding="utf-8")
    code, report = run_json(capsys, ".")
    assert code == 1
    assert report["files"] == 2 and report["interactions"] == 2
    (finding,) = report["findings"]  # type: ignore[misc]
    assert finding["file"] == "broken.yml"
    assert (finding["kind"], finding["severity"]) == ("unreadable", "violation")
    assert "not valid YAML" in finding["message"]


def test_folders_skip_files_that_are_no_cassette(
    clean: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "settings.json").write_text('{"name": "x"}', encoding="utf-8")
    (workdir / "MANIFEST.md").write_text("# not a cassette\n", encoding="utf-8")
    (workdir / ".hidden").mkdir()
    (workdir / ".hidden" / "broken.yaml").write_text("[", encoding="utf-8")
    code, report = run_json(capsys, ".")
    assert (code, report["files"], report["findings"]) == (0, 1, [])
    # Named explicitly, a file that is no cassette is a finding.
    code, report = run_json(capsys, "settings.json")
    assert code == 1
    assert report["findings"][0]["kind"] == "unreadable"  # type: ignore[index]


def test_update_baseline_then_verify_passes(
    drifting: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--update-baseline", "drift.yaml"]) == 0
    assert "wrote 1 accepted drift entries to contracts/drift-baseline.yaml" in capsys.readouterr().err
    baseline_file = workdir / "contracts" / "drift-baseline.yaml"
    document = yaml.safe_load(baseline_file.read_text())
    ((obj, entries),) = document["accepted"].items()
    assert entries == [
        {
            "kind": "unknown_field",
            "path": "surprise_field",
            "count": 1,
            "example": "drift.yaml:0",
            "reason": "",
        }
    ]

    # Strict fails on any drift; tolerant with the baseline passes and says so.
    assert main(["verify", "--strict", "drift.yaml"]) == 1
    capsys.readouterr()
    assert main(["verify", "drift.yaml"]) == 0
    out = capsys.readouterr().out
    assert "accepted" in out and "(0 new, 1 in the baseline)" in out

    # A reason written by hand survives a rewrite.
    document["accepted"][obj][0]["reason"] = "seen in real runs"
    baseline_file.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert main(["verify", "--update-baseline", "drift.yaml"]) == 0
    rewritten = yaml.safe_load(baseline_file.read_text())
    assert rewritten["accepted"][obj][0]["reason"] == "seen in real runs"


def test_new_drift_fails_against_the_baseline(
    drifting: Path, write_cassette: CassetteWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--update-baseline", "drift.yaml"]) == 0
    capsys.readouterr()
    write_cassette(
        "more.yaml", interaction("POST", "/threads", {**THREAD, "another_field": True}, request={})
    )
    code, report = run_json(capsys, ".")
    assert code == 1
    news = {f["path"]: f["new"] for f in report["findings"]}  # type: ignore[union-attr,index]
    assert news == {"surprise_field": False, "another_field": True}
    # Without the baseline the same drift passes in tolerant mode.
    assert main(["verify", "--no-baseline", "."]) == 0


def test_violations_are_never_baselined(
    violating: Path, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--update-baseline", "violation.yaml"]) == 1
    document = yaml.safe_load((workdir / "contracts" / "drift-baseline.yaml").read_text())
    assert document == {"version": 1, "accepted": {}}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml"], "missing.yaml does not exist"),
        (["."], "no cassette found in ."),
        (["--no-baseline", "--update-baseline", "."], "--no-baseline cannot be combined"),
        (["--baseline", "nothere.yaml", "."], "cannot read the drift baseline nothere.yaml"),
        (["--output", "no/such/dir/r.json", "."], "the folder no/such/dir does not exist"),
    ],
)
def test_usage_errors_exit_2(
    workdir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["verify", *args]) == 2
    assert message in capsys.readouterr().err


def test_corrupt_baseline_exits_2(clean: Path, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "b.yaml").write_text("accepted: [1, 2]\n", encoding="utf-8")
    assert main(["verify", "--baseline", "b.yaml", "."]) == 2
    assert "is not a drift baseline" in capsys.readouterr().err


def test_bad_option_exits_2(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "--format", "xml", "."])
    assert exit_info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_console_script(violating: Path, workdir: Path) -> None:
    script = Path(sys.executable).parent / "harness"
    result = subprocess.run(
        [str(script), "verify", "--format", "json", "violation.yaml"],
        capture_output=True,
        text=True,
        cwd=workdir,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"][0]["path"] == "created_at"
    missing = subprocess.run(
        [str(script), "verify", "nothing-here"], capture_output=True, text=True, cwd=workdir, check=False
    )
    assert missing.returncode == 2
    assert "harness verify: error: nothing-here does not exist" in missing.stderr
