"""The collapsed view of a stream: what it built, without its hundreds of deltas.

:func:`reconstruct` turns a stream into a :class:`StreamSummary`: the thread, the run, each step and
each message in the order the stream first names them, each with its status transitions (the stages its
events report, like ``created → in_progress → completed``), the text of each message per content index
(its deltas concatenated), and each tool call with its function arguments or code_interpreter input.
``harness show`` prints :meth:`StreamSummary.render`; snapshots store :meth:`StreamSummary.to_dict`.

Each object starts from the first full snapshot the stream gives of it and adds every delta after it, so
a legal stream collapses to exactly the content of its completed objects (the grammar checks that), and
an illegal one shows what its deltas really say. Later snapshots only add what is never streamed: the
output of a function call, the outputs of a code_interpreter call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.streams._content import MessageContent, StepCalls, as_dict, as_list
from harness.streams._events import ObjectKind, classify, normalise


@dataclass(frozen=True, slots=True)
class ToolCallSummary:
    """One tool call: of a step (collapsed from its deltas) or asked for by ``requires_action``.

    Attributes:
        index: Position of the call in the step's ``tool_calls``.
        id: The call id (``call_…``).
        type: ``function``, ``code_interpreter`` or ``file_search``.
        name: The function name, for function calls.
        arguments: The function arguments, deltas concatenated.
        input: The code_interpreter input, deltas concatenated.
        output: The function output, once submitted.
        outputs: The code_interpreter outputs (``logs`` or ``image``).
    """

    index: int
    id: str | None
    type: str | None
    name: str | None = None
    arguments: str | None = None
    input: str | None = None
    output: str | None = None
    outputs: tuple[dict[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, without the fields that do not apply."""
        return _compact(
            {
                "index": self.index,
                "id": self.id,
                "type": self.type,
                "name": self.name,
                "arguments": self.arguments,
                "input": self.input,
                "output": self.output,
                "outputs": list(self.outputs),
            }
        )


