"""syrupy extensions: normalised JSON for payloads, transcripts for streams.

Both store one file per snapshot (``__snapshots__/<test file>/<test name>.json`` or ``.txt``) rather
than syrupy's default ``.ambr`` file per test module. A snapshot file is then exactly the serialised
value: a payload snapshot is valid JSON that ``jq`` or an editor can open, a transcript is plain text
with no Amber quoting or escaping, and a changed snapshot shows up in ``git diff`` and in pytest's
failure message as a plain line diff of that one file.

Configure the masks by subclassing (syrupy instantiates extensions from their class, and pytest-xdist
workers re-import them by name, so define the subclass at module level)::

    class MaskModel(AssistantsSnapshotExtension):
        extra_paths = ("model", "data.*.model")
        extra_patterns = (r"gpt-[\\w.-]+",)
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from harness._extras import missing_extra

try:
    from syrupy.extensions.json import JSONSnapshotExtension
    from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
except ModuleNotFoundError as error:
    raise missing_extra(error, "the snapshot extensions and fixtures (harness.snapshots)") from None

from harness.snapshots._normalise import Normaliser
from harness.snapshots._payloads import load_payload
from harness.snapshots._transcript import render_transcript

if TYPE_CHECKING:
    from syrupy.types import PropertyFilter, PropertyMatcher, SerializableData, SerializedData


class AssistantsSnapshotExtension(JSONSnapshotExtension):
    """Snapshots Assistants objects and payloads as normalised, key-sorted, indented JSON.

    Accepts the openai SDK's objects and pages, the harness's contract models (anything with a
    pydantic ``model_dump``), lists of them, plain dicts and lists, and JSON text. Ids become
    placeholders and timestamps ``"<timestamp>"`` (see :class:`~harness.snapshots.Normaliser`); one
    snapshot shares one placeholder table. syrupy's ``exclude``/``include``/``matcher`` options apply
    to the normalised value.

    Attributes:
        extra_paths: Dotted JSON paths to mask (``*`` one key or index, ``**`` any number).
        extra_patterns: Regular expressions to mask in every string.
    """

    extra_paths: ClassVar[tuple[str, ...]] = ()
    extra_patterns: ClassVar[tuple[str | re.Pattern[str], ...]] = ()

    def normaliser(self) -> Normaliser:
        """A fresh normaliser with this extension's masks: one per snapshot."""
        return Normaliser(extra_paths=self.extra_paths, extra_patterns=self.extra_patterns)

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        """Normalise ``data`` and write it as JSON with sorted keys, two-space indents and a final newline."""
        normalised = self.normaliser().normalise(load_payload(data))
        serialized: SerializedData = super().serialize(
            normalised, exclude=exclude, include=include, matcher=matcher
        )
        return serialized


class StreamSnapshotExtension(SingleFileSnapshotExtension):
    """Snapshots a streamed run as a transcript: one line per event, deltas folded together.

    Accepts SSE text or bytes (or a list of their chunks), a list of ``{"event": ..., "data": ...}``
    dicts, the SDK's stream event objects (iterated from ``client.beta.threads.runs.stream(...)`` or
    collected in an ``AssistantEventHandler``), or a decoded stream. syrupy's ``exclude``/``include``/
    ``matcher`` options do not apply to a transcript; use :attr:`extra_paths` (relative to each event,
    e.g. ``data.model``) and :attr:`extra_patterns` instead.

    Attributes:
        extra_paths: Dotted paths into each ``{"event": ..., "data": ...}`` to mask.
        extra_patterns: Regular expressions to mask in every text of the transcript.
    """

    file_extension = "txt"
    _write_mode = WriteMode.TEXT

    extra_paths: ClassVar[tuple[str, ...]] = ()
    extra_patterns: ClassVar[tuple[str | re.Pattern[str], ...]] = ()

    def normaliser(self) -> Normaliser:
        """A fresh normaliser with this extension's masks: one per snapshot."""
        return Normaliser(extra_paths=self.extra_paths, extra_patterns=self.extra_patterns)

    def serialize(
        self,
        data: SerializableData,
        *,
        exclude: PropertyFilter | None = None,
        include: PropertyFilter | None = None,
        matcher: PropertyMatcher | None = None,
    ) -> SerializedData:
        """Render ``data`` as a transcript."""
        return render_transcript(data, normaliser=self.normaliser())
