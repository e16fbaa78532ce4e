"""A server on 127.0.0.1 that plants secrets in every place a response can carry one.

Each route is one attack; ``PLANTED`` lists every secret it (and the client in the tests) sends, so a
test can scan a written cassette for all of them.
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

KEY_IN_REASON = "sk-proj-REASONplanted0123456789abcdef"
KEY_IN_BINARY = "sk-proj-BINARYplanted0123456789abcdef"
KEY_IN_ZSTD = "sk-proj-ZSTDplanted0123456789abcdef"
KEY_IN_RESPONSE_HEADER = "PLANTEDresponseXapiKEY42"
JWT_IN_RESPONSE_HEADER = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.PLANTEDsig_abc-123"
STREAMED_KEY = "sk-proj-STREAMEDplanted0123456789abcdef"
STREAMED_ARGUMENT_KEY = "sk-proj-ARGUMENTplanted0123456789abcdef"
# What the client sends:
KEY_IN_X_API_KEY = "PLANTEDxApiKEYvalue42"
JWT_BEARER = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJQTEFOVEVEIn0.PLANTEDbearerSIG_xyz"
KEY_IN_QUERY = {"api-key": "PLANTEDqueryDASH42", "api_key": "PLANTEDqueryUNDER42", "key": "PLANTEDqueryKEY42"}
KEY_IN_UPLOAD = "sk-proj-UPLOADplanted0123456789abcdef"

PLANTED = [
    KEY_IN_REASON,
    KEY_IN_BINARY,
    KEY_IN_ZSTD,
    KEY_IN_RESPONSE_HEADER,
    JWT_IN_RESPONSE_HEADER,
    STREAMED_KEY,
    STREAMED_ARGUMENT_KEY,
    KEY_IN_X_API_KEY,
    JWT_BEARER,
    *KEY_IN_QUERY.values(),
    KEY_IN_UPLOAD,
]

MESSAGE_TEXT = f"Your key is {STREAMED_KEY}, keep it safe."
ARGUMENTS = json.dumps({"api_key": STREAMED_ARGUMENT_KEY, "city": "Paris"})


def zstd_frame(data: bytes) -> bytes:
    """A valid zstd frame holding ``data`` in one raw (uncompressed) block; no zstd module needed."""
    if len(data) >= 256:
        raise ValueError("keep the planted body under 256 bytes")
    header = b"\x28\xb5\x2f\xfd" + bytes([0x20, len(data)])  # single segment, 1-byte content size
    return header + (1 | (len(data) << 3)).to_bytes(3, "little") + data


def split(text: str, *cuts: str) -> list[str]:
    """``text`` cut before each of ``cuts`` (and inside the secret, where the model's tokens fall)."""
    pieces: list[str] = []
    rest = text
    for cut in cuts:
        head, _, tail = rest.partition(cut)
        pieces.append(head)
        rest = cut + tail
    pieces.append(rest)
    return [piece for piece in pieces if piece]


def run_stream() -> list[tuple[str, dict[str, Any]]]:
    """A run that streams a message whose key arrives in pieces, then a tool call whose arguments do."""
    run = {
        "id": "run_s",
        "object": "thread.run",
        "created_at": 1,
        "thread_id": "thread_s",
        "assistant_id": "asst_s",
        "status": "queued",
    }
    message_step = {
        "id": "step_m",
        "object": "thread.run.step",
        "run_id": "run_s",
        "thread_id": "thread_s",
        "type": "message_creation",
        "status": "in_progress",
        "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_s"}},
    }
    message = {
        "id": "msg_s",
        "object": "thread.message",
        "thread_id": "thread_s",
        "run_id": "run_s",
        "role": "assistant",
        "status": "in_progress",
        "content": [],
    }
    call = {"id": "call_s", "type": "function", "function": {"name": "lookup", "arguments": ""}}
    tool_step = {
        **message_step,
        "id": "step_t",
        "type": "tool_calls",
        "step_details": {"type": "tool_calls", "tool_calls": [call]},
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("thread.run.created", run),
        ("thread.run.queued", run),
        ("thread.run.in_progress", {**run, "status": "in_progress"}),
        ("thread.run.step.created", message_step),
        ("thread.run.step.in_progress", message_step),
        ("thread.message.created", message),
        ("thread.message.in_progress", message),
    ]
    for piece in split(MESSAGE_TEXT, "sk-", "proj-", "STREAMED", "planted0123", "456789abcdef"):
        content = [{"index": 0, "type": "text", "text": {"value": piece}}]
        events.append(
            (
                "thread.message.delta",
                {"id": "msg_s", "object": "thread.message.delta", "delta": {"content": content}},
            )
        )
    full_text = [{"type": "text", "text": {"value": MESSAGE_TEXT, "annotations": []}}]
    events += [
        ("thread.message.completed", {**message, "status": "completed", "content": full_text}),
        ("thread.run.step.completed", {**message_step, "status": "completed"}),
        ("thread.run.step.created", tool_step),
        ("thread.run.step.in_progress", tool_step),
    ]
    for number, piece in enumerate(split(ARGUMENTS, "sk-", "proj-ARG", "UMENTplanted", "0123456789")):
        delta_call: dict[str, Any] = {"index": 0, "type": "function", "function": {"arguments": piece}}
        if number == 0:
            delta_call = {**delta_call, "id": "call_s", "function": {"name": "lookup", "arguments": piece}}
        events.append(
            (
                "thread.run.step.delta",
                {
                    "id": "step_t",
                    "object": "thread.run.step.delta",
                    "delta": {"step_details": {"type": "tool_calls", "tool_calls": [delta_call]}},
                },
            )
        )
    finished_call = {**call, "function": {"name": "lookup", "arguments": ARGUMENTS, "output": "ok"}}
    events += [
        (
            "thread.run.step.completed",
            {
                **tool_step,
                "status": "completed",
                "step_details": {"type": "tool_calls", "tool_calls": [finished_call]},
            },
        ),
        ("thread.run.completed", {**run, "status": "completed"}),
    ]
    return events


