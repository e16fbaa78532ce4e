"""Server-sent event responses: one flushed chunk per event, with optional cut and delay faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from harness.server._faults import FaultConfig
from harness.server._state import Obj


def encode_event(name: str, data: Obj | str) -> bytes:
    """One SSE event: ``event: NAME`` and a compact JSON ``data:`` line, then a blank line."""
    text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    return f"event: {name}\ndata: {text}\n\n".encode()


class EventStream(Response):
    """An ASGI response that sends each event as it is produced and ends with ``event: done``.

    Args:
        events: The events; produced lazily, so the run advances as the stream is read.
        fault: A stream fault: ``cut_after`` drops the connection after that many events, ``slow_ms``
            waits before each event.
    """

    media_type = "text/event-stream; charset=utf-8"

    def __init__(self, events: Iterable[tuple[str, Obj]], *, fault: FaultConfig | None = None) -> None:
        super().__init__(status_code=200, media_type=self.media_type)
        self.events = events
        self.fault = fault or FaultConfig()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", self.media_type.encode()), (b"cache-control", b"no-cache")],
            }
        )
        for sent, chunk in enumerate(self._chunks()):
            if self.fault.cut_after is not None and sent >= self.fault.cut_after:
                return
            if self.fault.slow_ms:
                await asyncio.sleep(self.fault.slow_ms / 1000)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _chunks(self) -> Iterable[bytes]:
        for name, data in self.events:
            yield encode_event(name, data)
        yield encode_event("done", "[DONE]")
