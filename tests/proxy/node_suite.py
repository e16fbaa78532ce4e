"""Running the TypeScript example's node:test suite against a proxy (skipped only where node is absent)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "typescript"
CASSETTES = EXAMPLE / "cassettes"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the TypeScript example (install Node 20+ and npm)")
    pytest.skip(reason)


def node_ready() -> str:
    """The ``node`` executable, with the example's ``node_modules`` installed (cached between runs)."""
    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        _unavailable("node/npm are not installed: the TypeScript example cannot be replayed here")
    assert node is not None and npm is not None
    if not (EXAMPLE / "node_modules" / "openai" / "package.json").is_file():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=EXAMPLE, capture_output=True, text=True, timeout=600
        )
        if done.returncode != 0:
            _unavailable(f"`npm ci` failed in {EXAMPLE} (no registry access?):\n{done.stderr[-2000:]}")
    return node


def run_node_suite(
    proxy_url: str, *, name_pattern: str | None = None, api_key: str | None = None
) -> tuple[int, str, list[dict[str, Any]]]:
    """Run the example's tests against ``proxy_url``; returns the exit code, the output and the results
    each test wrote to ``$HARNESS_RESULTS``."""
    node = node_ready()
    command = [node, "--test", "--test-concurrency=1"]
    if name_pattern:
        command.append(f"--test-name-pattern={name_pattern}")
    command.append("test/")
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    env["HARNESS_PROXY"] = proxy_url
    if api_key:
        env["OPENAI_API_KEY"] = api_key
    with tempfile.TemporaryDirectory() as folder:
        env["HARNESS_RESULTS"] = str(Path(folder) / "results.jsonl")
        done = subprocess.run(command, cwd=EXAMPLE, env=env, capture_output=True, text=True, timeout=300)
        written = Path(env["HARNESS_RESULTS"])
        lines = written.read_text().splitlines() if written.is_file() else []
    return done.returncode, done.stdout + done.stderr, [json.loads(line) for line in lines]
