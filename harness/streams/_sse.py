"""Server-sent events: an incremental decoder that does not care where chunks break.

The decoder follows the WHATWG event-stream rules that matter for the Assistants API: lines end in
``\\n``, ``\\r\\n`` or ``\\r``; a blank line dispatches the event; ``data:`` lines of one event are joined
with ``\\n``; lines starting with ``:`` are comments; one space after the colon is dropped; a leading
byte-order mark is ignored. A stream that ends in the middle of an event is reported through
:attr:`SSEDecoder.truncated`, never hidden.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event.

    Attributes:
        event: The ``event:`` field, or ``None`` when the event had none.
        data: The ``data:`` lines joined with ``\\n``.
        id: The ``id:`` field, if any.
        retry: The ``retry:`` field as milliseconds, if any.
    """

    event: str | None
    data: str
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Turns bytes into :class:`SSEEvent` objects, whatever the chunk boundaries.

    Work is linear in the size of the stream: each chunk is scanned once, and an unfinished line is kept
    as a list of pieces until its end arrives. Bytes are decoded as UTF-8 incrementally, so a character
    split between two chunks is not mangled.
    """

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._pending_cr = False
        self._started = False
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self._has_fields = False
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.truncated = False
        """True when :meth:`close` found an event (or a line) that never ended."""
        self.partial = ""
        """The undispatched text at :meth:`close`, for the report of a cut stream."""

    def feed(self, chunk: bytes | str) -> list[SSEEvent]:
        """Add a chunk and return the events it completed."""
        text = self._decode(chunk)
        if not text:
            return []
        if not self._started:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        if self._pending_cr:
            self._pending_cr = False
            if text.startswith("\n"):
                text = text[1:]
        events: list[SSEEvent] = []
        position = 0
        for match in _LINE_END.finditer(text):
            line = text[position : match.start()]
            if self._pending:
                self._pending.append(line)
                line = "".join(self._pending)
                self._pending.clear()
            position = match.end()
            event = self._process_line(line)
            if event is not None:
                events.append(event)
        if position < len(text):
            self._pending.append(text[position:])
        # A "\r" that ends the chunk may be the first half of a "\r\n" split across chunks.
        self._pending_cr = text.endswith("\r")
        return events

    def close(self) -> list[SSEEvent]:
        """End the stream. A dangling event is *not* dispatched: it sets :attr:`truncated` instead."""
        rest = "".join(self._pending) + self._utf8.decode(b"", final=True)
        self._utf8.reset()
        if rest.strip() or self._has_fields:
            self.truncated = True
            pieces = [f"event: {self._event}"] if self._event is not None else []
            pieces += [f"data: {line}" for line in self._data]
            if rest:
                pieces.append(rest)
            self.partial = "\n".join(pieces)
        self._pending.clear()
        self._reset()
        return []

    def _decode(self, chunk: bytes | str) -> str:
        if isinstance(chunk, str):
            # Bytes held back for an unfinished character cannot continue in text: flush them first.
            held = self._utf8.decode(b"", final=True)
            self._utf8.reset()
            return held + chunk
        return self._utf8.decode(bytes(chunk))

    def _process_line(self, line: str) -> SSEEvent | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        self._has_fields = True
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> SSEEvent | None:
        if not self._has_fields:
            return None
        event = SSEEvent(event=self._event, data="\n".join(self._data), id=self._id, retry=self._retry)
        self._reset()
        return event

    def _reset(self) -> None:
        self._event = None
        self._data = []
        self._id = None
        self._retry = None
        self._has_fields = False


@dataclass(frozen=True, slots=True)
class DecodedStream:
    """A whole stream decoded: its events, and whether (and where) it was cut."""

    events: tuple[SSEEvent, ...]
    truncated: bool
    partial: str = ""


def decode_sse(body: bytes | str | Iterable[bytes | str]) -> DecodedStream:
    """Decode a complete SSE body (or an iterable of its chunks)."""
    decoder = SSEDecoder()
    chunks: Iterable[bytes | str] = [body] if isinstance(body, bytes | str) else body
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    decoder.close()
    return DecodedStream(events=tuple(events), truncated=decoder.truncated, partial=decoder.partial)


def split_sse_events(body: bytes) -> Iterator[bytes]:
    """Yield the raw bytes of each event of ``body``, blank-line terminator included.

    Joining the pieces gives ``body`` back exactly. Replay uses this to deliver one chunk per event;
    anything after the last blank line (a cut stream) comes last, as it was.
    """
    start = 0
    line_start = 0
    for match in _LINE_END_BYTES.finditer(body):
        if match.start() == line_start:
            # A line terminator right after another one (or at the very start) is a blank line.
            yield body[start : match.end()]
            start = match.end()
        line_start = match.end()
    if start < len(body):
        yield body[start:]
