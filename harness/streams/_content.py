"""Collapsing deltas: message text per content index, tool-call arguments and code input.

The accumulators start from the first full snapshot of an object (its ``*.created`` event, or the first
event of a step or message that a resumed stream finishes) and add every delta after it, the way the
SDKs build their snapshots. Strings are kept as lists of pieces and joined once, so collapsing a stream
is linear in its size. Values of ``None`` count as absent: SDK objects dumped by pydantic carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANNOTATION_KEYS = ("type", "text", "start_index", "end_index")
"""The annotation fields whose delta must match the completed message."""


def as_dict(value: object) -> dict[str, Any]:
    """``value`` when it is a dict, else an empty dict (malformed parts are the contracts' business)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[Any]:
    """``value`` when it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def excerpt(value: object, limit: int = 40) -> str:
    """``value`` as text, cut to ``limit`` characters for a message."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _merge(target: dict[str, Any], delta: dict[str, Any]) -> None:
    for key, value in delta.items():
        if value is None or key == "index":
            continue
        current = target.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            _merge(current, value)
        elif isinstance(value, dict):
            target[key] = {k: v for k, v in value.items() if v is not None}
        else:
            target[key] = value


@dataclass(slots=True)
class ContentPart:
    """One content part of a message being streamed (``index`` is its position in ``content``)."""

    type: str | None = None
    pieces: list[str] = field(default_factory=list)
    annotations: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    annotation_deltas: int = 0
    other: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The text so far: every piece joined (a text's value, a refusal, an image URL)."""
        if len(self.pieces) > 1:
            self.pieces[:] = ["".join(self.pieces)]
        return self.pieces[0] if self.pieces else ""


class MessageContent:
    """The content of one message, built from its first snapshot and its ``thread.message.delta``s."""

    def __init__(self) -> None:
        self.parts: dict[int, ContentPart] = {}
        self.role: str | None = None

    def apply_snapshot(self, message: dict[str, Any]) -> None:
        """Start from a full message object (``content`` is a list whose positions are the indexes)."""
        role = message.get("role")
        if isinstance(role, str):
            self.role = role
        for position, block in enumerate(as_list(message.get("content"))):
            block = as_dict(block)
            part = self.parts.setdefault(position, ContentPart())
            part.type = block.get("type") if isinstance(block.get("type"), str) else part.type
            text = as_dict(block.get("text"))
            value = text.get("value")
            if isinstance(value, str):
                part.pieces[:] = [value]
            for number, annotation in enumerate(as_list(text.get("annotations"))):
                part.annotations[number] = {k: v for k, v in as_dict(annotation).items() if v is not None}
            if part.type != "text":
                _merge(part.other, block)

    def apply_delta(self, delta: dict[str, Any]) -> list[str]:
        """Add one message delta; returns a description of each block that could not be placed."""
        problems: list[str] = []
        role = delta.get("role")
        if isinstance(role, str):
            self.role = role
        for block in as_list(delta.get("content")):
            block = as_dict(block)
            index = block.get("index")
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                problems.append(f"a content delta without a valid index ({index!r})")
                continue
            part = self.parts.setdefault(index, ContentPart())
            kind = block.get("type")
            if isinstance(kind, str):
                part.type = kind
            text = as_dict(block.get("text"))
            for piece in (
                text.get("value"),
                block.get("refusal"),
                as_dict(block.get("image_url")).get("url"),
            ):
                if isinstance(piece, str):
                    part.pieces.append(piece)
            file_id = as_dict(block.get("image_file")).get("file_id")
            if isinstance(file_id, str) and file_id:
                part.files.append(file_id)
            for annotation in as_list(text.get("annotations")):
                part.annotation_deltas += 1
                annotation = as_dict(annotation)
                number = annotation.get("index")
                if not isinstance(number, int) or isinstance(number, bool) or number < 0:
                    problems.append(
                        f"an annotation delta of content {index} without a valid index ({number!r})"
                    )
                    continue
                _merge(part.annotations.setdefault(number, {}), annotation)
            if part.type != "text":
                _merge(part.other, block)
        return problems

    def texts(self) -> dict[int, str]:
        """The text of each text part, by content index."""
        return {index: part.text for index, part in sorted(self.parts.items()) if part.type == "text"}


@dataclass(slots=True)
class ToolCall:
    """One tool call of a step being streamed (``index`` is its position in ``tool_calls``)."""

    index: int
    id: str | None = None
    type: str | None = None
    name: str | None = None
    arguments: list[str] = field(default_factory=list)
    input: list[str] = field(default_factory=list)
    output: str | None = None
    outputs: dict[int, dict[str, Any]] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)

    @property
    def arguments_text(self) -> str:
        """The function arguments so far."""
        if len(self.arguments) > 1:
            self.arguments[:] = ["".join(self.arguments)]
        return self.arguments[0] if self.arguments else ""

    @property
    def input_text(self) -> str:
        """The code_interpreter input so far."""
        if len(self.input) > 1:
            self.input[:] = ["".join(self.input)]
        return self.input[0] if self.input else ""

    def apply(self, call: dict[str, Any], *, snapshot: bool) -> None:
        """Add a delta of this call, or (``snapshot``) replace the strings with a full call's."""
        for key in ("id", "type"):
            value = call.get(key)
            if isinstance(value, str):
                setattr(self, key, value)
        function = as_dict(call.get("function"))
        if isinstance(function.get("name"), str):
            self.name = function["name"]
        if isinstance(function.get("arguments"), str):
            if snapshot:
                self.arguments[:] = []
            self.arguments.append(function["arguments"])
        if isinstance(function.get("output"), str):
            self.output = function["output"]
        code = as_dict(call.get("code_interpreter"))
        if isinstance(code.get("input"), str):
            if snapshot:
                self.input[:] = []
            self.input.append(code["input"])
        for position, output in enumerate(as_list(code.get("outputs"))):
            output = as_dict(output)
            number = output.get("index", position if snapshot else len(self.outputs))
            if isinstance(number, int):
                _merge(self.outputs.setdefault(number, {}), output)
        for key, value in call.items():
            if key not in ("id", "type", "index", "function", "code_interpreter") and isinstance(value, dict):
                _merge(self.other.setdefault(key, {}), value)


class StepCalls:
    """The tool calls of one step, built from its first snapshot and its ``thread.run.step.delta``s."""

    def __init__(self) -> None:
        self.calls: dict[int, ToolCall] = {}
        self.message_id: str | None = None

    def apply_snapshot(self, step: dict[str, Any]) -> None:
        """Start from a full step object."""
        details = as_dict(step.get("step_details"))
        message_id = as_dict(details.get("message_creation")).get("message_id")
        if isinstance(message_id, str):
            self.message_id = message_id
        for position, call in enumerate(as_list(details.get("tool_calls"))):
            self.calls.setdefault(position, ToolCall(index=position)).apply(as_dict(call), snapshot=True)

    def apply_results(self, step: dict[str, Any]) -> None:
        """Take what a later full snapshot adds without streaming it: function outputs, code outputs."""
        details = as_dict(step.get("step_details"))
        for position, call in enumerate(as_list(details.get("tool_calls"))):
            call = as_dict(call)
            streamed = self.calls.get(position)
            if streamed is None:
                continue
            output = as_dict(call.get("function")).get("output")
            if isinstance(output, str):
                streamed.output = output
            outputs = as_list(as_dict(call.get("code_interpreter")).get("outputs"))
            if outputs and not streamed.outputs:
                streamed.outputs = {number: as_dict(item) for number, item in enumerate(outputs)}

    def apply_delta(self, delta: dict[str, Any]) -> list[tuple[str | None, str]]:
        """Add one step delta; returns ``(call type, description)`` for each call that could not be placed."""
        problems: list[tuple[str | None, str]] = []
        details = as_dict(delta.get("step_details"))
        message_id = as_dict(details.get("message_creation")).get("message_id")
        if isinstance(message_id, str):
            self.message_id = message_id
        for call in as_list(details.get("tool_calls")):
            call = as_dict(call)
            index = call.get("index")
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                kind = call.get("type")
                problems.append(
                    (
                        kind if isinstance(kind, str) else None,
                        f"a tool call delta without a valid index ({index!r})",
                    )
                )
                continue
            self.calls.setdefault(index, ToolCall(index=index)).apply(call, snapshot=False)
        return problems

    def ordered(self) -> list[ToolCall]:
        """The calls by index."""
        return [self.calls[index] for index in sorted(self.calls)]
