"""Snapshots of Assistants traffic: normalisation, stream transcripts and syrupy extensions.

:func:`normalise` and :func:`render_transcript` are plain functions; the extensions plug them into
syrupy, and the ``assistants_snapshot`` / ``stream_snapshot`` fixtures use the extensions.
"""

from __future__ import annotations

from harness.snapshots._extensions import AssistantsSnapshotExtension, StreamSnapshotExtension
from harness.snapshots._normalise import JSONValue, Normaliser, normalise
from harness.snapshots._payloads import load_payload, to_jsonable
from harness.snapshots._transcript import StreamEvent, read_events, render_transcript

__all__ = [
    "AssistantsSnapshotExtension",
    "JSONValue",
    "Normaliser",
    "StreamEvent",
    "StreamSnapshotExtension",
    "load_payload",
    "normalise",
    "read_events",
    "render_transcript",
    "to_jsonable",
]
