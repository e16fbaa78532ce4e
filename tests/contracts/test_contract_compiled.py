"""The compiled contracts: cached like bytecode, read without loading the models, never stale or fatal.

Each test runs fresh interpreters with bytecode writing on and ``PYTHONPYCACHEPREFIX`` in a temporary
folder, so that the cache they write is theirs alone.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from harness.contracts._compiled import CompiledContracts

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import json, sys
from harness.contracts import check_event, check_response
from harness.contracts._compiled import cache_path

assistant = {"id": "asst_1", "object": "assistant", "created_at": 1, "name": None, "description": None,
             "model": "gpt-4o", "instructions": None, "tools": [], "metadata": {}, "surprise": 1}
thread = {"id": "thread_1", "object": "thread", "created_at": 1, "tool_resources": None, "metadata": {}}
findings = check_response("GET", "/v1/assistants/asst_1", 200, json.dumps(assistant))
findings += check_response("GET", "/v1/threads/thread_1", 200, json.dumps(thread))
findings += check_event("thread.created", json.dumps({**thread, "created_at": "soon"}))
print(json.dumps({
    "findings": sorted([f.severity, f.kind, f.object, f.path] for f in findings),
    "models loaded": sorted(name for name in sys.modules if name.startswith("harness.contracts._models")),
    "cache": str(cache_path()),
    "package": __import__("harness").__file__,
    "models built": sorted(name for name, model in vars(sys.modules.get("harness.contracts._models", sys))
                           .items() if getattr(model, "__pydantic_complete__", False)),
}))
"""

EXPECTED = [
    ["drift", "unknown_field", "Assistant", "surprise"],
    ["violation", "type", "thread.created", "created_at"],
]


def _environment(prefix: Path, *, bytecode: bool = True, path: Path | None = None) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    environment["PYTHONPYCACHEPREFIX"] = str(prefix)
    if not bytecode:
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
    if path is not None:
        environment["PYTHONPATH"] = str(path)
    return environment


def _check(environment: dict[str, str], code: str = CHECK) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd="/"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _caches(prefix: Path) -> list[Path]:
    return sorted(prefix.rglob("contracts-*.pickle"))


def test_the_first_check_writes_the_cache_and_the_next_process_checks_without_the_models(
    tmp_path: Path,
) -> None:
    environment = _environment(tmp_path / "pycache")
    first = _check(environment)
    assert first["findings"] == EXPECTED
    assert first["models loaded"], "without a cache the contracts are generated from the models"
    assert _caches(tmp_path / "pycache") == [Path(first["cache"])]
    second = _check(environment)
    assert second["findings"] == EXPECTED
    assert second["models loaded"] == []
    assert second["cache"] == first["cache"]


RUN_CHECK = """
import json, sys
from harness.contracts import check_response

run = {"id": "run_1", "object": "thread.run", "created_at": 1, "status": "done"}
findings = check_response("GET", "/v1/threads/thread_1/runs/run_1", 200, json.dumps(run))
print(json.dumps({
    "findings": sorted([f.severity, f.kind, f.object, f.path] for f in findings if f.path == "status"),
    "models loaded": sorted(name for name in sys.modules if name.startswith("harness.contracts._models")),
}))
"""


def test_a_process_adds_the_contracts_it_generated_to_the_cache(tmp_path: Path) -> None:
    environment = _environment(tmp_path / "pycache")
    _check(environment)
    first_run = _check(environment, RUN_CHECK)
    assert first_run["models loaded"], "the cache held no run contract yet"
    assert first_run["findings"] == [["violation", "enum", "Run", "status"]]
    assert _check(environment, RUN_CHECK) == {**first_run, "models loaded": []}
    assert _check(environment)["models loaded"] == [], "what the first process cached is still there"


