"""Server-sent events: an incremental decoder that does not care where chunks break.

The decoder follows the WHATWG event-stream rules that matter for the Assistants API: lines end in
``\\n``, ``\\r\\n`` or ``\\r``; a blank line dispatches the event; ``data:`` lines of one event are joined
with ``\\n``; lines starting with ``:`` are comments; one space after the colon is dropped. A stream
that ends in the middle of an event is reported through :attr:`SSEDecoder.truncated`, never hidden.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


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
    """Turns bytes into :class:`SSEEvent` objects, whatever the chunk boundaries."""

    def __init__(self) -> None:
        self._buffer = ""
        self._pending_cr = False
        self._event: str | None = None
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None
        self._has_fields = False
        self._decoder_tail = b""
        self.truncated = False
        """True when :meth:`close` found an event (or a line) that never ended."""
        self.partial = ""
        """The undispatched text at :meth:`close`, for the report of a cut stream."""

    def feed(self, chunk: bytes | str) -> list[SSEEvent]:
        """Add a chunk and return the events it completed."""
        text = self._decode(chunk)
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]
        self._pending_cr = False
        self._buffer += text
        events: list[SSEEvent] = []
        while True:
            line, found = self._next_line()
            if not found:
                break
            event = self._process_line(line)
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[SSEEvent]:
        """End the stream. A dangling event is *not* dispatched: it sets :attr:`truncated` instead."""
        rest = self._buffer
        if self._decoder_tail:
            rest += self._decoder_tail.decode("utf-8", errors="replace")
            self._decoder_tail = b""
        if rest.strip() or self._has_fields:
            self.truncated = True
            pieces = [f"event: {self._event}"] if self._event is not None else []
            pieces += [f"data: {line}" for line in self._data]
            if rest:
                pieces.append(rest)
            self.partial = "\n".join(pieces)
        self._buffer = ""
        self._reset()
        return []

    def _decode(self, chunk: bytes | str) -> str:
        if isinstance(chunk, str):
            return chunk
        data = self._decoder_tail + chunk
        # Keep an incomplete UTF-8 sequence for the next chunk instead of mangling it.
        for cut in range(min(3, len(data)), 0, -1):
            lead = data[-cut]
            needed = 2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4 if lead >> 3 == 0b11110 else 0
            if needed > cut:
                self._decoder_tail = data[-cut:]
                return data[:-cut].decode("utf-8", errors="replace")
            if lead >> 6 != 0b10:
                break
        self._decoder_tail = b""
        return data.decode("utf-8", errors="replace")

    def _next_line(self) -> tuple[str, bool]:
        buffer = self._buffer
        for index, char in enumerate(buffer):
            if char == "\n" or char == "\r":
                line = buffer[:index]
                rest = buffer[index + 1 :]
                if char == "\r":
                    if rest.startswith("\n"):
                        rest = rest[1:]
                    elif not rest:
                        self._pending_cr = True
                self._buffer = rest
                return line, True
        return "", False

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
        elif name == "retry" and value.isdigit():
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
    index = 0
    size = len(body)
    line_start = 0
    while index < size:
        byte = body[index]
        if byte in (0x0A, 0x0D):
            end = index + 1
            if byte == 0x0D and end < size and body[end] == 0x0A:
                end += 1
            if index == line_start:
                yield body[start:end]
                start = end
            line_start = end
            index = end
            continue
        index += 1
    if start < size:
        yield body[start:]
