"""Recording and replaying HTTP traffic into vcrpy-format cassettes."""

from __future__ import annotations

from harness.recording._cassette import (
    Cassette,
    CassetteError,
    CassetteNotFoundError,
    CorruptCassetteError,
    Interaction,
    UnmatchedRequestError,
)
from harness.recording._config import (
    ContractsMode,
    RecorderConfig,
    RecordMode,
    RedactionRules,
    UnusedPolicy,
)
from harness.recording._recorder import Checker, Recorder
from harness.recording._redaction import Redactor

__all__ = [
    "Cassette",
    "CassetteError",
    "CassetteNotFoundError",
    "Checker",
    "ContractsMode",
    "CorruptCassetteError",
    "Interaction",
    "RecordMode",
    "Recorder",
    "RecorderConfig",
    "RedactionRules",
    "Redactor",
    "UnmatchedRequestError",
    "UnusedPolicy",
]