@dataclass(frozen=True, slots=True)
class ObjectSummary:
    """One thread, run, step or message of a stream.

    Attributes:
        kind: ``thread``, ``run``, ``step`` or ``message``.
        id: The object id.
        transitions: The stage of each of its events but deltas, in order (``created``, ``queued``,
            ``in_progress``, ``requires_action``, ``completed``, ...).
        status: The last ``status`` its events carried.
        first_event: Index of the first event that named it.
        deltas: How many delta events it had.
        type: The step type (``message_creation`` or ``tool_calls``).
        role: The message role.
        message_id: The message a ``message_creation`` step creates.
        texts: A message's text by content index, deltas concatenated.
        annotations: A message's annotations by content index.
        tool_calls: A step's tool calls, or the calls a run's ``requires_action`` asks for.
    """

    kind: ObjectKind
    id: str
    transitions: tuple[str, ...]
    status: str | None
    first_event: int
    deltas: int = 0
    type: str | None = None
    role: str | None = None
    message_id: str | None = None
    texts: Mapping[int, str] = field(default_factory=dict)
    annotations: Mapping[int, tuple[dict[str, Any], ...]] = field(default_factory=dict)
    tool_calls: tuple[ToolCallSummary, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (content indexes become string keys), without empty fields."""
        return _compact(
            {
                "kind": self.kind,
                "id": self.id,
                "transitions": list(self.transitions),
                "status": self.status,
                "first_event": self.first_event,
                "deltas": self.deltas,
                "type": self.type,
                "role": self.role,
                "message_id": self.message_id,
                "texts": {str(index): text for index, text in self.texts.items()},
                "annotations": {str(index): list(notes) for index, notes in self.annotations.items()},
                "tool_calls": [call.to_dict() for call in self.tool_calls],
            }
        )


@dataclass(frozen=True, slots=True)
class StreamSummary:
    """The collapsed view of a stream.

    Attributes:
        objects: The thread, run, steps and messages in the order the stream first names them.
        events: How many complete events the stream has.
        done: Whether the stream has its ``done`` event.
        truncated: Whether the stream was cut in the middle of an event.
        error: The data of the ``error`` event that ended the stream, if any.
    """

    objects: tuple[ObjectSummary, ...]
    events: int
    done: bool
    truncated: bool = False
    error: Any = None

    def get(self, object_id: str) -> ObjectSummary | None:
        """The object with this id, if the stream names it."""
        return next((item for item in self.objects if item.id == object_id), None)

    def of_kind(self, kind: ObjectKind) -> list[ObjectSummary]:
        """The objects of one kind, in stream order."""
        return [item for item in self.objects if item.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by snapshots."""
        return {
            "events": self.events,
            "done": self.done,
            "truncated": self.truncated,
            "error": self.error,
            "objects": [item.to_dict() for item in self.objects],
        }

    def render(self) -> str:
        """The collapsed view as text: one line per object, its content indented below it."""
        lines: list[str] = []
        for item in self.objects:
            label = f"{item.kind} {item.id}"
            if item.kind == "step":
                target = f" → {item.message_id}" if item.message_id else ""
                label += f" ({item.type or '?'}{target})"
            elif item.kind == "message" and item.role:
                label += f" ({item.role})"
            line = f"{label}: {' → '.join(item.transitions) or '(no event)'}"
            if item.deltas:
                line += f", {item.deltas} delta{'s' if item.deltas != 1 else ''}"
            lines.append(line)
            for index, text in item.texts.items():
                notes = len(item.annotations.get(index, ()))
                suffix = f" [{notes} annotation{'s' if notes != 1 else ''}]" if notes else ""
                lines.append(f"  [{index}] {json.dumps(text, ensure_ascii=False)}{suffix}")
            for call in item.tool_calls:
                lines.append(f"  {_render_call(call)}")
        if self.error is not None:
            lines.append(f"error: {json.dumps(self.error, ensure_ascii=False)}")
        if self.truncated:
            lines.append("(cut in the middle of an event)")
        elif self.done:
            lines.append("done")
        return "\n".join(lines)


def reconstruct(events: object) -> StreamSummary:
    """Collapse a stream into its objects, their transitions and their streamed content.

    Args:
        events: The stream, in any form :func:`~harness.streams.iter_events` accepts.

    Returns:
        The :class:`StreamSummary`: the "collapsed" view of the stream. It is built whether or not the
        stream is legal; :func:`~harness.streams.check_stream` says whether it is.

    Raises:
        HarnessError: ``events`` is not a stream in any accepted form.
    """
    stream = normalise(events)
    builders: dict[tuple[str, str], _Builder] = {}
    done = False
    error: Any = None
    for index, (name, data) in enumerate(stream.events):
        if name == "done":
            done = True
            continue
        if name == "error":
            error = data
            continue
        kind_stage = classify(name)
        if kind_stage is None or not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        kind, stage = kind_stage
        key = (kind, data["id"])
        builder = builders.get(key)
        if builder is None:
            builder = builders[key] = _Builder(kind=kind, id=data["id"], first_event=index)
            if stage != "delta":
                builder.snapshot(data)
        builder.add(stage, data)
    return StreamSummary(
        objects=tuple(builder.build() for builder in builders.values()),
        events=len(stream.events),
        done=done,
        truncated=stream.truncated,
        error=error,
    )


@dataclass(slots=True)
class _Builder:
    kind: ObjectKind
    id: str
    first_event: int
    transitions: list[str] = field(default_factory=list)
    status: str | None = None
    deltas: int = 0
    type: str | None = None
    message: MessageContent = field(default_factory=MessageContent)
    calls: StepCalls = field(default_factory=StepCalls)
    required: tuple[ToolCallSummary, ...] = ()

    def snapshot(self, data: dict[str, Any]) -> None:
        if self.kind == "message":
            self.message.apply_snapshot(data)
        elif self.kind == "step":
            self.calls.apply_snapshot(data)

    def add(self, stage: str, data: dict[str, Any]) -> None:
        if stage == "delta":
            self.deltas += 1
            delta = as_dict(data.get("delta"))
            if self.kind == "message":
                self.message.apply_delta(delta)
            else:
                self.calls.apply_delta(delta)
            return
        self.transitions.append(stage)
        if self.kind == "step" and len(self.transitions) > 1:
            self.calls.apply_results(data)
        if isinstance(data.get("status"), str):
            self.status = data["status"]
        step_type = data.get("type")
        if self.kind == "step" and isinstance(step_type, str):
            self.type = step_type
        if self.kind == "run" and stage == "requires_action":
            action = as_dict(as_dict(data.get("required_action")).get("submit_tool_outputs"))
            self.required = tuple(
                ToolCallSummary(
                    index=position,
                    id=as_dict(call).get("id"),
                    type=as_dict(call).get("type"),
                    name=as_dict(as_dict(call).get("function")).get("name"),
                    arguments=as_dict(as_dict(call).get("function")).get("arguments"),
                )
                for position, call in enumerate(as_list(action.get("tool_calls")))
            )

    def build(self) -> ObjectSummary:
        texts: dict[int, str] = {}
        annotations: dict[int, tuple[dict[str, Any], ...]] = {}
        calls: tuple[ToolCallSummary, ...] = self.required
        if self.kind == "message":
            texts = self.message.texts()
            annotations = {
                index: tuple(part.annotations[number] for number in sorted(part.annotations))
                for index, part in sorted(self.message.parts.items())
                if part.annotations
            }
        elif self.kind == "step":
            calls = tuple(
                ToolCallSummary(
                    index=call.index,
                    id=call.id,
                    type=call.type,
                    name=call.name,
                    arguments=call.arguments_text if call.type == "function" else None,
                    input=call.input_text if call.type == "code_interpreter" else None,
                    output=call.output,
                    outputs=tuple(call.outputs[number] for number in sorted(call.outputs)),
                )
                for call in self.calls.ordered()
            )
        return ObjectSummary(
            kind=self.kind,
            id=self.id,
            transitions=tuple(self.transitions),
            status=self.status,
            first_event=self.first_event,
            deltas=self.deltas,
            type=self.type,
            role=self.message.role if self.kind == "message" else None,
            message_id=self.calls.message_id if self.kind == "step" else None,
            texts=texts,
            annotations=annotations,
            tool_calls=calls,
        )


def _render_call(call: ToolCallSummary) -> str:
    head = f"{call.id or '?'} {call.type or '?'}"
    if call.type == "function" or call.name is not None:
        text = f"{head} {call.name or '?'}({call.arguments or ''})"
        return text + (f" → {json.dumps(call.output, ensure_ascii=False)}" if call.output is not None else "")
    if call.type == "code_interpreter":
        text = f"{head}: {json.dumps(call.input or '', ensure_ascii=False)}"
        return text + (
            f" → {len(call.outputs)} output{'s' if len(call.outputs) != 1 else ''}" if call.outputs else ""
        )
    return head


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None and value != [] and value != {}}
