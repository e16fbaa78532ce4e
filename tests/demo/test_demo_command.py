"""``harness demo``: the README's first command, end to end, with no key and no network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.demo import SCENARIOS


def test_demo_records_replays_and_verifies_every_scenario_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # the committed drift baseline is found here
    out = tmp_path / "cassettes"
    code = main(["demo", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"All {len(SCENARIOS)} scenarios recorded, replayed offline and verified clean" in printed
    for name in SCENARIOS:
        assert name in printed
        interactions = yaml.safe_load((out / f"{name}.yaml").read_text())["interactions"]
        assert interactions, f"{name} recorded nothing"
        assert "sk-demo-not-a-real-key" not in (out / f"{name}.yaml").read_text()


def test_demo_live_without_endpoint_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["demo", "--live", "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "OPENAI_BASE_URL" in error and "drop --live" in error


def test_demo_console_script_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "harness", "demo", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "--live" in result.stdout and "--out" in result.stdout
