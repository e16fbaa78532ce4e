"""Contract models build their validators on first use (``defer_build``), and still check correctly."""

from __future__ import annotations

import subprocess
import sys

CODE = """
from harness.contracts._models import Assistant
from harness.contracts._core_schema import drift_validator
from harness.contracts import check_response

assert not Assistant.__pydantic_complete__, "built at import: defer_build is off"
body = b'{"id": "asst_1", "object": "assistant", "created_at": 1, "name": null, "description": null,'
body += b' "model": "gpt-4o", "instructions": null, "tools": [], "metadata": {}, "surprise": 1}'
findings = check_response("GET", "/v1/assistants/asst_1", 200, body)
print(sorted({(f.kind, f.path) for f in findings}))
drift_validator(Assistant)
"""


def test_a_fresh_process_builds_models_on_first_check() -> None:
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "surprise" in result.stdout
