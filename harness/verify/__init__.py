"""Verification of recorded traffic: cassette readers, checks, the drift baseline, reports, ``show``.

- :func:`read_recording` reads vcrpy YAML/JSON, Ruby VCR YAML and Azure SDK test-proxy JSON cassettes
  into :class:`Recording` objects.
- :func:`check_exchange` checks one request/response (stream or not) against the contracts and the
  stream grammar; the pytest plugin calls it for every response.
- :func:`verify` checks whole files and folders into a :class:`VerifyReport`, compared with a
  :class:`Baseline` of accepted drift; :func:`render_text`, :func:`to_json` and :func:`to_junit`
  report it.
- :func:`render_timeline` prints a cassette as a readable timeline (``harness show``).
"""

from __future__ import annotations

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
