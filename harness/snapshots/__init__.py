"""Snapshots of Assistants traffic: normalisation, stream transcripts and syrupy extensions.

:func:`normalise` and :func:`render_transcript` are plain functions; the extensions plug them into
syrupy, and the ``assistants_snapshot`` / ``stream_snapshot`` fixtures use the extensions. Names load
on first use, so that the pytest plugin, which imports the fixtures, does not import syrupy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness._lazy import lazy_exports

if TYPE_CHECKING:
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

_LAZY = {
    "AssistantsSnapshotExtension": "harness.snapshots._extensions",
    "StreamSnapshotExtension": "harness.snapshots._extensions",
    "JSONValue": "harness.snapshots._normalise",
    "Normaliser": "harness.snapshots._normalise",
    "normalise": "harness.snapshots._normalise",
    "load_payload": "harness.snapshots._payloads",
    "to_jsonable": "harness.snapshots._payloads",
    "StreamEvent": "harness.snapshots._transcript",
    "read_events": "harness.snapshots._transcript",
    "render_transcript": "harness.snapshots._transcript",
}


__getattr__ = lazy_exports(__name__, _LAZY)
