"""assistants-harness: record/replay and contract verification for the OpenAI Assistants API v2."""

from __future__ import annotations

from harness._errors import ContractViolation, HarnessError
from harness._findings import Finding

__all__ = [
    "ContractViolation",
    "Finding",
    "HarnessError",
]

__version__ = "0.1.0"
