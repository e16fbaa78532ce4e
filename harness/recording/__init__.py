"""Recording and replaying HTTP traffic into vcrpy-format cassettes.

Names load on first use: the pytest plugin validates its options with :mod:`harness.recording._config`
at start-up, which must not import the recorder, vcrpy's YAML loader or the stream checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness._lazy import lazy_exports

if TYPE_CHECKING:
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

_HOMES = {
    "harness.recording._cassette": (
        "Cassette",
        "CassetteError",
        "CassetteNotFoundError",
        "CorruptCassetteError",
        "Interaction",
        "UnmatchedRequestError",
    ),
    "harness.recording._config": (
        "ContractsMode",
        "RecorderConfig",
        "RecordMode",
        "RedactionRules",
        "UnusedPolicy",
    ),
    "harness.recording._locks": ("CassetteLockedError",),
    "harness.recording._recorder": ("Checker", "Recorder", "RecordTimeoutError"),
    "harness.recording._redaction": ("Redactor",),
}
_LAZY = {name: module for module, names in _HOMES.items() for name in names}


__getattr__ = lazy_exports(__name__, _LAZY)
