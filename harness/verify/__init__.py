"""Verification of recorded traffic: cassette readers, checks, the drift baseline, reports, ``show``.

- :func:`read_recording` reads vcrpy YAML/JSON, Ruby VCR YAML and Azure SDK test-proxy JSON cassettes
  into :class:`Recording` objects.
- :func:`check_exchange` checks one request/response (stream or not) against the contracts and the
  stream grammar; the pytest plugin calls it for every response.
- :func:`verify` checks whole files and folders into a :class:`VerifyReport`, compared with a
  :class:`Baseline` of accepted drift; :func:`render_text`, :func:`to_json` and :func:`to_junit`
  report it.
- :func:`render_timeline` prints a cassette as a readable timeline (``harness show``).

Names load on first use, so that the pytest plugin, which checks each response with
:mod:`harness.verify._exchange`, does not import the readers, the reports or the baseline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness._lazy import lazy_exports

if TYPE_CHECKING:
    from harness._encoding import decode_content
    from harness.verify._baseline import (
        BUILTIN_BASELINE,
        DEFAULT_BASELINE,
        Baseline,
        BaselineEntry,
        baseline_key,
        builtin_baseline,
        canonical_place,
        load_baseline,
        path_pattern,
    )
    from harness.verify._exchange import ExchangeCheck, check_exchange, inspect_exchange
    from harness.verify._readers import NotARecording, UnreadableRecording, read_recording
    from harness.verify._recording import RecordedInteraction, Recording, RecordingFormat
    from harness.verify._report import (
        FindingGroup,
        ReportFormat,
        dumps_report,
        group_findings,
        render_text,
        summary_line,
        to_json,
        to_junit,
    )
    from harness.verify._runner import VerifyReport, cassette_files, check_interaction, verify
    from harness.verify._show import render_timeline

__all__ = [
    "BUILTIN_BASELINE",
    "DEFAULT_BASELINE",
    "Baseline",
    "BaselineEntry",
    "ExchangeCheck",
    "FindingGroup",
    "NotARecording",
    "RecordedInteraction",
    "Recording",
    "RecordingFormat",
    "ReportFormat",
    "UnreadableRecording",
    "VerifyReport",
    "baseline_key",
    "builtin_baseline",
    "canonical_place",
    "cassette_files",
    "check_exchange",
    "check_interaction",
    "decode_content",
    "dumps_report",
    "group_findings",
    "inspect_exchange",
    "load_baseline",
    "path_pattern",
    "read_recording",
    "render_text",
    "render_timeline",
    "summary_line",
    "to_json",
    "to_junit",
    "verify",
]

_HOMES = {
    "harness._encoding": ("decode_content",),
    "harness.verify._baseline": (
        "BUILTIN_BASELINE",
        "DEFAULT_BASELINE",
        "Baseline",
        "BaselineEntry",
        "baseline_key",
        "builtin_baseline",
        "canonical_place",
        "load_baseline",
        "path_pattern",
    ),
    "harness.verify._exchange": (
        "ExchangeCheck",
        "check_exchange",
        "inspect_exchange",
    ),
    "harness.verify._readers": (
        "NotARecording",
        "UnreadableRecording",
        "read_recording",
    ),
    "harness.verify._recording": (
        "RecordedInteraction",
        "Recording",
        "RecordingFormat",
    ),
    "harness.verify._report": (
        "FindingGroup",
        "ReportFormat",
        "dumps_report",
        "group_findings",
        "render_text",
        "summary_line",
        "to_json",
        "to_junit",
    ),
    "harness.verify._runner": (
        "VerifyReport",
        "cassette_files",
        "check_interaction",
        "verify",
    ),
    "harness.verify._show": ("render_timeline",),
}
_LAZY = {name: module for module, names in _HOMES.items() for name in names}


__getattr__ = lazy_exports(__name__, _LAZY)
