"""Legal Assistants streams for the grammar tests: synthetic ones built here, real ones read from disk.

The synthetic streams are written for these tests (ids like ``run_syn``, made-up text); the real ones are
read from ``../shared/real-cassettes`` at test time and never copied into the project.
"""

from __future__ import annotations

import base64
import copy
import functools
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

Event = dict[str, Any]
"""``{"event": name, "data": dict-or-text}``."""

REAL_CASSETTES = Path(__file__).resolve().parents[2].parent / "shared" / "real-cassettes"


def to_sse(events: list[Event]) -> str:
    """Serialise events the way the API sends them."""
    out = []
    for event in events:
        data = event["data"]
        text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
        out.append(f"event: {event['event']}\ndata: {text}\n\n")
    return "".join(out)


class Builder:
    """Writes a legal stream event by event, keeping ids and a clock consistent."""

    def __init__(
        self, *, thread: str = "thread_syn", run: str = "run_syn", assistant: str = "asst_syn"
    ) -> None:
        self.thread, self.run_id, self.assistant = thread, run, assistant
        self.now = 1_700_000_000
        self.events: list[Event] = []
        self.run_created = self.now
        self.run_started: int | None = None
        self.last_calls: list[dict[str, Any]] = []

    def tick(self) -> int:
        self.now += 1
        return self.now

    def emit(self, event: str, data: dict[str, Any] | str) -> None:
        self.events.append({"event": event, "data": data})

    def thread_created(self) -> None:
        self.emit(
            "thread.created", {"id": self.thread, "object": "thread", "created_at": self.now, "metadata": {}}
        )

    def run(self, stage: str, **extra: Any) -> None:
        status = "queued" if stage == "created" else stage
        if stage == "in_progress":
            self.run_started = self.tick()
        data: dict[str, Any] = {
            "id": self.run_id,
            "object": "thread.run",
            "created_at": self.run_created,
            "assistant_id": self.assistant,
            "thread_id": self.thread,
            "status": status,
            "started_at": self.run_started,
            "expires_at": self.run_created + 600,
            "completed_at": self.tick() if stage == "completed" else None,
            "required_action": None,
        }
        data.update(extra)
        self.emit(f"thread.run.{stage}", data)

    def _step(self, step_id: str, stage: str, details: dict[str, Any], created: int, **extra: Any) -> None:
        data: dict[str, Any] = {
            "id": step_id,
            "object": "thread.run.step",
            "created_at": created,
            "run_id": self.run_id,
            "assistant_id": self.assistant,
            "thread_id": self.thread,
            "type": details["type"],
            "status": "in_progress" if stage == "created" else stage,
            "completed_at": self.tick() if stage == "completed" else None,
            "expires_at": self.run_created + 600,
            "step_details": details,
        }
        data.update(extra)
        self.emit(f"thread.run.step.{stage}", data)

    def _message(self, message_id: str, stage: str, content: list[Any], created: int) -> None:
        self.emit(
            f"thread.message.{stage}",
            {
                "id": message_id,
                "object": "thread.message",
                "created_at": created,
                "assistant_id": self.assistant,
                "thread_id": self.thread,
                "run_id": self.run_id,
                "status": "in_progress" if stage == "created" else stage,
                "completed_at": self.tick() if stage == "completed" else None,
                "role": "assistant",
                "content": content,
            },
        )

    def message(self, message_id: str, step_id: str, parts: list[list[str]], *, cite: bool = False) -> None:
        """A message_creation step and its message; ``parts`` holds the text pieces of each content part."""
        details = {"type": "message_creation", "message_creation": {"message_id": message_id}}
        step_created = self.tick()
        self._step(step_id, "created", details, step_created)
        self._step(step_id, "in_progress", details, step_created)
        created = self.now
        self._message(message_id, "created", [], created)
        self._message(message_id, "in_progress", [], created)
        final = []
        for index, pieces in enumerate(parts):
            annotations = []
            for number, piece in enumerate(pieces):
                text: dict[str, Any] = {"value": piece}
                if number == 0:
                    text["annotations"] = []
                if cite and number == len(pieces) - 1:
                    start = sum(len(p) for p in pieces[:number])
                    note = {
                        "type": "file_citation",
                        "text": piece,
                        "start_index": start,
                        "end_index": start + len(piece),
                        "file_citation": {"file_id": "file_syn"},
                    }
                    text["annotations"] = [{"index": 0, **note}]
                    annotations.append(note)
                delta = {"content": [{"index": index, "type": "text", "text": text}]}
                self.emit(
                    "thread.message.delta",
                    {"id": message_id, "object": "thread.message.delta", "delta": delta},
                )
            final.append({"type": "text", "text": {"value": "".join(pieces), "annotations": annotations}})
        self._message(message_id, "completed", final, created)
        self._step(step_id, "completed", details, step_created)

    def tool_step(
        self, step_id: str, calls: list[dict[str, Any]], *, complete: bool = True, outputs: bool = False
    ) -> None:
        """A tool_calls step streaming ``calls`` ({"id", "type", "pieces", "name"?}) as deltas."""
        created = self.tick()
        empty = {"type": "tool_calls", "tool_calls": []}
        self._step(step_id, "created", empty, created)
        self._step(step_id, "in_progress", empty, created)
        final = []
        for index, call in enumerate(calls):
            key, field = (
                ("function", "arguments") if call["type"] == "function" else ("code_interpreter", "input")
            )
            for number, piece in enumerate(call["pieces"]):
                body: dict[str, Any] = {field: piece}
                head: dict[str, Any] = {"index": index, "type": call["type"]}
                if number == 0:
                    head["id"] = call["id"]
                    body.update(
                        {"name": call["name"], "output": None} if key == "function" else {"outputs": []}
                    )
                head[key] = body
                self.emit(
                    "thread.run.step.delta",
                    {
                        "id": step_id,
                        "object": "thread.run.step.delta",
                        "delta": {"step_details": {"type": "tool_calls", "tool_calls": [head]}},
                    },
                )
            whole = "".join(call["pieces"])
            if key == "function":
                body = {"name": call["name"], "arguments": whole, "output": "done" if outputs else None}
            else:
                body = {"input": whole, "outputs": []}
            final.append({"id": call["id"], "type": call["type"], key: body})
        if complete:
            self._step(step_id, "completed", {"type": "tool_calls", "tool_calls": final}, created)
        self.last_calls = final

    def requires_action(self) -> None:
        calls = [
            {
                "id": call["id"],
                "type": "function",
                "function": {k: call["function"][k] for k in ("name", "arguments")},
            }
            for call in self.last_calls
            if call["type"] == "function"
        ]
        self.run(
            "requires_action",
            required_action={"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": calls}},
        )

    def done(self) -> list[Event]:
        self.emit("done", "[DONE]")
        return self.events


