"""The rules of a legal Assistants stream: a stable id and a one-line explanation for each.

The ids are part of the public surface: findings carry them in :attr:`harness.Finding.rule`, reports
print them, and ``docs/stream-grammar.md`` lists each with an example of a stream that breaks it. Rules
may be added; an id is never renamed or reused for another meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

_RULES: dict[str, str] = {
    # The stream as a whole.
    "stream.truncated": "The stream ends in the middle of an event: the last event never got its blank line.",
    "stream.data-json": "Every event but `done` carries a JSON object as its data.",
    "stream.done-last": "A complete stream read off the wire ends with a `done` event (unless an "
    "`error` ended it).",
    "stream.done-once": "`done` appears at most once.",
    "stream.nothing-after-done": "No event follows `done`.",
    "stream.error-ends": "An `error` event ends the stream: only `done` may follow it.",
    "event.object-type": "The `object` field of an event's data names the kind the event is about "
    "(thread.run.step.* carries a `thread.run.step`, thread.message.delta a `thread.message.delta`, ...).",
    "status.matches-event": "The `status` field agrees with the event name (thread.run.completed carries "
    'status "completed"; a `*.created` run is "queued", a created step or message "in_progress").',
    # The run.
    "thread.created-first": "`thread.created` appears only in createAndRun streams, once, as the "
    "first event.",
    "run.lifecycle": "Run events follow thread.run.created → queued → in_progress → …; a stream resumed by "
    "submit_tool_outputs starts at queued or in_progress; nothing about the run follows its end.",
    "run.single-terminal": "The run ends exactly once: one of completed, incomplete, failed, cancelled, "
    "expired, or requires_action (the stream then waits for tool outputs).",
    "run.required-action-calls": "The tool calls of `thread.run.requires_action` are the function calls "
    "of the run's open tool_calls steps (same ids, names and arguments).",
    "ids.consistent": "`thread_id`, `run_id` and `assistant_id` agree across all events of the stream.",
    # Steps and messages.
    "object.created-first": "A step or message is created once, before any other event about it.",
    "object.unknown": "No in_progress, delta or terminal event for a step or message the stream never "
    "created (a resumed stream may finish the step or message that was open when it paused).",
    "object.lifecycle": "A step or message goes created → in_progress → delta* → terminal, in that order.",
    "object.single-terminal": "A step or message ends exactly once; all have ended when the run completes, "
    "and all but the steps of function calls when it stops at requires_action.",
    "step.message-exists": "A message_creation step names a message created in the stream.",
    # Content.
    "content.text-deltas": "The text deltas of a message (per content index, with their annotation "
    "deltas) add up to exactly the text and annotations of its `thread.message.completed`.",
    "content.function-arguments": "The argument deltas of each function call add up to the arguments in "
    "the completed step.",
    "content.code-input": "The input deltas of each code_interpreter call add up to the input in the "
    "completed step.",
    # Time.
    "time.monotonic": "Timestamps never go back: each object's created_at/started_at/completed_at/… "
    "never decrease, end times are not before created_at, and each created, started or ended event is "
    "dated no earlier than the events before it (give or take the one second two objects made together "
    "may straddle).",
}

RULES: Mapping[str, str] = MappingProxyType(_RULES)
"""Every grammar rule id mapped to its one-line explanation, in the order the documentation lists them."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A broken rule found by one of the checks, before the grammar places it at an event.

    Attributes:
        rule: The rule id (a key of :data:`RULES`).
        message: One sentence: what was expected and what was seen.
        expected: What the rule expected, briefly.
        seen: What the stream had instead.
        path: Dotted JSON path inside the event's data, ``""`` for the whole event.
    """

    rule: str
    message: str
    expected: Any
    seen: Any
    path: str = ""
