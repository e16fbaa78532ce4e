"""The run engine: how a run moves from ``queued`` to a terminal status, as events.

A run's work is a generator of ``(event name, data)`` pairs, the same events a streamed run sends, in the
order the real API sends them. Streaming sends every event. Polling advances one stage per retrieve:
``queued`` → ``in_progress`` → ``requires_action`` or a terminal status; after ``submit_tool_outputs``
the run is ``queued`` again, then ``in_progress``, then terminal; ``cancel`` makes it ``cancelling``,
and the next retrieve ``cancelled``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from harness.server import _reply_generator as replies
from harness.server._errors import bad_request
from harness.server._objects import message_text, new_message, new_step, usage
from harness.server._run_objects import (
    OMIT,
    Citation,
    CodeBody,
    FileSearchBody,
    FileSearchResult,
    FunctionBody,
    LogsOutput,
    Omit,
    TextBlock,
    TextDelta,
    ToolCall,
    ToolType,
    incomplete,
    message_creation_details,
    required_action,
    step_delta,
    tool_calls_details,
)
from harness.server._state import TERMINAL, Obj, Store, message_view, public, step_view
from harness.server._vectors import searchable_chunks

Event = tuple[str, Obj]


@dataclass
class _Context:
    """What the model sees: instructions, the conversation, the last user message."""

    instructions: str | None
    texts: list[str]
    last_user: str
    message_count: int

    @property
    def prompt_tokens(self) -> int:
        return replies.count_tokens(self.instructions or "") + sum(
            replies.count_tokens(t) for t in self.texts
        )


def _chunks(text: str) -> list[str]:
    """Text cut into word-sized deltas, as a model streams tokens."""
    return re.findall(r"\s*\S+|\s+$", text)


class RunEngine:
    """Drives every run of a :class:`Store`; one pending event generator per unfinished run."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pending: dict[str, Iterator[Event]] = {}
        self._include: dict[str, bool] = {}

    # ------------------------------------------------------------------ public operations

    def start(self, run: Obj, *, include_content: bool) -> None:
        """Register a new queued run and plan its work."""
        self.store.runs.setdefault(run["thread_id"], []).append(run)
        self._include[run["id"]] = include_content
        self._pending[run["id"]] = self._work(run)

    def advance(self, run: Obj) -> None:
        """One polling stage: run events until the run's status changes (or the work ends)."""
        before = run["status"]
        pending = self._pending.get(run["id"])
        while pending is not None:
            event = next(pending, None)
            if event is None:
                self._pending.pop(run["id"], None)
                return
            if event[0].count(".") == 2 and event[0].startswith("thread.run.") and run["status"] != before:
                return

    def events(self, run: Obj) -> Iterator[Event]:
        """The run's remaining events of its current segment, as they happen."""
        pending = self._pending.get(run["id"])
        if pending is None:
            return
        # Not ``yield from``: when a client drops the stream, closing this wrapper must not close the
        # run's own generator, so that polling can finish the run as the hosted API does.
        for event in pending:  # noqa: UP028
            yield event
        self._pending.pop(run["id"], None)

    def submit(self, run: Obj, outputs: Sequence[Mapping[str, str]]) -> None:
        """Accept tool outputs for a run in ``requires_action`` (400 otherwise)."""
        if run["status"] != "requires_action":
            raise bad_request(f'Runs in status "{run["status"]}" do not accept tool outputs.')
        expected = [call["id"] for call in run["required_action"]["submit_tool_outputs"]["tool_calls"]]
        given = [output.get("tool_call_id") for output in outputs]
        if sorted(i for i in given if i) != sorted(expected) or any("output" not in o for o in outputs):
            raise bad_request(
                f"Expected tool outputs for call_ids {expected}, got {given}", param="tool_outputs"
            )
        self._pending[run["id"]] = self._resume(run, {o["tool_call_id"]: o["output"] for o in outputs})

    def cancel(self, run: Obj) -> None:
        """Start cancelling the run (400 when it is already finished)."""
        if run["status"] in TERMINAL or run["status"] == "cancelling":
            raise bad_request(f"Cannot cancel run with status '{run['status']}'.")
        run["status"] = "cancelling"
        self._pending[run["id"]] = self._cancelled(run)

    def run_event(self, run: Obj) -> Event:
        """The ``thread.run.<status>`` event for the run as it is now."""
        return f"thread.run.{run['status']}", public(run)

    # ------------------------------------------------------------------ event helpers

    def _step(self, name: str, step: Obj) -> Event:
        return f"thread.run.step.{name}", step_view(
            step, include_content=self._include.get(step["run_id"], False)
        )

    def _set(self, run: Obj, status: str) -> Event:
        run["status"] = status
        now = self.store.now()
        if status == "in_progress":
            run["started_at"] = now
        elif status in TERMINAL:
            field = {"completed": "completed_at", "cancelled": "cancelled_at", "failed": "failed_at"}.get(
                status
            )
            if field:
                run[field] = now
            run["expires_at"] = None
            total = [s["usage"] for s in self.store.steps.get(run["id"], []) if s["usage"]]
            prompt = sum(u["prompt_tokens"] for u in total)
            completion = sum(u["completion_tokens"] for u in total)
            run["usage"] = usage(prompt, completion)
            for step in self.store.steps.get(run["id"], []):
                step["expires_at"] = None
        return self.run_event(run)

    def _context(self, run: Obj) -> _Context:
        messages = self.store.messages.get(run["thread_id"], [])
        truncation = run["truncation_strategy"]
        if truncation["type"] == "last_messages" and truncation.get("last_messages"):
            messages = messages[-int(truncation["last_messages"]) :]
        texts = [message_text(m) for m in messages]
        last_user = next((message_text(m) for m in reversed(messages) if m["role"] == "user"), "")
        return _Context(
            run["instructions"], texts, last_user, len(self.store.messages.get(run["thread_id"], []))
        )

    # ------------------------------------------------------------------ the work of a run

    def _work(self, run: Obj) -> Iterator[Event]:
        yield self._set(run, "queued")
        yield self._set(run, "in_progress")
        context = self._context(run)
        if run["max_prompt_tokens"] is not None and context.prompt_tokens > run["max_prompt_tokens"]:
            run["incomplete_details"] = incomplete("max_prompt_tokens")
            yield self._set(run, "incomplete")
            return
        calls = self._function_calls(run, context)
        if calls:
            yield from self._request_functions(run, context, calls)
            return
        yield from self._tools_and_reply(run, context)

    def _function_calls(self, run: Obj, context: _Context) -> list[_FunctionCall]:
        choice = run["tool_choice"]
        functions = [t["function"] for t in run["tools"] if t["type"] == "function"]
        if choice == "none" or not functions:
            return []
        if isinstance(choice, dict):
            if choice.get("type") != "function":
                return []
            chosen = [f for f in functions if f["name"] == choice["function"]["name"]]
        else:
            chosen = [f for f in functions if replies.mentions_function(context.last_user, f["name"])]
            if not chosen and choice == "required" and not any(t["type"] != "function" for t in run["tools"]):
                chosen = functions[:1]
        if not run["parallel_tool_calls"]:
            chosen = chosen[:1]
        return [
            _FunctionCall(
                self.store.ids.new("call"),
                f["name"],
                json.dumps(replies.arguments_for(f.get("parameters") or {}, context.last_user)),
            )
            for f in chosen
        ]

    def _request_functions(self, run: Obj, context: _Context, calls: list[_FunctionCall]) -> Iterator[Event]:
        step = new_step(self.store, run, kind="tool_calls", details=tool_calls_details())
        yield self._step("created", step)
        yield self._step("in_progress", step)
        for index, call in enumerate(calls):
            opening = FunctionBody(name=call.name, arguments="", output=None)
            yield self._delta(step, ToolCall(index=index, id=call.id, type="function", body=opening))
            piece = FunctionBody(arguments=call.arguments)
            yield self._delta(step, ToolCall(index=index, type="function", body=piece))
        step["step_details"] = tool_calls_details([call.tool_call(output=None) for call in calls])
        completion = sum(replies.count_tokens(call.arguments) + 1 for call in calls)
        step["_usage"] = usage(context.prompt_tokens, completion)
        run["required_action"] = required_action([call.tool_call() for call in calls])
        yield self._set(run, "requires_action")

    def _resume(self, run: Obj, outputs: Mapping[str, str]) -> Iterator[Event]:
        step = next(s for s in reversed(self.store.steps[run["id"]]) if s["type"] == "tool_calls")
        reported = []
        for call in step["step_details"]["tool_calls"]:
            call["function"]["output"] = outputs.get(call["id"])
            reported.append(
                (call["function"]["name"], call["function"]["arguments"], outputs.get(call["id"], ""))
            )
        step["status"] = "completed"
        step["completed_at"] = self.store.now()
        step["usage"] = step.pop("_usage", usage(0, 0))
        yield self._step("completed", step)
        run["required_action"] = None
        yield self._set(run, "queued")
        yield self._set(run, "in_progress")
        context = self._context(run)
        extra = sum(replies.count_tokens(output) for output in outputs.values())
        yield from self._reply(run, context, replies.function_reply(reported), [], extra_prompt=extra)

    def _cancelled(self, run: Obj) -> Iterator[Event]:
        for step in self.store.steps.get(run["id"], []):
            if step["status"] == "in_progress":
                step["status"] = "cancelled"
                step["cancelled_at"] = self.store.now()
        run["required_action"] = None
        yield self._set(run, "cancelled")

    def _delta(self, step: Obj, call: ToolCall) -> Event:
        return "thread.run.step.delta", step_delta(step["id"], call)

    def _tools_and_reply(self, run: Obj, context: _Context) -> Iterator[Event]:
        choice = run["tool_choice"]
        kinds = {t["type"] for t in run["tools"]} if choice != "none" else set()
        forced = choice.get("type") if isinstance(choice, dict) else None
        answer: list[str] = []
        citations: list[tuple[str, str, str]] = []
        extra_prompt = 0
        if "code_interpreter" in kinds and forced in (None, "code_interpreter"):
            task = replies.code_task(context.last_user)
            if task is None and (forced == "code_interpreter" or choice == "required"):
                task = replies.CodeRun(f"print({context.last_user!r})", context.last_user, context.last_user)
            if task is not None:
                yield from self._code_step(run, context, task)
                answer.append(task.answer)
                extra_prompt += replies.count_tokens(task.code) + replies.count_tokens(task.logs)
        if "file_search" in kinds and forced in (None, "file_search") and not answer:
            hits = yield from self._search_step(run, context)
            extra_prompt += sum(replies.count_tokens(h.chunk.text) for h in hits)
            seen: set[str] = set()
            for position, hit in enumerate(hits):
                if hit.chunk.file_id in seen or len(seen) == 2:
                    continue
                seen.add(hit.chunk.file_id)
                line = replies.best_line(context.last_user, hit.chunk.text).rstrip(".!?;:")
                marker = f"【{context.message_count + 3}:{position}†{hit.chunk.filename}】"
                citations.append((f'According to {hit.chunk.filename}, "{line}"', marker, hit.chunk.file_id))
        text = " ".join(answer) if answer else ("" if citations else replies.plain_reply(context.last_user))
        yield from self._reply(
            run,
            context,
            replies.with_name(text, run["instructions"]) if text else "",
            citations,
            extra_prompt=extra_prompt,
        )

    def _code_step(self, run: Obj, context: _Context, task: replies.CodeRun) -> Iterator[Event]:
        call_id = self.store.ids.new("call")
        step = new_step(self.store, run, kind="tool_calls", details=tool_calls_details())
        yield self._step("created", step)
        yield self._step("in_progress", step)
        kind: ToolType = "code_interpreter"
        yield self._delta(step, ToolCall(index=0, id=call_id, type=kind, body=CodeBody(input="", outputs=[])))
        for piece in re.findall(r".*?(?:\n|$)", task.code)[:-1] or [task.code]:
            yield self._delta(step, ToolCall(index=0, type=kind, body=CodeBody(input=piece)))
        logs = CodeBody(outputs=[LogsOutput(index=0, logs=task.logs)])
        yield self._delta(step, ToolCall(index=0, type=kind, body=logs))
        whole = CodeBody(input=task.code, outputs=[LogsOutput(logs=task.logs)])
        step["step_details"] = tool_calls_details([ToolCall(id=call_id, type=kind, body=whole)])
        yield from self._finish_step(step, context.prompt_tokens, replies.count_tokens(task.code))

    def _search_step(self, run: Obj, context: _Context) -> Generator[Event, None, list[replies.Hit]]:
        tool = next(t for t in run["tools"] if t["type"] == "file_search")
        options = tool.get("file_search") or {}
        ranking = options.get("ranking_options") or {}
        threshold = float(ranking.get("score_threshold", 0.0))
        chunks = searchable_chunks(self.store, run)
        hits = replies.rank(
            context.last_user, chunks, threshold=threshold, limit=int(options.get("max_num_results", 20))
        )
        call_id = self.store.ids.new("call")
        shown_ranking = {"ranker": "default_2024_08_21", "score_threshold": threshold}
        step = new_step(self.store, run, kind="tool_calls", details=tool_calls_details())
        yield self._step("created", step)
        yield self._step("in_progress", step)
        opening = FileSearchBody(ranking_options=shown_ranking)
        yield self._delta(step, ToolCall(index=0, id=call_id, type="file_search", body=opening))
        results = [
            FileSearchResult(
                file_id=h.chunk.file_id, file_name=h.chunk.filename, score=h.score, text=h.chunk.text
            )
            for h in hits
        ]
        whole = FileSearchBody(ranking_options=shown_ranking, results=results)
        step["step_details"] = tool_calls_details([ToolCall(id=call_id, type="file_search", body=whole)])
        yield from self._finish_step(step, context.prompt_tokens, replies.count_tokens(context.last_user))
        return hits

    def _finish_step(self, step: Obj, prompt: int, completion: int) -> Iterator[Event]:
        step["status"] = "completed"
        step["completed_at"] = self.store.now()
        step["usage"] = usage(prompt, completion)
        yield self._step("completed", step)

    def _reply(
        self,
        run: Obj,
        context: _Context,
        text: str,
        citations: Sequence[tuple[str, str, str]],
        *,
        extra_prompt: int = 0,
    ) -> Iterator[Event]:
        """The message that answers: created, streamed piece by piece within the token budget, ended."""
        message = new_message(
            self.store,
            run["thread_id"],
            role="assistant",
            content=[],
            assistant_id=run["assistant_id"],
            run_id=run["id"],
            status="in_progress",
        )
        step = new_step(
            self.store, run, kind="message_creation", details=message_creation_details(message["id"])
        )
        yield self._step("created", step)
        yield self._step("in_progress", step)
        yield "thread.message.created", message_view(message, stream=True)
        yield "thread.message.in_progress", message_view(message, stream=True)
        written = yield from self._write(message, _segments(text, citations), self._budget(run))
        yield from self._end_message(message, truncated=written.truncated)
        yield from self._finish_step(step, context.prompt_tokens + extra_prompt, written.tokens)
        if written.truncated:
            run["incomplete_details"] = incomplete("max_completion_tokens")
            yield self._set(run, "incomplete")
        else:
            yield self._set(run, "completed")

    def _budget(self, run: Obj) -> int | None:
        """The completion tokens the run may still write (``None``: no limit)."""
        if run["max_completion_tokens"] is None:
            return None
        steps = self.store.steps.get(run["id"], [])
        used = sum(int(s["usage"]["completion_tokens"]) for s in steps if s["usage"])
        return max(int(run["max_completion_tokens"]) - used, 0)

    def _write(
        self, message: Obj, segments: list[tuple[str, str | None]], budget: int | None
    ) -> Generator[Event, None, _Written]:
        """Stream the segments as text deltas (a cited marker in one piece) until the budget runs out."""
        written = _Written()
        for piece, cited in segments:
            for chunk in [piece] if cited else _chunks(piece):
                cost = 0 if cited else replies.count_tokens(chunk)
                if budget is not None and written.tokens + cost > budget:
                    written.truncated = True
                    break
                annotations: list[Obj] | Omit = OMIT if written.value else []
                if cited:
                    end = len(written.value) + len(chunk)
                    citation = Citation(
                        text=chunk, start_index=len(written.value), end_index=end, file_id=cited
                    )
                    written.citations.append(citation)
                    annotations = [citation.delta(len(written.citations) - 1)]
                written.value += chunk
                written.tokens += cost
                yield (
                    "thread.message.delta",
                    TextDelta(value=chunk, annotations=annotations).event(message["id"]),
                )
            if written.truncated:
                break
        message["content"] = [TextBlock(value=written.value, annotations=written.citations).to_json()]
        return written

    def _end_message(self, message: Obj, *, truncated: bool) -> Iterator[Event]:
        now = self.store.now()
        if truncated:
            message.update(
                status="incomplete", incomplete_at=now, incomplete_details=incomplete("max_tokens")
            )
            yield "thread.message.incomplete", message_view(message, stream=True)
        else:
            message.update(status="completed", completed_at=now)
            yield "thread.message.completed", message_view(message, stream=True)