def chat_stream() -> list[Event]:
    """A fresh run that writes one message of two text parts, the second with a citation."""
    b = Builder()
    b.run("created")
    b.run("queued")
    b.run("in_progress")
    b.message("msg_syn_a", "step_syn_a", [["Sure", ", here", " it is."], ["Source: ", "[1]"]], cite=True)
    b.run("completed")
    return b.done()


def tools_stream() -> list[Event]:
    """createAndRun: code_interpreter, then two parallel function calls, ending in requires_action."""
    b = Builder()
    b.thread_created()
    b.run("created")
    b.run("queued")
    b.run("in_progress")
    b.tool_step(
        "step_syn_code",
        [{"id": "call_syn_code", "type": "code_interpreter", "pieces": ["print(", "6*7", ")"]}],
    )
    b.message("msg_syn_b", "step_syn_b", [["Checking", " the weather."]])
    b.tool_step(
        "step_syn_fn",
        [
            {"id": "call_syn_1", "type": "function", "name": "weather", "pieces": ['{"city":', ' "Lyon"}']},
            {"id": "call_syn_2", "type": "function", "name": "clock", "pieces": ["{", "}"]},
        ],
        complete=False,
    )
    b.requires_action()
    return b.done()


def resumed_stream() -> list[Event]:
    """submit_tool_outputs: the waiting step ends, the run goes on and completes with a message."""
    b = Builder()
    b.run_started = b.now + 1
    b.now += 5
    details = {
        "type": "tool_calls",
        "tool_calls": [
            {
                "id": "call_syn_9",
                "type": "function",
                "function": {"name": "f", "arguments": "{}", "output": "42"},
            }
        ],
    }
    b._step("step_syn_wait", "completed", details, b.now - 2)
    b.run("queued")
    b.run("in_progress")
    b.message("msg_syn_c", "step_syn_c", [["The answer", " is 42."]])
    b.run("completed")
    return b.done()


def function_step_stream() -> list[Event]:
    """A function step that streams its arguments and completes within the stream."""
    b = Builder()
    b.run("created")
    b.run("queued")
    b.run("in_progress")
    b.tool_step(
        "step_syn_f",
        [{"id": "call_syn_f", "type": "function", "name": "lookup", "pieces": ['{"q"', ': "x"}']}],
        outputs=True,
    )
    b.run("completed")
    return b.done()


SYNTHETIC = {
    "chat": chat_stream,
    "tools": tools_stream,
    "resumed": resumed_stream,
    "function-step": function_step_stream,
}


def synthetic(name: str) -> list[Event]:
    """A fresh copy of one synthetic stream."""
    return copy.deepcopy(SYNTHETIC[name]())


# -- real recordings -----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML plus Ruby VCR's ``!binary`` (base64) tag."""


_Loader.add_constructor("!binary", lambda loader, node: base64.b64decode(loader.construct_scalar(node)))


def _headers(headers: object) -> dict[str, str]:
    result: dict[str, str] = {}
    if isinstance(headers, dict):
        for key, value in headers.items():
            result[str(key).lower()] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return result


def _text(body: object, headers: dict[str, str]) -> str | None:
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, list):
        return "".join(map(str, body))
    if isinstance(body, bytes):
        if "gzip" in headers.get("content-encoding", ""):
            body = gzip.decompress(body)
        return body.decode("utf-8")
    return body if isinstance(body, str) else None


def _responses(path: Path) -> Iterator[tuple[dict[str, str], object]]:
    if path.suffix == ".json":
        for entry in json.loads(path.read_text(encoding="utf-8")).get("Entries", []):
            yield _headers(entry.get("ResponseHeaders")), entry.get("ResponseBody")
        return
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    for interaction in document.get("interactions") or document.get("http_interactions") or []:
        response = interaction.get("response", {})
        yield _headers(response.get("headers")), response.get("body")


@functools.cache
def real_streams() -> tuple[tuple[str, str], ...]:
    """Every SSE response body in the real cassettes, as ``(file:interaction, text)``; empty when absent."""
    if not REAL_CASSETTES.is_dir():
        return ()
    found = []
    for path in sorted(REAL_CASSETTES.rglob("*")):
        if path.suffix not in (".json", ".yaml", ".yml") or "text/event-stream" not in path.read_text(
            "utf-8"
        ):
            continue
        for number, (headers, body) in enumerate(_responses(path)):
            text = _text(body, headers)
            if "text/event-stream" in headers.get("content-type", "") and text is not None:
                found.append((f"{path.name}:{number}", text))
    return tuple(found)