def sse_body() -> bytes:
    """:func:`run_stream` on the wire."""
    events = [f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in run_stream()]
    return ("".join(events) + "event: done\ndata: [DONE]\n\n").encode("utf-8")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up on a keep-alive connection are normal here."""


class SecretServer:
    """The planted-secret server; ``base_url`` ends with ``/v1``. ``uploads`` keeps the bodies received."""

    def __init__(self) -> None:
        self.uploads: list[bytes] = []
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> SecretServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def reply(
                self,
                body: bytes,
                *,
                content_type: str = "application/json",
                reason: str | None = None,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(200, reason)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path == "/v1/reason":
                    self.reply(b"{}", reason=f"OK {KEY_IN_REASON}")
                elif path == "/v1/binary":
                    body = b"\xff\xfe\x00binary " + KEY_IN_BINARY.encode() + b" \x80\x81"
                    self.reply(body, content_type="application/octet-stream")
                elif path == "/v1/zstd":
                    body = zstd_frame(json.dumps({"note": KEY_IN_ZSTD}).encode())
                    self.reply(body, headers={"Content-Encoding": "zstd"})
                elif path == "/v1/br-garbage":
                    self.reply(os.urandom(64) + KEY_IN_BINARY.encode(), headers={"Content-Encoding": "br"})
                elif path == "/v1/headers":
                    self.reply(
                        b"{}",
                        headers={"X-Api-Key": KEY_IN_RESPONSE_HEADER, "X-Session": JWT_IN_RESPONSE_HEADER},
                    )
                else:
                    self.reply(json.dumps({"path": self.path}).encode())

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/v1/threads/thread_s/runs"):
                    self.reply(sse_body(), content_type="text/event-stream")
                    return
                server.uploads.append(body)
                self.reply(json.dumps({"id": "file_s", "object": "file", "bytes": len(body)}).encode())

        return Handler