def test_nothing_is_written_when_bytecode_is_not(tmp_path: Path) -> None:
    answer = _check(_environment(tmp_path / "pycache", bytecode=False))
    assert answer["findings"] == EXPECTED
    assert answer["cache"] == "None"
    assert _caches(tmp_path) == []
    # Without a cache, a model is built (``defer_build``) only when traffic is checked against it.
    assert "Assistant" in answer["models built"] and "Thread" in answer["models built"]
    assert "VectorStore" not in answer["models built"] and "RunStep" not in answer["models built"]


def test_a_cache_folder_that_cannot_be_made_costs_nothing_but_time(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    environment = _environment(blocker / "pycache")
    for _ in range(2):
        answer = _check(environment)
        assert answer["findings"] == EXPECTED
        assert answer["models loaded"]
    assert _caches(tmp_path) == []


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a pickle at all",
        pickle.dumps(["a", "list"]),
        pickle.dumps({"format": 0, "contracts": {}, "events": {}}),
        pickle.dumps({"format": 1, "contracts": {"Run": ({"type": "any"}, False)}, "events": {}}),
        pickle.dumps({"format": 1, "contracts": {}, "events": {"thread.created": 7}}),
        b"\x80\x05\x95",  # a pickle cut short
    ],
    ids=["empty", "garbage", "list", "old-format", "unpickled-entry", "bad-event", "truncated"],
)
def test_a_corrupt_or_foreign_cache_is_replaced(tmp_path: Path, content: bytes) -> None:
    environment = _environment(tmp_path / "pycache")
    cache = Path(_check(environment)["cache"])
    cache.write_bytes(content)
    answer = _check(environment)
    assert answer["findings"] == EXPECTED
    assert CompiledContracts.from_bytes(cache.read_bytes()) is not None, "the cache was written again"
    assert _check(environment)["models loaded"] == []


def test_a_changed_model_never_reads_the_old_cache(tmp_path: Path) -> None:
    """The cache is named by a digest of the model sources: an edited contract is compiled again, and the
    cache of the old one is removed (not that of other pydantic or Python versions, which environments
    sharing the checkout keep using)."""
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "harness", copy / "harness", ignore=shutil.ignore_patterns("__pycache__"))
    environment = _environment(tmp_path / "pycache", path=copy)
    before = _check(environment)
    assert Path(before["package"]).is_relative_to(copy)
    assert before["findings"] == EXPECTED
    other_versions = Path(before["cache"]).with_name("contracts-000000000000-0000000000000000.pickle")
    other_versions.write_bytes(b"the cache of another environment")
    threads = copy / "harness" / "contracts" / "_models" / "_threads.py"
    source = threads.read_text()
    assert "    metadata: Metadata | None\n\n\nclass ThreadDeleted" in source
    threads.write_text(source.replace("    metadata: Metadata | None\n\n\n", "    owner: str\n\n\n", 1))
    after = _check(environment)
    assert ["violation", "missing", "Thread", "owner"] in after["findings"]
    assert ["drift", "unknown_field", "Thread", "metadata"] in after["findings"]
    assert after["cache"] != before["cache"]
    assert _caches(tmp_path / "pycache") == sorted([Path(after["cache"]), other_versions])


VERIFY = """
import json, sys
from pathlib import Path
from harness.verify import verify

report = verify([Path(sys.argv[1])], baseline=None)
found = report.findings
print(json.dumps({
    "findings": [[f.severity, f.kind, f.object, f.path, f.message, f.event, f.route] for f in found],
    "models loaded": sorted(name for name in sys.modules if name.startswith("harness.contracts._models")),
}))
"""


def test_the_cached_contracts_find_what_the_models_find_in_every_real_recording(
    tmp_path: Path, real_cassettes: Path
) -> None:
    code = VERIFY.replace("sys.argv[1]", repr(str(real_cassettes)))
    generated = _check(_environment(tmp_path / "none", bytecode=False), code)
    environment = _environment(tmp_path / "pycache")
    _check(environment, code)
    cached = _check(environment, code)
    assert generated["models loaded"] and cached["models loaded"] == []
    assert len(generated["findings"]) > 100, "the real recordings carry drift and violations"
    assert cached["findings"] == generated["findings"]