@dataclass
class _Written:
    """What :meth:`RunEngine._write` streamed: the text, its citations, its tokens, whether it was cut."""

    value: str = ""
    tokens: int = 0
    truncated: bool = False
    citations: list[Citation] = field(default_factory=list)


def _segments(text: str, citations: Sequence[tuple[str, str, str]]) -> list[tuple[str, str | None]]:
    """The reply as pieces to stream: each citation's sentence, its marker (with its file id) and a full
    stop, then the text."""
    segments: list[tuple[str, str | None]] = []
    for index, (sentence, marker, file_id) in enumerate(citations):
        segments.append(((" " if index else "") + sentence, None))
        segments.append((marker, file_id))
        segments.append((".", None))
    if text:
        segments.append(((" " if segments else "") + text, None))
    return segments


@dataclass(frozen=True, slots=True)
class _FunctionCall:
    """A function call the run makes: its id, the function's name and the arguments as JSON text."""

    id: str
    name: str
    arguments: str

    def tool_call(self, output: str | Omit | None = OMIT) -> ToolCall:
        """The whole call; ``output=None`` for the form a step carries (``required_action`` has none)."""
        return ToolCall(
            id=self.id,
            type="function",
            body=FunctionBody(name=self.name, arguments=self.arguments, output=output),
        )
