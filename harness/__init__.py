"""assistants-harness: record/replay and contract verification for the OpenAI Assistants API v2.

The names below are the stable public API. Areas with more to offer have their own public packages:
``harness.recording``, ``harness.contracts``, ``harness.streams``, ``harness.verify``,
``harness.snapshots``, ``harness.strategies``, ``harness.server``. Names are loaded on first use, so
that importing ``harness`` (as the pytest plugin does) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness._errors import ContractViolation, HarnessError
from harness._findings import Finding, format_findings
from harness._lazy import lazy_exports

if TYPE_CHECKING:
    from harness.recording import Cassette, Recorder, RecorderConfig, RedactionRules
    from harness.streams import assert_stream_valid, check_stream
    from harness.verify import check_exchange, verify

__all__ = [
    "Cassette",
    "ContractViolation",
    "Finding",
    "HarnessError",
    "Recorder",
    "RecorderConfig",
    "RedactionRules",
    "assert_stream_valid",
    "check_exchange",
    "check_stream",
    "format_findings",
    "verify",
]

__version__ = "0.1.0"

_LAZY = {
    "Cassette": "harness.recording",
    "Recorder": "harness.recording",
    "RecorderConfig": "harness.recording",
    "RedactionRules": "harness.recording",
    "assert_stream_valid": "harness.streams",
    "check_stream": "harness.streams",
    "check_exchange": "harness.verify",
    "verify": "harness.verify",
}


__getattr__ = lazy_exports(__name__, _LAZY)
