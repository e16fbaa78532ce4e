"""Synthetic Assistants traffic for the snapshot tests: the same scenario with any ids and clocks.

Everything here is invented: ids come from a seeded random generator in the API's formats, so two
seeds give two recordings of one scenario that differ only in ids and timestamps.
"""

from __future__ import annotations

import json
import random
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REAL_CASSETTES = Path(__file__).resolve().parents[2].parent / "shared" / "real-cassettes"

_ALNUM = string.ascii_letters + string.digits


class Ids:
    """Ids in the API's formats from a seeded generator."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def new(self, prefix: str) -> str:
        return prefix + "".join(self._random.choice(_ALNUM) for _ in range(24))


def run_stream(
    seed: int,
    *,
    text: str = "The answer is 4.",
    pieces: int = 4,
    tool_call: bool = False,
    arguments: str = '{"city": "Paris"}',
) -> list[dict[str, Any]]:
    """The events of one streamed run as ``{"event", "data"}`` dicts.

    Args:
        seed: Picks the ids and the clock; the scenario itself does not depend on it.
        text: The assistant's answer, streamed in ``pieces`` deltas.
        pieces: How many message deltas carry ``text``.
        tool_call: Stream a function call first and stop at ``requires_action``.
        arguments: The function call's arguments, streamed in two deltas.
    """
    ids = Ids(seed)
    clock = random.Random(seed).randrange(1_600_000_000, 1_800_000_000)
    asst, thread, run_id = ids.new("asst_"), ids.new("thread_"), ids.new("run_")
    run: dict[str, Any] = {
        "id": run_id,
        "object": "thread.run",
        "created_at": clock,
        "assistant_id": asst,
        "thread_id": thread,
        "status": "queued",
        "started_at": None,
        "expires_at": clock + 600,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": "gpt-4o",
        "instructions": "Answer briefly.",
        "tools": [],
        "metadata": {},
        "usage": None,
    }
    events: list[dict[str, Any]] = [
        {"event": "thread.run.created", "data": dict(run)},
        {"event": "thread.run.queued", "data": dict(run)},
    ]
    run.update(status="in_progress", started_at=clock + 1)
    events.append({"event": "thread.run.in_progress", "data": dict(run)})
    step_base = {
        "object": "thread.run.step",
        "created_at": clock + 2,
        "run_id": run_id,
        "assistant_id": asst,
        "thread_id": thread,
        "status": "in_progress",
        "completed_at": None,
        "expires_at": clock + 600,
        "last_error": None,
        "usage": None,
    }
    if tool_call:
        step_id, call_id = ids.new("step_"), ids.new("call_")
        step = {
            **step_base,
            "id": step_id,
            "type": "tool_calls",
            "step_details": {"type": "tool_calls", "tool_calls": []},
        }
        events += [
            {"event": "thread.run.step.created", "data": step},
            {"event": "thread.run.step.in_progress", "data": step},
        ]
        half = len(arguments) // 2
        for index, chunk in enumerate((arguments[:half], arguments[half:])):
            call: dict[str, Any] = {"index": 0, "type": "function", "function": {"arguments": chunk}}
            if index == 0:
                call.update(id=call_id, function={"name": "get_weather", "arguments": chunk, "output": None})
            delta = {
                "id": step_id,
                "object": "thread.run.step.delta",
                "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call]}},
            }
            events.append({"event": "thread.run.step.delta", "data": delta})
        run.update(
            status="requires_action",
            required_action={
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {
                    "tool_calls": [
                        {
                            "id": call_id,
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": arguments},
                        }
                    ]
                },
            },
        )
        events.append({"event": "thread.run.requires_action", "data": dict(run)})
        events.append({"event": "done", "data": "[DONE]"})
        return events
    step_id, msg_id = ids.new("step_"), ids.new("msg_")
    step = {
        **step_base,
        "id": step_id,
        "type": "message_creation",
        "step_details": {"type": "message_creation", "message_creation": {"message_id": msg_id}},
    }
    message: dict[str, Any] = {
        "id": msg_id,
        "object": "thread.message",
        "created_at": clock + 3,
        "assistant_id": asst,
        "thread_id": thread,
        "run_id": run_id,
        "status": "in_progress",
        "incomplete_details": None,
        "completed_at": None,
        "incomplete_at": None,
        "role": "assistant",
        "content": [],
        "attachments": [],
        "metadata": {},
    }
    events += [
        {"event": "thread.run.step.created", "data": step},
        {"event": "thread.run.step.in_progress", "data": step},
        {"event": "thread.message.created", "data": dict(message)},
        {"event": "thread.message.in_progress", "data": dict(message)},
    ]
    size = max(1, -(-len(text) // pieces))
    for start in range(0, len(text), size):
        delta = {
            "id": msg_id,
            "object": "thread.message.delta",
            "delta": {
                "content": [
                    {
                        "index": 0,
                        "type": "text",
                        "text": {"value": text[start : start + size], "annotations": []},
                    }
                ]
            },
        }
        events.append({"event": "thread.message.delta", "data": delta})
    usage = {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    message.update(
        status="completed",
        completed_at=clock + 4,
        content=[{"type": "text", "text": {"value": text, "annotations": []}}],
    )
    events.append({"event": "thread.message.completed", "data": dict(message)})
    events.append(
        {
            "event": "thread.run.step.completed",
            "data": {**step, "status": "completed", "completed_at": clock + 4, "usage": usage},
        }
    )
    run.update(status="completed", completed_at=clock + 5, expires_at=None, usage=usage)
    events.append({"event": "thread.run.completed", "data": dict(run)})
    events.append({"event": "done", "data": "[DONE]"})
    return events


def to_sse(events: list[dict[str, Any]]) -> str:
    """The SSE text of ``events`` as the API sends it."""
    out = []
    for event in events:
        data = event["data"] if isinstance(event["data"], str) else json.dumps(event["data"])
        out.append(f"event: {event['event']}\ndata: {data}\n\n")
    return "".join(out)


Responder = Callable[[str, str, bytes], tuple[int, str, bytes]]
"""Answers one request: (method, path, body) -> (status, content type, body)."""


@contextmanager
def http_server(respond: Responder) -> Iterator[str]:
    """A server on 127.0.0.1 that answers every request with ``respond``; yields its base URL (``…/v1``)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            status, content_type, payload = respond(self.command, self.path, body)
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def sse_server(body: str) -> AbstractContextManager[str]:
    """A server on 127.0.0.1 answering every request with ``body`` as an event stream."""
    return http_server(lambda method, path, request: (200, "text/event-stream", body.encode()))
