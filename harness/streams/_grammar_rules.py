"""The rules of a legal Assistants stream: a stable id and a one-line explanation for each.

The ids are part of the public surface: findings carry them in :attr:`harness.Finding.rule`, reports
print them, and ``docs/stream-grammar.md`` lists each with an example of a stream that breaks it. Rules
may be added; an id is never renamed or reused for another meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

# The rule ids, one constant each: checkers name a rule through these, never by a string literal.
STREAM_TRUNCATED = "stream.truncated"
STREAM_DATA_JSON = "stream.data-json"
STREAM_DONE_LAST = "stream.done-last"
STREAM_DONE_ONCE = "stream.done-once"
STREAM_NOTHING_AFTER_DONE = "stream.nothing-after-done"
STREAM_ERROR_ENDS = "stream.error-ends"
EVENT_OBJECT_TYPE = "event.object-type"
STATUS_MATCHES_EVENT = "status.matches-event"
THREAD_CREATED_FIRST = "thread.created-first"
RUN_LIFECYCLE = "run.lifecycle"
RUN_SINGLE_TERMINAL = "run.single-terminal"
RUN_REQUIRED_ACTION_CALLS = "run.required-action-calls"
IDS_CONSISTENT = "ids.consistent"
OBJECT_CREATED_FIRST = "object.created-first"
OBJECT_UNKNOWN = "object.unknown"
OBJECT_LIFECYCLE = "object.lifecycle"
OBJECT_SINGLE_TERMINAL = "object.single-terminal"
STEP_MESSAGE_EXISTS = "step.message-exists"
CONTENT_TEXT_DELTAS = "content.text-deltas"
CONTENT_FUNCTION_ARGUMENTS = "content.function-arguments"
CONTENT_CODE_INPUT = "content.code-input"
TIME_MONOTONIC = "time.monotonic"

_RULES: dict[str, str] = {
    # The stream as a whole.
    STREAM_TRUNCATED: "The stream ends in the middle of an event: the last event never got its blank line.",
    STREAM_DATA_JSON: "Every event but `done` carries a JSON object as its data.",
    STREAM_DONE_LAST: "A complete stream read off the wire ends with a `done` event (unless an "
    "`error` ended it).",
    STREAM_DONE_ONCE: "`done` appears at most once.",
    STREAM_NOTHING_AFTER_DONE: "No event follows `done`.",
    STREAM_ERROR_ENDS: "An `error` event ends the stream: only `done` may follow it.",
    EVENT_OBJECT_TYPE: "The `object` field of an event's data names the kind the event is about "
    "(thread.run.step.* carries a `thread.run.step`, thread.message.delta a `thread.message.delta`, ...).",
    STATUS_MATCHES_EVENT: "The `status` field agrees with the event name (thread.run.completed carries "
    'status "completed"; a `*.created` run is "queued", a created step or message "in_progress").',
    # The run.
    THREAD_CREATED_FIRST: "`thread.created` appears only in createAndRun streams, once, as the first event.",
    RUN_LIFECYCLE: "Run events follow thread.run.created → queued → in_progress → …; a stream resumed by "
    "submit_tool_outputs starts at queued or in_progress; nothing about the run follows its end.",
    RUN_SINGLE_TERMINAL: "The run ends exactly once: one of completed, incomplete, failed, cancelled, "
    "expired, or requires_action (the stream then waits for tool outputs).",
    RUN_REQUIRED_ACTION_CALLS: "The tool calls of `thread.run.requires_action` are the function calls "
    "of the run's open tool_calls steps (same ids, names and arguments).",
    IDS_CONSISTENT: "`thread_id`, `run_id` and `assistant_id` agree across all events of the stream.",
    # Steps and messages.
    OBJECT_CREATED_FIRST: "A step or message is created once, before any other event about it.",
    OBJECT_UNKNOWN: "No in_progress, delta or terminal event for a step or message the stream never "
    "created (a resumed stream may finish the step or message that was open when it paused).",
    OBJECT_LIFECYCLE: "A step or message goes created → in_progress → delta* → terminal, in that order.",
    OBJECT_SINGLE_TERMINAL: "A step or message ends exactly once; all have ended when the run completes, "
    "and all but the steps of function calls when it stops at requires_action.",
    STEP_MESSAGE_EXISTS: "A message_creation step names a message created in the stream.",
    # Content.
    CONTENT_TEXT_DELTAS: "The text deltas of a message (per content index, with their annotation "
    "deltas) add up to exactly the text and annotations of its `thread.message.completed`.",
    CONTENT_FUNCTION_ARGUMENTS: "The argument deltas of each function call add up to the arguments in "
    "the completed step.",
    CONTENT_CODE_INPUT: "The input deltas of each code_interpreter call add up to the input in the "
    "completed step.",
    # Time.
    TIME_MONOTONIC: "Timestamps never go back: each object's created_at/started_at/completed_at/… "
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
    severity: Literal["violation", "drift"] = "violation"


@dataclass(frozen=True, slots=True)
class Quirk:
    """Something the real API sent that a rule of the grammar otherwise rules out.

    Real traffic is the ground truth: a stream that does what the hosted API did is *drift* (reported, and
    accepted by a drift baseline), never a violation. Only the exact combination listed here is accepted:
    the same rule broken any other way stays a violation.

    Attributes:
        id: A stable name for the quirk, quoted in the finding's message.
        rule: The rule id (a key of :data:`RULES`) the quirk breaks.
        event: The event name that carried it.
        field: The JSON field of the event's data where it shows.
        seen: The values of ``field`` the real API sent (``"<set>"``: any value but ``null``).
        evidence: When and where the real API did it, naming the recordings or reports that show it.
    """

    id: str
    rule: str
    event: str
    field: str
    seen: frozenset[str]
    evidence: str

    def matches(self, rule: str, event: str, field: str, value: object) -> bool:
        """Whether a broken ``rule`` at ``field`` of ``event`` holding ``value`` is this quirk."""
        if (rule, event, field) != (self.rule, self.event, self.field):
            return False
        if "<set>" in self.seen and value is not None:
            return True
        return isinstance(value, str) and value in self.seen


_BEFORE_RUN_INCOMPLETE = (
    "Before the `thread.run.incomplete` event existed (April-May 2024, the first weeks of Assistants v2 and "
    "of run token limits), the hosted API ended runs cut short by max_prompt_tokens/max_completion_tokens "
    "with `thread.run.completed`{detail}. The OpenAPI document gained the status 'incomplete' in May 2024 "
    "(openai/openai-openapi#256) and client libraries the event in June 2024 (openai-php/client#421). No "
    "recording in the development corpus shows it: none of its runs ended incomplete, and its streams "
    "(StreamingRunWorks.json, test_streaming_assistant.yaml) end completed runs with status 'completed' "
    "and incomplete_details null."
)

OBSERVED_QUIRKS: tuple[Quirk, ...] = (
    Quirk(
        id="run.completed-event-incomplete-status",
        rule=STATUS_MATCHES_EVENT,
        event="thread.run.completed",
        field="status",
        seen=frozenset({"incomplete"}),
        evidence=_BEFORE_RUN_INCOMPLETE.format(detail=" whose data said status 'incomplete'"),
    ),
    Quirk(
        id="run.completed-with-incomplete-details",
        rule=STATUS_MATCHES_EVENT,
        event="thread.run.completed",
        field="incomplete_details",
        seen=frozenset({"<set>"}),
        evidence=_BEFORE_RUN_INCOMPLETE.format(
            detail=", and some said status 'completed' with incomplete_details set (the reason the run was "
            "cut short)"
        ),
    ),
)
"""What the real API sent against a grammar rule: each becomes a ``drift`` finding, not a violation."""


def observed_quirk(rule: str, event: str, field: str, value: object) -> Quirk | None:
    """The quirk of :data:`OBSERVED_QUIRKS` that a broken rule is, or ``None`` when it is a violation."""
    return next((quirk for quirk in OBSERVED_QUIRKS if quirk.matches(rule, event, field, value)), None)
