"""Deliberately broken Assistants servers: the embedded server behind an ASGI middleware that breaks its
answers in one way, served by uvicorn on 127.0.0.1."""

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
    ``events``; with ``accept_invalid``, a 400 becomes a 200 carrying an object made from ``fallback``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        when: Callable[[str, str], bool],
        body: Callable[[Any, str], Any] | None = None,
        events: Callable[[Events], Events] | None = None,
        accept_invalid: bytes | None = None,
    ) -> None:
        self.app = app
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
