"""Typed constructors of what a run streams and stores: tool calls, their deltas, text deltas, citations.

Each shape of the Assistants API that the run engine writes is defined here once, as a frozen dataclass
whose :meth:`Shape.to_json` gives the JSON object in the key order of the real recordings. A field left
at :data:`OMIT` is not written at all (a delta carries only what changed), which is not the same as
``None`` (written as ``null``).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from harness.server._state import Obj


class Omit(enum.Enum):
    """The type of :data:`OMIT`."""

    OMIT = "omit"


OMIT = Omit.OMIT
"""A field that is left out of the JSON object."""

ToolType = Literal["function", "code_interpreter", "file_search"]


def to_json(value: Any) -> Any:
    """``value`` as JSON values: shapes through :meth:`Shape.to_json`, lists item by item."""
    if isinstance(value, Shape):
        return value.to_json()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class Shape:
    """A JSON object: its fields in declaration order, those at :data:`OMIT` left out."""

    def to_json(self) -> Obj:
        """The JSON object, a fresh dict the caller may store and change."""
        return {
            item.name: to_json(value)
            for item in dataclasses.fields(self)
            if (value := getattr(self, item.name)) is not OMIT
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionBody(Shape):
    """The ``function`` of a function tool call (a delta carries only the next piece of ``arguments``)."""

    name: str | Omit = OMIT
    arguments: str | Omit = OMIT
    output: str | Omit | None = OMIT


@dataclass(frozen=True, slots=True, kw_only=True)
class LogsOutput(Shape):
    """A ``logs`` output of a code_interpreter call (``index`` in deltas only)."""

    index: int | Omit = OMIT
    type: Literal["logs"] = "logs"
    logs: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CodeBody(Shape):
    """The ``code_interpreter`` of a code interpreter call."""

    input: str | Omit = OMIT
    outputs: Sequence[LogsOutput] | Omit = OMIT


@dataclass(frozen=True, slots=True, kw_only=True)
class FileSearchResult(Shape):
    """One ranked chunk in the ``results`` of a file_search call."""

    file_id: str
    file_name: str
    score: float
    text: str

    def to_json(self) -> Obj:
        """The result, its chunk as one text content part."""
        return {
            "file_id": self.file_id,
            "file_name": self.file_name,
            "score": self.score,
            "attributes": {},
            "content": [{"type": "text", "text": self.text}],
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class FileSearchBody(Shape):
    """The ``file_search`` of a file search call."""

    ranking_options: Obj
    results: Sequence[FileSearchResult] = ()


ToolBody = FunctionBody | CodeBody | FileSearchBody


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCall(Shape):
    """A tool call, whole (in step details, ``required_action``) or as a delta (``index`` set).

    The body is written under the key its type names: ``{"id", "type": "function", "function": {...}}``.
    """

    index: int | Omit = OMIT
    id: str | Omit = OMIT
    type: ToolType
    body: ToolBody

    def to_json(self) -> Obj:
        """The call: ``index`` (deltas), ``id`` (when known), ``type``, then the body under its type."""
        call: Obj = {}
        if self.index is not OMIT:
            call["index"] = self.index
        if self.id is not OMIT:
            call["id"] = self.id
        call["type"] = self.type
        call[self.type] = self.body.to_json()
        return call


def tool_calls_details(calls: Sequence[ToolCall] = ()) -> Obj:
    """The ``step_details`` of a tool_calls step."""
    return {"type": "tool_calls", "tool_calls": [call.to_json() for call in calls]}


def message_creation_details(message_id: str) -> Obj:
    """The ``step_details`` of a message_creation step."""
    return {"type": "message_creation", "message_creation": {"message_id": message_id}}


def required_action(calls: Sequence[ToolCall]) -> Obj:
    """A run's ``required_action``: the function calls waiting for outputs."""
    return {
        "type": "submit_tool_outputs",
        "submit_tool_outputs": {"tool_calls": [c.to_json() for c in calls]},
    }


def step_delta(step_id: str, call: ToolCall) -> Obj:
    """The data of a ``thread.run.step.delta`` event about one tool call."""
    return {
        "id": step_id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call.to_json()]}},
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Citation(Shape):
    """A file_citation annotation: the marker ``text`` at ``start_index``..``end_index`` of the value."""

    text: str
    start_index: int
    end_index: int
    file_id: str

    def to_json(self) -> Obj:
        """The annotation as the completed message carries it."""
        return {
            "type": "file_citation",
            "text": self.text,
            "start_index": self.start_index,
            "end_index": self.end_index,
            "file_citation": {"file_id": self.file_id},
        }

    def delta(self, index: int) -> Obj:
        """The annotation as a text delta carries it: with its ``index`` and an empty ``quote``."""
        return {"index": index, **self.to_json(), "file_citation": {"file_id": self.file_id, "quote": ""}}


@dataclass(frozen=True, slots=True, kw_only=True)
class TextDelta(Shape):
    """A piece of a message's first text part; the first piece opens ``annotations``."""

    value: str
    annotations: Sequence[Obj] | Omit = OMIT

    def event(self, message_id: str) -> Obj:
        """The data of the ``thread.message.delta`` event that carries this piece."""
        part = {"index": 0, "type": "text", "text": self.to_json()}
        return {"id": message_id, "object": "thread.message.delta", "delta": {"content": [part]}}


@dataclass(frozen=True, slots=True, kw_only=True)
class TextBlock(Shape):
    """A text content part of a message."""

    value: str
    annotations: Sequence[Citation] = field(default_factory=tuple)

    def to_json(self) -> Obj:
        """``{"type": "text", "text": {"value": ..., "annotations": [...]}}``."""
        return {"type": "text", "text": {"value": self.value, "annotations": to_json(self.annotations)}}


def incomplete(reason: str) -> Obj:
    """An ``incomplete_details`` object."""
    return {"reason": reason}
