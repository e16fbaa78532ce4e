"""A small scripted HTTP server on 127.0.0.1 for recorder tests.

It answers like the Assistants API where the recorder cares: JSON bodies (optionally gzip-encoded),
event streams sent one event at a time with a pause between them, runs that advance one status per poll,
and the secret-bearing headers the real API sends (Set-Cookie, openai-organization, openai-project).
It is deliberately not the embedded server: these tests exercise the recorder, not the API's behaviour.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

RUN_STATUSES = ("queued", "in_progress", "in_progress", "completed")


def sse_events(count: int, *, text: str = "Hello there") -> list[bytes]:
    """A legal-looking run stream of ``count`` message deltas, as separate SSE events."""
    run = {"id": "run_stub", "object": "thread.run", "thread_id": "thread_stub", "status": "queued"}
    events: list[tuple[str, Any]] = [("thread.run.created", run), ("thread.run.queued", run)]
    pieces = [text[i :: max(count, 1)] for i in range(max(count, 1))]
    for index in range(count):
        delta = {
            "id": "msg_stub",
            "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "text", "text": {"value": pieces[index]}}]},
        }
        events.append(("thread.message.delta", delta))
    events.append(("thread.run.completed", {**run, "status": "completed"}))
    out = [f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events]
    out.append(b"event: done\ndata: [DONE]\n\n")
    return out


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up on a keep-alive connection are normal here, not worth a traceback."""


class StubAPI:
    """The server; ``base_url`` ends with ``/v1``. ``requests`` lists (method, path, headers, body)."""

    def __init__(self, *, event_pause: float = 0.05) -> None:
        self.event_pause = event_pause
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.polls: dict[str, int] = {}
        self.streams_started = 0
        self.streams_finished = 0
        self._server = _QuietServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> StubAPI:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def _body(self) -> bytes:
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length) if length else b""

            def _json(self, status: int, payload: Any, *, compress: bool = False) -> None:
                body = json.dumps(payload, indent=2).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("openai-organization", "org-STUBORGANIZATIONID1234")
                self.send_header("openai-project", "proj_STUBPROJECTIDENTIFIER99")
                self.send_header("set-cookie", "__cf_bm=stubcookievalue; path=/; HttpOnly")
                self.send_header("openai-poll-after-ms", "1000")
                if compress and "gzip" in (self.headers.get("accept-encoding") or ""):
                    body = gzip.compress(body)
                    self.send_header("content-encoding", "gzip")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _stream(self, count: int) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                stub.streams_started += 1
                try:
                    for index, event in enumerate(sse_events(count)):
                        if index:
                            time.sleep(stub.event_pause)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                    stub.streams_finished += 1
                except (BrokenPipeError, ConnectionResetError):
                    return

            def _record(self, body: bytes) -> None:
                stub.requests.append((self.command, self.path, dict(self.headers.items()), body))

            def do_GET(self) -> None:
                self._record(b"")
                path = self.path.split("?")[0]
                if "/runs/" in path:
                    count = stub.polls.get(path, 0)
                    stub.polls[path] = count + 1
                    status = RUN_STATUSES[min(count, len(RUN_STATUSES) - 1)]
                    self._json(200, {"id": path.rsplit("/", 1)[-1], "object": "thread.run", "status": status})
                elif path.startswith("/v1/assistants/"):
                    asst = path.rsplit("/", 1)[-1]
                    self._json(200, {"id": asst, "object": "assistant", "name": "Stub"}, compress=True)
                else:
                    self._json(
                        404,
                        {
                            "error": {
                                "message": f"no route {path}",
                                "type": "invalid_request_error",
                                "param": None,
                                "code": None,
                            }
                        },
                    )

            def do_POST(self) -> None:
                body = self._body()
                self._record(body)
                payload = json.loads(body) if body.startswith(b"{") else {}
                if payload.get("stream"):
                    self._stream(int(payload.get("metadata", {}).get("deltas", 3)))
                elif self.path.endswith("/runs"):
                    self._json(
                        200,
                        {
                            "id": "run_stub",
                            "object": "thread.run",
                            "status": "queued",
                            "thread_id": self.path.split("/")[3],
                        },
                    )
                else:
                    self._json(200, {"id": "obj_stub", "object": "echo", "received": payload})

        return Handler
