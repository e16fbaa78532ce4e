"""The grammar of a streamed run: which sequences of Assistants stream events are legal.

:func:`check_stream` reads a stream once, front to back, keeping only the state of the run and of each
step and message it has seen (deltas are collapsed as lists of pieces), so checking is linear in the size
of the stream. Every broken rule becomes a :class:`~harness.Finding` of kind ``grammar`` that names the
rule (see :data:`~harness.streams.RULES`) and the event where it broke.

The rules follow real traffic, not only the documentation: every stream in the recorded corpus passes.
Two facts from that traffic shape them. A stream resumed by ``submit_tool_outputs`` starts with the end of
the step that was waiting (``thread.run.step.completed`` for a step it never saw created) and then
``thread.run.queued`` for a run it never saw created. And annotation deltas arrive inside text deltas,
with the marker text itself part of the streamed value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness._errors import ContractViolation
from harness._findings import Finding, Severity
from harness.streams import _grammar_rules as rules
from harness.streams._consistency import Consistency
from harness.streams._content import MessageContent, StepCalls, as_dict, excerpt
from harness.streams._deltas import message_problems, required_call_problems, step_problems
from harness.streams._events import (
    RUN_ENDS,
    NormalisedStream,
    ObjectKind,
    classify,
    normalise,
)
from harness.streams._grammar_rules import Problem
from harness.streams._lifecycles import (
    OBJECT_NEXT,
    RESUMED_START,
    RUN_NEXT,
    RUN_RANK,
    ObjectStage,
    adoptions,
    event_step,
)


@dataclass(slots=True)
class _Tracked:
    """What the checker remembers of one step or message."""

    kind: ObjectKind
    id: str
    stage: ObjectStage
    first: int
    adopted: bool = False
    end: str | None = None
    ended_at: int | None = None
    step_type: str | None = None
    message: MessageContent = field(default_factory=MessageContent)
    calls: StepCalls = field(default_factory=StepCalls)


def check_stream(events: object, *, resumed: bool | None = None) -> list[Finding]:
    """Check a stream against every grammar rule.

    Args:
        events: The stream in any form :func:`~harness.streams.iter_events` accepts: SSE text or bytes, a
            list of ``{"event": name, "data": ...}`` dicts, :class:`~harness.streams.SSEEvent` objects, or
            the openai SDK's stream events.
        resumed: True for a stream returned by ``submit_tool_outputs`` (it continues a run it never saw
            created), False for one that starts a run. ``None`` decides from the stream: it is resumed when
            it opens by finishing a step or message it never created, or with a run that had already
            started (``started_at`` set) without ``thread.run.created``.

    Returns:
        One finding per broken rule and place, in stream order; an empty list for a legal stream.

    Raises:
        HarnessError: ``events`` is not a stream in any accepted form.
    """
    stream = normalise(events)
    return _GrammarWalk(stream, resumed).run()


def assert_stream_valid(events: object, **kwargs: Any) -> None:
    """Raise :class:`~harness.ContractViolation` when :func:`check_stream` finds a violation.

    Drift (what the real API was seen doing against a rule: the quirks listed in
    ``docs/stream-grammar.md``) does not raise.

    Args:
        events: The stream, in any form :func:`check_stream` accepts.
        **kwargs: Passed on to :func:`check_stream` (``resumed``).

    Raises:
        ContractViolation: With a report naming, for each finding, the rule, the event index and name,
            and what was expected against what was seen; ``findings`` holds them as data.
    """
    findings = check_stream(events, **kwargs)
    if any(finding.severity == "violation" for finding in findings):
        raise ContractViolation(format_report(findings), findings)


def format_report(findings: list[Finding]) -> str:
    """The multi-line report of :func:`assert_stream_valid`."""
    count = len(findings)
    lines = [f"The stream breaks the grammar ({count} finding{'s' if count != 1 else ''}):"]
    for finding in findings:
        where = f"event {finding.event} ({finding.object})" if finding.event is not None else "the stream"
        lines.append(f"  {where} [{finding.rule}]: {finding.message}")
        if finding.expected is not None:
            lines.append(f"      expected: {_one_line(finding.expected)}")
        if finding.seen is not None:
            lines.append(f"      seen:     {_one_line(finding.seen)}")
    lines.append(
        "Each rule is explained, with an example of a stream that breaks it, in docs/stream-grammar.md. A "
        "recording cut or edited by hand is fixed by recording it again."
    )
    return "\n".join(lines)


def looks_resumed(events: list[tuple[str, object]]) -> bool:
    """Whether a stream continues a run started elsewhere (see :func:`check_stream`'s ``resumed``)."""
    for name, data in events:
        kind_stage = classify(name)
        if kind_stage is None:
            continue
        kind, stage = kind_stage
        if kind == "thread":
            return False
        if kind == "run":
            return stage != "created" and isinstance(data, dict) and data.get("started_at") is not None
        return stage not in ("created", "in_progress")
    return False


class _GrammarWalk:
    """One pass over one stream."""

    def __init__(self, stream: NormalisedStream, resumed: bool | None) -> None:
        self.stream = stream
        self.events = stream.events
        self.resumed = looks_resumed(self.events) if resumed is None else resumed
        self.findings: list[Finding] = []
        self.objects: dict[str, _Tracked] = {}
        self.adoptions = adoptions(self.events, self.resumed)
        self.run_state: str | None = None
        self.run_state_at: int | None = None
        self.start_reported = False
        self.thread_at: int | None = None
        self.done_at: int | None = None
        self.error_at: int | None = None
        self.consistency = Consistency(self._at)

    def run(self) -> list[Finding]:
        for index, (name, data) in enumerate(self.events):
            self._event(index, name, data)
        self._finish()
        return self.findings

    # -- reporting -------------------------------------------------------------------------------

    def _flag(
        self,
        rule: str,
        index: int | None,
        message: str,
        *,
        expected: Any = None,
        seen: Any = None,
        path: str = "",
        name: str | None = None,
        severity: Severity = "violation",
    ) -> None:
        if name is None and index is not None and index < len(self.events):
            name = self.events[index][0]
        self.findings.append(
            Finding(
                kind="grammar",
                severity=severity,
                message=message,
                event=index,
                object=name,
                path=path,
                rule=rule,
                expected=expected,
                seen=seen,
            )
        )

    def _place(self, index: int, problems: list[Problem]) -> None:
        for problem in problems:
            self._flag(
                problem.rule,
                index,
                problem.message,
                expected=problem.expected,
                seen=problem.seen,
                path=problem.path,
                severity=problem.severity,
            )

    def _at(self, index: int | None) -> str:
        if index is None:
            return "nowhere"
        return f"event {index} ({self.events[index][0]})"

    # -- the stream as a whole -------------------------------------------------------------------

    def _event(self, index: int, name: str, data: object) -> None:
        if self._after_the_end(index, name):
            return
        kind_stage = classify(name)
        if kind_stage is None:
            return  # Not an Assistants event: the contracts report unknown events.
        if not isinstance(data, dict):
            self._flag(
                rules.STREAM_DATA_JSON,
                index,
                f"{name} carries {excerpt(data)!r}: expected a JSON object",
                expected="a JSON object",
                seen=excerpt(data, 200),
            )
            return
        kind, stage = kind_stage
        self._place(index, self.consistency.fields(index, name, kind, stage, data))
        if kind == "thread":
            self._thread(index)
        elif kind == "run":
            self._run(index, name, stage, data)
        else:
            self._object(index, name, kind, stage, data)
        if stage != "delta":
            self._place(index, self.consistency.time(index, name, kind, stage, data))

    def _after_the_end(self, index: int, name: str) -> bool:
        """Whether the event ends the stream (``done``, ``error``) or follows its end (reported)."""
        if self.done_at is not None:
            if name == "done":
                self._flag(
                    rules.STREAM_DONE_ONCE,
                    index,
                    f"a second `done` event: expected one, seen another after {self._at(self.done_at)}",
                    expected="one done event",
                    seen="done again",
                )
            else:
                self._flag(
                    rules.STREAM_NOTHING_AFTER_DONE,
                    index,
                    f"{name} after `done` ({self._at(self.done_at)}): expected nothing after done, seen "
                    f"{name}",
                    expected="end of stream",
                    seen=name,
                )
            return True
        if name == "done":
            self.done_at = index
            return True
        if self.error_at is not None:
            self._flag(
                rules.STREAM_ERROR_ENDS,
                index,
                f"{name} after the `error` at {self._at(self.error_at)}: expected the stream to end (or "
                f"`done`), seen {name}",
                expected="end of stream or done",
                seen=name,
            )
            return True
        if name == "error":
            self.error_at = index
            return True
        return False

    def _finish(self) -> None:
        if self.stream.truncated:
            cut = self.stream.partial
            event_name = next(
                (line[len("event:") :].strip() for line in cut.splitlines() if line.startswith("event:")),
                None,
            )
            self._flag(
                rules.STREAM_TRUNCATED,
                len(self.events),
                f"the stream ends in the middle of an event after {len(self.events)} complete events: "
                f"expected a blank line to end it, seen {excerpt(cut, 80)!r}",
                expected="an event ended by a blank line",
                seen=excerpt(cut, 200),
                name=event_name,
            )
            return
        if self.error_at is not None:
            return
        last = len(self.events) - 1 if self.events else None
        if self.stream.wire and self.done_at is None:
            self._flag(
                rules.STREAM_DONE_LAST,
                last,
                "the stream ends without `done`: expected done as the last event, seen "
                f"{self.events[-1][0] if self.events else 'no event at all'} last",
                expected="done",
                seen=self.events[-1][0] if self.events else None,
            )
        if self.run_state not in RUN_ENDS:
            where = self.done_at if self.done_at is not None else last
            seen = f"thread.run.{self.run_state}" if self.run_state else "no run event"
            self._flag(
                rules.RUN_SINGLE_TERMINAL,
                where,
                "the run never ends: expected thread.run.completed, incomplete, failed, cancelled, "
                f"expired or requires_action before the stream ends, seen {seen} last",
                expected="a terminal run event or thread.run.requires_action",
                seen=seen,
            )

    # -- the thread and the run ------------------------------------------------------------------

    def _thread(self, index: int) -> None:
        if self.resumed:
            message = "a resumed stream continues an existing thread: expected no thread.created"
        elif self.thread_at is not None:
            message = f"thread.created again: expected it once, seen it first at {self._at(self.thread_at)}"
        elif index != 0:
            message = (
                f"thread.created at event {index}: expected it as the first event, seen {self.events[0][0]}"
            )
        else:
            self.thread_at = index
            return
        self._flag(
            rules.THREAD_CREATED_FIRST,
            index,
            message,
            expected="thread.created as event 0, once, in a stream that starts a run",
            seen=f"thread.created as event {index}",
        )

    def _run(self, index: int, name: str, stage: str, data: dict[str, Any]) -> None:
        state = self.run_state
        if state in RUN_ENDS:
            if stage in RUN_ENDS:
                self._flag(
                    rules.RUN_SINGLE_TERMINAL,
                    index,
                    f"{name} after the run already ended at {self._at(self.run_state_at)}: expected one end",
                    expected="no second end",
                    seen=name,
                )
            else:
                self._flag(
                    rules.RUN_LIFECYCLE,
                    index,
                    f"{name} after the run ended at {self._at(self.run_state_at)}: expected nothing about "
                    "the run after its end",
                    expected="done",
                    seen=name,
                )
            return
        allowed = RESUMED_START if state is None and self.resumed else RUN_NEXT[state]
        if stage not in allowed:
            self.start_reported = True
            options = " or ".join(f"thread.run.{option}" for option in sorted(allowed))
            after = f"thread.run.{state}" if state else ("a resumed start" if self.resumed else "the start")
            self._flag(
                rules.RUN_LIFECYCLE,
                index,
                f"{name} after {after}: expected {options}",
                expected=options,
                seen=name,
            )
        if stage in RUN_ENDS or RUN_RANK[stage] >= RUN_RANK.get(state or "", -1):
            self.run_state, self.run_state_at = stage, index
        if stage in ("completed", "requires_action"):
            self._check_open_objects(index, stage)
        if stage == "requires_action":
            self._check_required_calls(index, data)

    def _check_open_objects(self, index: int, stage: str) -> None:
        """Nothing is left open when the run completes; only function-call steps when it waits for outputs."""
        for tracked in self.objects.values():
            if tracked.stage == "ended":
                continue
            if stage == "requires_action" and _waits_for_outputs(tracked):
                continue
            what = "thread.run.step" if tracked.kind == "step" else "thread.message"
            moment = "completes" if stage == "completed" else "stops for tool outputs"
            self._flag(
                rules.OBJECT_SINGLE_TERMINAL,
                index,
                f"the run {moment} while {tracked.kind} {tracked.id} (from {self._at(tracked.first)}) has "
                f"not ended: expected its {what}.completed (or another end) first",
                expected=f"{what}.<end> for {tracked.id}",
                seen=f"{tracked.id} still {tracked.stage}",
            )

    def _check_required_calls(self, index: int, data: dict[str, Any]) -> None:
        open_steps = [
            tracked
            for tracked in self.objects.values()
            if tracked.stage != "ended" and _waits_for_outputs(tracked)
        ]
        if any(step.adopted for step in open_steps) or (self.resumed and not open_steps):
            return  # Calls streamed before this stream began cannot be compared.
        calls = [call for step in open_steps for call in step.calls.ordered()]
        self._place(index, required_call_problems(calls, data))

    # -- steps and messages ----------------------------------------------------------------------

    def _object(self, index: int, name: str, kind: ObjectKind, stage: str, data: dict[str, Any]) -> None:
        self._check_run_allows_objects(index, name)
        found = self._tracked(index, name, kind, data)
        if found is None:
            return
        object_id, tracked = found
        if tracked is not None:
            self._follow(index, name, stage, tracked, data)
        elif stage == "created":
            self._track(index, kind, object_id, data, adopted=False)
        elif index in self.adoptions:
            adopted = self._track(index, kind, object_id, data if stage != "delta" else {}, adopted=True)
            adopted.stage = "in_progress"
            self._follow(index, name, stage, adopted, data)
        else:
            created = _event_name(kind, "created")
            self._flag(
                rules.OBJECT_UNKNOWN,
                index,
                f"{name} for {kind} {object_id}, which this stream never created: expected {created} "
                "for it first",
                expected=f"{created} for {object_id}",
                seen=name,
                path="id",
            )

    def _check_run_allows_objects(self, index: int, name: str) -> None:
        """Steps and messages live inside a run: after its start (in a fresh stream) and before its end."""
        if not self.resumed and self.run_state is None and not self.start_reported:
            self.start_reported = True
            self._flag(
                rules.RUN_LIFECYCLE,
                index,
                f"{name} before any run event: expected thread.run.created first",
                expected="thread.run.created",
                seen=name,
            )
        if self.run_state in RUN_ENDS:
            self._flag(
                rules.RUN_LIFECYCLE,
                index,
                f"{name} after the run ended at {self._at(self.run_state_at)}: expected nothing about the "
                "run after its end",
                expected="done",
                seen=name,
            )

    def _tracked(
        self, index: int, name: str, kind: ObjectKind, data: dict[str, Any]
    ) -> tuple[str, _Tracked | None] | None:
        """The id an event names and the step or message the stream knows by it (``None`` if new).

        ``None`` instead when the event names no id, or the id of the other kind of object (reported).
        """
        object_id = data.get("id")
        if not isinstance(object_id, str):
            self._flag(
                rules.OBJECT_UNKNOWN,
                index,
                f"{name} names no {kind} id: expected the id of a {kind} of this stream",
                expected=f"the id of a {kind}",
                seen=object_id,
                path="id",
            )
            return None
        tracked = self.objects.get(object_id)
        if tracked is not None and tracked.kind != kind:
            self._flag(
                rules.OBJECT_UNKNOWN,
                index,
                f"{name} for {object_id}, which is a {tracked.kind} of this stream: expected a {kind} id",
                expected=f"a {kind} id",
                seen=object_id,
                path="id",
            )
            return None
        return object_id, tracked

    def _follow(self, index: int, name: str, stage: str, tracked: _Tracked, data: dict[str, Any]) -> None:
        """Move a known step or message along its lifecycle table, then take the event's content."""
        step = event_step(stage)
        move = OBJECT_NEXT[(tracked.stage, step)]
        if move.rule is not None:
            fill = {
                "name": name,
                "kind": tracked.kind,
                "id": tracked.id,
                "first": self._at(tracked.first),
                "ended": self._at(tracked.ended_at),
                "end": tracked.end,
                "created": _event_name(tracked.kind, "created"),
                "in_progress": _event_name(tracked.kind, "in_progress"),
            }
            self._flag(
                move.rule,
                index,
                move.message.format_map(fill),
                expected=move.expected.format_map(fill),
                seen=move.seen.format_map(fill),
            )
        if move.next is not None:
            tracked.stage = move.next
        if not move.proceed:
            return
        if step == "delta":
            self._delta(index, name, tracked, as_dict(data.get("delta")))
        elif step == "end":
            self._end(index, stage, tracked, data)

    def _end(self, index: int, stage: str, tracked: _Tracked, data: dict[str, Any]) -> None:
        """A step or message ended: what it streamed must add up to what it ended with."""
        tracked.stage, tracked.end, tracked.ended_at = "ended", stage, index
        if stage != "completed" or tracked.adopted:
            return
        if tracked.kind == "message":
            self._place(index, message_problems(tracked.id, tracked.message, data))
        elif tracked.step_type == "message_creation":
            self._check_message_exists(index, tracked, data)
        else:
            self._place(index, step_problems(tracked.id, tracked.calls, data))

    def _track(
        self, index: int, kind: ObjectKind, object_id: str, data: dict[str, Any], *, adopted: bool
    ) -> _Tracked:
        tracked = _Tracked(kind=kind, id=object_id, stage="created", first=index, adopted=adopted)
        if kind == "message":
            tracked.message.apply_snapshot(data)
        else:
            step_type = data.get("type") or as_dict(data.get("step_details")).get("type")
            tracked.step_type = step_type if isinstance(step_type, str) else None
            tracked.calls.apply_snapshot(data)
        self.objects[object_id] = tracked
        return tracked

    def _delta(self, index: int, name: str, tracked: _Tracked, delta: dict[str, Any]) -> None:
        if tracked.kind == "message":
            for problem in tracked.message.apply_delta(delta):
                self._flag(
                    rules.CONTENT_TEXT_DELTAS,
                    index,
                    f"{name} for message {tracked.id} has {problem}: expected each content part to name "
                    "its index",
                    expected="an integer index",
                    seen=problem,
                    path="delta.content",
                )
            return
        for call_type, problem in tracked.calls.apply_delta(delta):
            rule = (
                rules.CONTENT_CODE_INPUT
                if call_type == "code_interpreter"
                else rules.CONTENT_FUNCTION_ARGUMENTS
            )
            self._flag(
                rule,
                index,
                f"{name} for step {tracked.id} has {problem}: expected each tool call to name its index",
                expected="an integer index",
                seen=problem,
                path="delta.step_details.tool_calls",
            )

    def _check_message_exists(self, index: int, tracked: _Tracked, data: dict[str, Any]) -> None:
        details = as_dict(data.get("step_details"))
        message_id = as_dict(details.get("message_creation")).get("message_id")
        known = self.objects.get(message_id) if isinstance(message_id, str) else None
        if known is None or known.kind != "message":
            self._flag(
                rules.STEP_MESSAGE_EXISTS,
                index,
                f"message_creation step {tracked.id} names message {message_id!r}, which this stream never "
                "created: expected the id of a message of the stream",
                expected=sorted(key for key, value in self.objects.items() if value.kind == "message"),
                seen=message_id,
                path="step_details.message_creation.message_id",
            )


def _event_name(kind: ObjectKind, stage: str) -> str:
    """``thread.run.step.<stage>`` or ``thread.message.<stage>``."""
    return f"thread.run.step.{stage}" if kind == "step" else f"thread.message.{stage}"


def _waits_for_outputs(tracked: _Tracked) -> bool:
    """Whether a step may stay open while the run waits for tool outputs: a step of function calls."""
    if tracked.kind != "step" or tracked.step_type == "message_creation":
        return False
    calls = tracked.calls.calls.values()
    return tracked.adopted or not calls or any(call.type == "function" for call in calls)


def _one_line(value: object) -> str:
    text = excerpt(value, 200)
    return repr(text) if isinstance(value, str) and not text.isprintable() else text
