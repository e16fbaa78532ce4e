"""Legal streams of a run: what the stream grammar accepts, built as run / step / message lifecycles.

A stream is planned first (how it starts, which tool steps, how many messages, how the run ends) and then
written out event by event: every step and message goes created → in_progress → deltas → end, the text,
function arguments and code input are cut into deltas that add up to the completed objects, ids agree
across events, statuses match event names, and timestamps never go back. The run objects start from a
contract-valid run drawn by :func:`harness.strategies.responses`, so fields the grammar does not look at
vary too.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from hypothesis import strategies as st

from harness.fuzz._responses import response_values
from harness.fuzz._values import free_json

Tool = Literal["code_interpreter", "file_search", "function"]
Start = Literal["run", "thread", "resumed"]
Outcome = Literal["completed", "requires_action", "incomplete", "failed", "cancelled", "expired"]

TOOLS: tuple[Tool, ...] = ("code_interpreter", "file_search", "function")
STARTS: tuple[Start, ...] = ("run", "thread", "resumed")
OUTCOMES: tuple[Outcome, ...] = (
    "completed",
    "requires_action",
    "incomplete",
    "failed",
    "cancelled",
    "expired",
)

Event = dict[str, Any]
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_PIECE = st.text(
    st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=6,
)
_NAME = st.text(_ALNUM + "_", min_size=1, max_size=12)


@dataclass(slots=True)
class _Writer:
    """The state of one stream being written: ids, the clock, and the events so far."""

    draw: Callable[[st.SearchStrategy[Any]], Any]
    tag: str
    now: int
    run: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    counter: int = 0

    def new_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.tag}{self.counter}"

    def tick(self) -> int:
        self.now += 1
        return self.now

    def emit(self, name: str, data: Any) -> None:
        self.events.append({"event": name, "data": json.loads(json.dumps(data))})

    def pieces(self, text: str) -> list[str]:
        """``text`` cut at drawn places (never into empty pieces)."""
        if len(text) <= 1:
            return [text]
        cuts = sorted(self.draw(st.sets(st.integers(1, len(text) - 1), max_size=4)))
        bounds = [0, *cuts, len(text)]
        return [text[a:b] for a, b in itertools.pairwise(bounds)]

    def usage(self) -> dict[str, int]:
        prompt, completion = self.draw(st.integers(0, 500)), self.draw(st.integers(0, 500))
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    # -- objects ---------------------------------------------------------------------------------

    def step(self, kind: str, details: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.new_id("step_"),
            "object": "thread.run.step",
            "created_at": self.tick(),
            "assistant_id": self.run["assistant_id"],
            "thread_id": self.run["thread_id"],
            "run_id": self.run["id"],
            "type": kind,
            "status": "in_progress",
            "step_details": details,
            "last_error": None,
            "expired_at": None,
            "cancelled_at": None,
            "failed_at": None,
            "completed_at": None,
            "metadata": None,
            "usage": None,
        }

    def run_event(self, status: str, *, created: bool = False, **changes: Any) -> None:
        self.run.update(status=status, **changes)
        self.emit(f"thread.run.{'created' if created else status}", self.run)

    def step_delta(self, step: dict[str, Any], call: dict[str, Any]) -> None:
        delta = {"step_details": {"type": "tool_calls", "tool_calls": [call]}}
        self.emit(
            "thread.run.step.delta", {"id": step["id"], "object": "thread.run.step.delta", "delta": delta}
        )

    def finish_step(self, step: dict[str, Any]) -> None:
        step.update(status="completed", completed_at=self.tick(), usage=self.usage())
        self.emit("thread.run.step.completed", step)

    def open_step(self, kind: str, details: dict[str, Any]) -> dict[str, Any]:
        step = self.step(kind, details)
        self.emit("thread.run.step.created", step)
        self.emit("thread.run.step.in_progress", step)
        return step


def _code_step(writer: _Writer) -> None:
    code = writer.draw(st.text("abcdefghijklmnopqrstuvwxyz0123456789 +-*/()=\n", min_size=1, max_size=30))
    logs = writer.draw(_PIECE)
    step = writer.open_step("tool_calls", {"type": "tool_calls", "tool_calls": []})
    call_id = writer.new_id("call_")
    start = {
        "index": 0,
        "id": call_id,
        "type": "code_interpreter",
        "code_interpreter": {"input": "", "outputs": []},
    }
    writer.step_delta(step, start)
    for piece in writer.pieces(code):
        writer.step_delta(
            step, {"index": 0, "type": "code_interpreter", "code_interpreter": {"input": piece}}
        )
    writer.step_delta(
        step,
        {
            "index": 0,
            "type": "code_interpreter",
            "code_interpreter": {"outputs": [{"index": 0, "type": "logs", "logs": logs}]},
        },
    )
    outputs = [{"type": "logs", "logs": logs}]
    call = {
        "id": call_id,
        "type": "code_interpreter",
        "code_interpreter": {"input": code, "outputs": outputs},
    }
    step["step_details"] = {"type": "tool_calls", "tool_calls": [call]}
    writer.finish_step(step)


def _search_step(writer: _Writer) -> None:
    step = writer.open_step("tool_calls", {"type": "tool_calls", "tool_calls": []})
    call_id = writer.new_id("call_")
    writer.step_delta(step, {"index": 0, "id": call_id, "type": "file_search", "file_search": {}})
    ranking = {"ranker": "default_2024_08_21", "score_threshold": writer.draw(st.floats(0, 1))}
    results = [
        {
            "file_id": writer.new_id("file-"),
            "file_name": writer.draw(_NAME) + ".txt",
            "score": writer.draw(st.floats(0, 1)),
        }
        for _ in range(writer.draw(st.integers(0, 2)))
    ]
    call = {
        "id": call_id,
        "type": "file_search",
        "file_search": {"ranking_options": ranking, "results": results},
    }
    step["step_details"] = {"type": "tool_calls", "tool_calls": [call]}
    writer.finish_step(step)


def _function_calls(writer: _Writer) -> list[dict[str, Any]]:
    """An open step of function calls; returns the calls for ``required_action``."""
    step = writer.open_step("tool_calls", {"type": "tool_calls", "tool_calls": []})
    calls = []
    for index in range(writer.draw(st.integers(1, 2))):
        name = writer.draw(_NAME)
        arguments = json.dumps(writer.draw(st.dictionaries(_NAME, free_json(), max_size=3)))
        call_id = writer.new_id("call_")
        first = {
            "index": index,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": "", "output": None},
        }
        writer.step_delta(step, first)
        for piece in writer.pieces(arguments):
            writer.step_delta(step, {"index": index, "type": "function", "function": {"arguments": piece}})
        calls.append({"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}})
    return calls


def _message(writer: _Writer, *, incomplete: bool) -> None:
    message_id = writer.new_id("msg_")
    step = writer.open_step(
        "message_creation", {"type": "message_creation", "message_creation": {"message_id": message_id}}
    )
    message = {
        "id": message_id,
        "object": "thread.message",
        "created_at": writer.tick(),
        "thread_id": writer.run["thread_id"],
        "status": "in_progress",
        "incomplete_details": None,
        "completed_at": None,
        "incomplete_at": None,
        "role": "assistant",
        "content": [],
        "assistant_id": writer.run["assistant_id"],
        "run_id": writer.run["id"],
        "attachments": [],
        "metadata": {},
    }
    writer.emit("thread.message.created", message)
    writer.emit("thread.message.in_progress", message)
    pieces: list[str] = writer.draw(st.lists(_PIECE, min_size=1, max_size=5))
    cite = writer.draw(st.one_of(st.none(), st.integers(0, len(pieces))))
    text, annotations = "", []
    for position in range(len(pieces) + 1):
        if position == cite:
            marker = f"【{writer.draw(st.integers(0, 9))}:0†source】"
            note = {
                "type": "file_citation",
                "text": marker,
                "start_index": len(text),
                "end_index": len(text) + len(marker),
            }
            file_id = writer.new_id("file-")
            delta_note = {"index": 0, **note, "file_citation": {"file_id": file_id, "quote": ""}}
            writer.emit("thread.message.delta", _text_delta(message_id, marker, [delta_note], first=not text))
            annotations.append({**note, "file_citation": {"file_id": file_id}})
            text += marker
        if position < len(pieces):
            writer.emit(
                "thread.message.delta", _text_delta(message_id, pieces[position], None, first=not text)
            )
            text += pieces[position]
    message["content"] = [{"type": "text", "text": {"value": text, "annotations": annotations}}]
    if incomplete:
        message.update(
            status="incomplete", incomplete_at=writer.tick(), incomplete_details={"reason": "max_tokens"}
        )
        writer.emit("thread.message.incomplete", message)
    else:
        message.update(status="completed", completed_at=writer.tick())
        writer.emit("thread.message.completed", message)
    writer.finish_step(step)


def _text_delta(
    message_id: str, value: str, notes: list[dict[str, Any]] | None, *, first: bool
) -> dict[str, Any]:
    text: dict[str, Any] = {"value": value}
    if notes is not None:
        text["annotations"] = notes
    elif first:
        text["annotations"] = []
    content = [{"index": 0, "type": "text", "text": text}]
    return {"id": message_id, "object": "thread.message.delta", "delta": {"content": content}}


def _resume(writer: _Writer) -> None:
    """A stream returned by submit_tool_outputs: it finishes the function step the run waited on."""
    step = writer.step("tool_calls", {"type": "tool_calls", "tool_calls": []})
    call = {
        "id": writer.new_id("call_"),
        "type": "function",
        "function": {"name": writer.draw(_NAME), "arguments": "{}", "output": writer.draw(_PIECE)},
    }
    step["step_details"]["tool_calls"] = [call]
    writer.run["started_at"] = writer.run["created_at"]
    writer.finish_step(step)
    writer.run_event("queued")


@st.composite
def _stream(
    draw: st.DrawFn,
    tools: tuple[Tool, ...],
    max_messages: int,
    starts: tuple[Start, ...],
    outcomes: tuple[Outcome, ...],
) -> list[Event]:
    start: Start = draw(st.sampled_from(starts))
    possible = [o for o in outcomes if o != "requires_action" or "function" in tools]
    outcome: Outcome = draw(st.sampled_from(possible))
    tag = draw(st.text(_ALNUM, min_size=3, max_size=6))
    base = draw(response_values("Run"))
    now = draw(st.integers(1_600_000_000, 1_900_000_000))
    run = {
        **base,
        "id": f"run_{tag}",
        "object": "thread.run",
        "thread_id": f"thread_{tag}",
        "assistant_id": f"asst_{tag}",
        "created_at": now,
        "status": "queued",
        "required_action": None,
        "last_error": None,
        "started_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "incomplete_details": None,
        "usage": None,
        "tools": [{"type": tool} for tool in tools if tool != "function"],
    }
    writer = _Writer(draw=draw, tag=tag, now=now, run=run)
    if start == "thread":
        thread = {
            "id": run["thread_id"],
            "object": "thread",
            "created_at": now,
            "tool_resources": {},
            "metadata": {},
        }
        writer.emit("thread.created", thread)
    if start == "resumed":
        _resume(writer)
    else:
        writer.run_event("queued", created=True)
        writer.run_event("queued")
    writer.run_event("in_progress", started_at=writer.tick())
    helpers = [tool for tool in tools if tool != "function"]
    for _ in range(draw(st.integers(0, 2)) if helpers else 0):
        (_code_step if draw(st.sampled_from(helpers)) == "code_interpreter" else _search_step)(writer)
    messages = draw(st.integers(0 if outcome != "completed" or max_messages == 0 else 1, max_messages))
    for number in range(messages):
        _message(writer, incomplete=outcome == "incomplete" and number == messages - 1)
    _end(writer, outcome)
    writer.emit("done", "[DONE]")
    return writer.events


def _end(writer: _Writer, outcome: Outcome) -> None:
    usage = writer.usage()
    if outcome == "requires_action":
        calls = _function_calls(writer)
        action = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}}
        writer.run_event("requires_action", required_action=action)
    elif outcome == "completed":
        writer.run_event("completed", completed_at=writer.tick(), usage=usage, expires_at=None)
    elif outcome == "incomplete":
        details = {"reason": "max_completion_tokens"}
        writer.run_event("incomplete", incomplete_details=details, usage=usage, expires_at=None)
    elif outcome == "failed":
        error = {"code": "server_error", "message": writer.draw(_PIECE)}
        writer.run_event("failed", failed_at=writer.tick(), last_error=error, usage=usage, expires_at=None)
    elif outcome == "cancelled":
        writer.run_event("cancelling")
        writer.run_event("cancelled", cancelled_at=writer.tick(), usage=usage, expires_at=None)
    else:
        writer.run_event("expired", usage=usage, expires_at=None)


def stream_plans(
    tools: tuple[Tool, ...], max_messages: int, starts: tuple[Start, ...], outcomes: tuple[Outcome, ...]
) -> st.SearchStrategy[list[Event]]:
    """Legal streams (arguments already validated): see :func:`harness.strategies.stream_events`."""
    return _stream(tools, max_messages, starts, outcomes)


def to_sse(events: list[Event]) -> str:
    """The stream as the wire carries it: ``event:`` and ``data:`` lines, a blank line after each."""
    lines = []
    for event in events:
        data = event["data"]
        text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        lines.append(f"event: {event['event']}\ndata: {text}\n\n")
    return "".join(lines)
