"""The README's Quickstart, run as a new user runs it: its test file, its commands, its promises."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def _quickstart() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Quickstart in your project") :]
    section = section[: section.index("\n## ", 1)]
    return section


def test_the_quickstart_records_then_replays_offline_without_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = _quickstart()
    code = re.search(r"```python\n# (tests/test_tutor\.py)\n(.*?)```", section, re.S)
    assert code is not None, "the Quickstart shows tests/test_tutor.py"
    commands = re.findall(r"^pytest([^#\n]*?)\s*#\s*(\S.*)$", section, re.M)
    assert commands[0][0].split() == ["--record-mode=once", "--snapshot-update"]
    promised = re.search(r"records (\S+\.yaml)", commands[0][1])
    assert promised is not None
    pytester.mkdir("tests")
    (pytester.path / code.group(1)).write_text(code.group(2))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    pytester.runpytest_subprocess(*commands[0][0].split()).assert_outcomes(passed=1)
    assert (pytester.path / promised.group(1)).is_file()
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # offline: nothing listens there
    pytester.runpytest_subprocess(*commands[1][0].split()).assert_outcomes(passed=1)


def test_harness_version_prints_the_installed_version() -> None:
    assert "harness --version" in _quickstart()
    from importlib.metadata import version

    done = subprocess.run(
        [sys.executable, "-m", "harness", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"harness {version('assistants-harness')}"
