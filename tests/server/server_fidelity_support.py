"""Shape comparison between real recordings and the embedded server's traffic.

A *unit* is ``(context, object type, JSON path)``: context ``rest`` for JSON responses, ``stream`` for SSE
events; the object type is the nearest ``object`` field; the path is relative to that object. The keys
seen at a unit are compared between a real recording and the server; stream event names are compared
with consecutive repeats collapsed (delta counts differ).
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import yaml

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real-cassettes"

#: Object types the server serves; other types in recordings (chat completions …) are not compared.
SERVED = {
    "assistant",
    "assistant.deleted",
    "thread",
    "thread.deleted",
    "thread.message",
    "thread.message.deleted",
    "thread.message.delta",
    "thread.run",
    "thread.run.step",
    "thread.run.step.delta",
    "list",
    "file",
    "vector_store",
    "vector_store.deleted",
    "vector_store.file",
    "vector_store.file.deleted",
    "vector_store.file_batch",
}
#: Paths below these keys echo user data (metadata, JSON schemas), so their keys are not compared.
_ECHOED = ("metadata", "parameters", "attributes", "json_schema")

Units = dict[tuple[str, str, str], set[str]]


def _decode(body: Any) -> str:
    if isinstance(body, dict):
        body = body.get("string", "")
    if isinstance(body, bytes):
        with contextlib.suppress(OSError):
            body = gzip.decompress(body)
        return body.decode("utf-8", errors="replace")
    return "" if body is None else str(body)


def real_bodies(path: Path) -> list[tuple[str, str]]:
    """``(content kind, text)`` of every response body of a vcrpy or .NET test-proxy recording."""
    bodies: list[tuple[str, str]] = []
    if path.suffix == ".json":
        for entry in json.loads(path.read_text())["Entries"]:
            body = entry["ResponseBody"]
            text = "".join(body) if isinstance(body, list) else json.dumps(body) if body is not None else ""
            bodies.append(("stream" if text.startswith("event:") else "rest", text))
    else:
        data = yaml.load(path.read_text(), Loader=yaml.Loader)
        for interaction in data["interactions"]:
            text = _decode(interaction["response"]["body"])
            bodies.append(("stream" if text.startswith("event:") else "rest", text))
    return bodies


def events(text: str) -> Iterator[tuple[str, Any]]:
    """``(event name, parsed data)`` of an SSE body."""
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "", ""
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
        if name:
            yield name, (json.loads(data) if data and data != "[DONE]" else data)


def _walk(value: Any, context: str, kind: str, path: str, units: Units) -> None:
    if isinstance(value, dict):
        if isinstance(value.get("object"), str):
            kind, path = value["object"], ""
        if kind in SERVED and not any(part in _ECHOED for part in path.replace("[]", "").split(".")):
            units[(context, kind, path or "<root>")].update(value)
        for key, item in value.items():
            _walk(item, context, kind, f"{path}.{key}", units)
    elif isinstance(value, list):
        for item in value:
            _walk(item, context, kind, f"{path}[]", units)


def shape(bodies: Iterable[tuple[str, str]]) -> tuple[Units, list[list[str]]]:
    """The units and collapsed event-name sequences of a set of bodies."""
    units: Units = defaultdict(set)
    streams: list[list[str]] = []
    for kind, text in bodies:
        if kind == "stream":
            names: list[str] = []
            for name, data in events(text):
                if not names or names[-1] != name:
                    names.append(name)
                if isinstance(data, dict):
                    _walk(data, "stream", "?", "", units)
            streams.append(names)
        elif text.strip().startswith("{"):
            _walk(json.loads(text), "rest", "?", "", units)
    return units, streams


class Tap(httpx2.HTTPTransport):
    """An HTTP transport that keeps a copy of every response body, streamed ones included."""

    def __init__(self) -> None:
        super().__init__()
        self.bodies: list[tuple[str, str]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = super().handle_request(request)
        inner = response.stream
        chunks: list[bytes] = []
        bodies = self.bodies
        streamed = response.headers.get("content-type", "").startswith("text/event-stream")

        class Recording(httpx2.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                for chunk in inner:  # type: ignore[union-attr]
                    chunks.append(chunk)
                    yield chunk

            def close(self) -> None:
                inner.close()  # type: ignore[union-attr]
                bodies.append(("stream" if streamed else "rest", b"".join(chunks).decode()))

        response.stream = Recording()
        return response
