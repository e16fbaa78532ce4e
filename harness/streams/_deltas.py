"""What the deltas must add up to: the text of a completed message, the arguments and input of the calls of
a completed step, and the calls a run asks for when it stops at ``requires_action``.

Each function compares what the accumulators of :mod:`harness.streams._content` collected with the full
object an event carries, and returns the :class:`~harness.streams._grammar_rules.Problem`\\ s it finds.
"""

from __future__ import annotations

from typing import Any

from harness.streams import _grammar_rules as rules
from harness.streams._content import (
    ANNOTATION_KEYS,
    MessageContent,
    StepCalls,
    ToolCall,
    as_dict,
    as_list,
    excerpt,
)
from harness.streams._grammar_rules import Problem

_CALL_FIELDS = {
    "function": (rules.CONTENT_FUNCTION_ARGUMENTS, "arguments"),
    "code_interpreter": (rules.CONTENT_CODE_INPUT, "input"),
}
"""For each streamed call type: the rule that guards it and the field its deltas build."""


def message_problems(message_id: str, content: MessageContent, data: dict[str, Any]) -> list[Problem]:
    """Compare the text deltas of a message with its completed form (``content.text-deltas``)."""
    problems: list[Problem] = []
    final = [as_dict(block) for block in as_list(data.get("content"))]
    parts = content.parts
    for position, block in enumerate(final):
        if block.get("type") != "text":
            continue
        text = as_dict(block.get("text"))
        expected = text.get("value")
        part = parts.get(position)
        seen = part.text if part is not None and part.type == "text" else ""
        if isinstance(expected, str) and seen != expected:
            problems.append(
                Problem(
                    rules.CONTENT_TEXT_DELTAS,
                    f"message {message_id} content {position}: {_difference(expected, seen)}",
                    expected,
                    seen,
                    f"content.{position}.text.value",
                )
            )
            continue
        if part is None:
            continue
        expected_notes = [_annotation(note) for note in as_list(text.get("annotations"))]
        seen_notes = [_annotation(part.annotations[number]) for number in sorted(part.annotations)]
        if not _same_annotations(expected_notes, seen_notes):
            problems.append(
                Problem(
                    rules.CONTENT_TEXT_DELTAS,
                    f"message {message_id} content {position}: the annotation deltas give {seen_notes}, "
                    f"expected the annotations of the completed message, {expected_notes}",
                    expected_notes,
                    seen_notes,
                    f"content.{position}.text.annotations",
                )
            )
    for position, part in sorted(parts.items()):
        if part.type == "text" and (position >= len(final) or final[position].get("type") != "text"):
            problems.append(
                Problem(
                    rules.CONTENT_TEXT_DELTAS,
                    f"message {message_id}: text deltas for content index {position}, but the completed "
                    f"message has no text part there ({len(final)} parts)",
                    f"a text part at content.{position}",
                    excerpt(part.text, 200),
                    f"content.{position}",
                )
            )
    return problems


def step_problems(step_id: str, calls: StepCalls, data: dict[str, Any]) -> list[Problem]:
    """Compare the call deltas of a step with its ``thread.run.step.completed``.

    Function arguments fall under ``content.function-arguments``, code_interpreter input under
    ``content.code-input``; other calls (file_search) stream nothing to compare.
    """
    problems: list[Problem] = []
    final = [as_dict(call) for call in as_list(as_dict(data.get("step_details")).get("tool_calls"))]
    for position, call in enumerate(final):
        kind = call.get("type")
        if kind not in _CALL_FIELDS:
            continue
        rule, label = _CALL_FIELDS[kind]
        expected = as_dict(call.get(kind)).get(label)
        streamed = calls.calls.get(position)
        seen = "" if streamed is None else _streamed_text(streamed, kind)
        call_id = call.get("id")
        if streamed is not None and None not in (streamed.id, call_id) and streamed.id != call_id:
            problems.append(
                Problem(
                    rule,
                    f"step {step_id} tool call {position}: the deltas stream call {streamed.id!r}, the "
                    f"completed step has {call_id!r}",
                    call_id,
                    streamed.id,
                    f"step_details.tool_calls.{position}.id",
                )
            )
        elif isinstance(expected, str) and seen != expected:
            problems.append(
                Problem(
                    rule,
                    f"step {step_id} {kind} call {position} {label}: {_difference(expected, seen)}",
                    expected,
                    seen,
                    f"step_details.tool_calls.{position}.{kind}.{label}",
                )
            )
    for position, streamed in sorted(calls.calls.items()):
        if position < len(final) or streamed.type not in _CALL_FIELDS:
            continue
        problems.append(
            Problem(
                _CALL_FIELDS[streamed.type][0],
                f"step {step_id}: deltas for {streamed.type} call index {position}, but the completed step "
                f"has {len(final)} tool calls",
                f"a tool call at index {position}",
                f"{len(final)} tool calls",
                f"step_details.tool_calls.{position}",
            )
        )
    return problems


def required_call_problems(open_calls: list[ToolCall], data: dict[str, Any]) -> list[Problem]:
    """Compare ``required_action`` with the open steps' function calls (``run.required-action-calls``)."""
    expected = sorted(
        (
            {"id": call.id, "name": call.name, "arguments": call.arguments_text}
            for call in open_calls
            if call.type == "function"
        ),
        key=repr,
    )
    action = as_dict(as_dict(data.get("required_action")).get("submit_tool_outputs"))
    seen = sorted(
        (
            {
                "id": as_dict(call).get("id"),
                "name": as_dict(as_dict(call).get("function")).get("name"),
                "arguments": as_dict(as_dict(call).get("function")).get("arguments"),
            }
            for call in as_list(action.get("tool_calls"))
        ),
        key=repr,
    )
    if expected == seen:
        return []
    return [
        Problem(
            rules.RUN_REQUIRED_ACTION_CALLS,
            f"thread.run.requires_action asks for {_calls(seen)}: expected the function calls of the open "
            f"tool_calls steps, {_calls(expected)}",
            expected,
            seen,
            "required_action.submit_tool_outputs.tool_calls",
        )
    ]


def _streamed_text(call: ToolCall, kind: str) -> str:
    return call.arguments_text if kind == "function" else call.input_text


def _annotation(note: object) -> dict[str, Any]:
    note = as_dict(note)
    return {key: note[key] for key in ANNOTATION_KEYS if note.get(key) is not None}


def _same_annotations(expected: list[dict[str, Any]], seen: list[dict[str, Any]]) -> bool:
    if len(expected) != len(seen):
        return False
    return all(
        one[key] == other[key]
        for one, other in zip(expected, seen, strict=True)
        for key in one.keys() & other.keys()
    )


def _difference(expected: str, seen: str) -> str:
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, seen, strict=False)) if a != b),
        min(len(expected), len(seen)),
    )
    start = max(0, at - 10)
    return (
        f"the deltas add up to {len(seen)} characters, the completed object has {len(expected)}; they "
        f"differ from character {at}: expected {excerpt(expected[start:])!r}, seen "
        f"{excerpt(seen[start:])!r}"
    )


def _calls(calls: list[dict[str, Any]]) -> str:
    if not calls:
        return "no calls"
    return ", ".join(f"{call['id']} {call['name']}({excerpt(call['arguments'])})" for call in calls)
