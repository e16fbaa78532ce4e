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
from harness.recording._locks import CassetteLockedError
from harness.recording._recorder import Checker, Recorder, RecordTimeoutError
from harness.recording._redaction import Redactor

__all__ = [
    "Cassette",
    "CassetteError",
    "CassetteLockedError",
    "CassetteNotFoundError",
    "Checker",
    "ContractsMode",
    "CorruptCassetteError",
    "Interaction",
    "RecordMode",
    "RecordTimeoutError",
    "Recorder",
    "RecorderConfig",
    "RedactionRules",
    "Redactor",
    "UnmatchedRequestError",
    "UnusedPolicy",
]
