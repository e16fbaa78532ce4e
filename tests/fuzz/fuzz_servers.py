"""Deliberately broken Assistants servers: the embedded server behind an ASGI middleware that breaks its
answers in one way, served by uvicorn on 127.0.0.1.

:data:`MUTATIONS` names one broken server per class of server bug the fuzzer must find (a field dropped,
a wrong type, a wrong enum value, a lying ``has_more``, stream events out of order, invalid values
accepted); ``bench/bench_fuzz.py`` uses them too."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.server import create_app

Events = list[tuple[str, str]]


class Breaking:
    """Answers of the requests ``when`` selects are changed: JSON bodies by ``body``, event streams by
    ``events``; with ``accept_invalid``, a 400 becomes a 200 carrying an object made from ``fallback``;
    ``request`` rewrites the request body before the server sees it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        when: Callable[[str, str], bool],
        body: Callable[[Any, str], Any] | None = None,
        events: Callable[[Events], Events] | None = None,
        accept_invalid: bytes | None = None,
        request: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.app = app
        self.rewrite = request
        self.when = when
        self.body = body
        self.events = events
        self.fallback = accept_invalid

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.when(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        request = b""
        more = True
        while more:
            message = await receive()
            request += message.get("body", b"")
            more = message.get("more_body", False)
        if self.rewrite is not None:
            request = self.rewrite(request)
        start, content = await self._call(scope, request)
        if start["status"] == 400 and self.fallback is not None:
            start, content = await self._call(scope, self.fallback)
        kind = dict(start.get("headers", [])).get(b"content-type", b"")
        if b"text/event-stream" in kind and self.events is not None:
            content = _encode(self.events(_decode(content)))
        elif b"json" in kind and self.body is not None and 200 <= start["status"] < 300:
            query = scope.get("query_string", b"").decode()
            content = json.dumps(self.body(json.loads(content), query)).encode()
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(content)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": content, "more_body": False})

    async def _call(self, scope: Scope, request: bytes) -> tuple[Message, bytes]:
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": request, "more_body": False}

        start: Message = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            else:
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        return start, b"".join(chunks)


def _decode(content: bytes) -> Events:
    events = []
    for block in content.decode().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            events.append((lines["event"], lines.get("data", "")))
    return events


def _encode(events: Events) -> bytes:
    return "".join(f"event: {name}\ndata: {data}\n\n" for name, data in events).encode()


def broken_app(**breaking: Any) -> ASGIApp:
    """The embedded server (seed 0) behind a :class:`Breaking` middleware."""
    return Breaking(create_app(seed=0), **breaking)


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1; yields the API root (``…/v1``)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.005)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- one server per class of bug ----------------------------------------------------------------------


def _is_assistant(method: str, path: str) -> bool:
    return path.startswith("/v1/assistants")


def _is_run(method: str, path: str) -> bool:
    return "/runs" in path


def _drop_created_at(body: Any, query: str) -> Any:
    if isinstance(body, dict):
        body.pop("created_at", None)
    return body


def _created_at_as_text(body: Any, query: str) -> Any:
    return {**body, "created_at": "yesterday"} if body.get("object") == "assistant" else body


def _status_done(body: Any, query: str) -> Any:
    """A run's ``completed`` status spelled ``done`` (in lists too)."""
    if body.get("object") == "list":
        return {**body, "data": [_status_done(item, query) for item in body.get("data", [])]}
    if body.get("object") == "thread.run" and body.get("status") == "completed":
        return {**body, "status": "done"}
    return body


def _stream_status_done(events: Events) -> Events:
    changed = []
    for name, data in events:
        if name == "thread.run.completed":
            data = json.dumps({**json.loads(data), "status": "done"})
        changed.append((name, data))
    return changed


def _has_more_always(body: Any, query: str) -> Any:
    return {**body, "has_more": True} if body.get("object") == "list" else body


def _message_before_run(events: Events) -> Events:
    """``thread.message.created`` moved before ``thread.run.in_progress``."""
    names = [name for name, _ in events]
    if "thread.message.created" not in names or "thread.run.in_progress" not in names:
        return events
    message = events.pop(names.index("thread.message.created"))
    events.insert(names.index("thread.run.in_progress"), message)
    return events


def _long_names_cut(request: bytes) -> bytes:
    """A name over the documented 256 characters is cut to 256 instead of refused."""
    try:
        body = json.loads(request)
    except ValueError:
        return request
    if isinstance(body, dict) and isinstance(body.get("name"), str) and len(body["name"]) > 256:
        body["name"] = body["name"][:256]
        return json.dumps(body).encode()
    return request


MUTATIONS: dict[str, dict[str, Any]] = {
    "field dropped": {"when": _is_assistant, "body": _drop_created_at},
    "wrong type": {"when": _is_assistant, "body": _created_at_as_text},
    "run status enum": {"when": _is_run, "body": _status_done, "events": _stream_status_done},
    "lying has_more": {"when": _is_assistant, "body": _has_more_always},
    "events out of order": {"when": _is_run, "events": _message_before_run},
    "invalid accepted": {
        "when": lambda method, path: method == "POST" and path == "/v1/assistants",
        "request": _long_names_cut,
    },
}
"""Keyword arguments of :func:`broken_app` for each broken server."""

FOUND_AS: dict[str, dict[str, Any]] = {
    "field dropped": {"kind": "missing", "path": "created_at"},
    "wrong type": {"kind": "type", "path": "created_at"},
    "run status enum": {"kind": "enum", "path": "status"},
    "lying has_more": {"rule": "list.has-more"},
    "events out of order": {"kind": "grammar"},
    "invalid accepted": {"rule": "request.invalid-rejected", "path": "name"},
}
"""What the finding of each broken server looks like (attributes of :class:`harness.Finding`)."""
