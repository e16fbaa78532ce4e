"""One shape for every way a stream can be handed over: ``(event name, parsed data)`` pairs.

A stream arrives as SSE text or bytes (a cassette body), as chunks of it, as a :class:`DecodedStream`,
as :class:`SSEEvent` objects, as dicts ``{"event": name, "data": dict-or-json-text}``, or as the
openai SDK's event objects (pydantic models with ``.event`` and ``.data``). The SDK is never imported:
its objects are recognised by their attributes.

The module also holds the vocabulary of event names: which kind of object an event is about and which
stage of that object's life it reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from harness._errors import HarnessError
from harness.streams._sse import DecodedStream, SSEEvent, decode_sse

ObjectKind = Literal["thread", "run", "step", "message"]

RUN_STAGES = frozenset(
    {
        "created",
        "queued",
        "in_progress",
        "requires_action",
        "cancelling",
        "completed",
        "incomplete",
        "failed",
        "cancelled",
        "expired",
    }
)
RUN_ENDS = frozenset({"requires_action", "completed", "incomplete", "failed", "cancelled", "expired"})
STEP_STAGES = frozenset({"created", "in_progress", "delta", "completed", "failed", "cancelled", "expired"})
STEP_ENDS = frozenset({"completed", "failed", "cancelled", "expired"})
MESSAGE_STAGES = frozenset({"created", "in_progress", "delta", "completed", "incomplete"})
MESSAGE_ENDS = frozenset({"completed", "incomplete"})

END_STAMPS = {
    "completed": "completed_at",
    "failed": "failed_at",
    "cancelled": "cancelled_at",
    "expired": "expired_at",
    "incomplete": "incomplete_at",
}
"""The timestamp field that dates each terminal stage."""


@dataclass(frozen=True, slots=True)
class NormalisedStream:
    """A stream in the one shape the grammar reads.

    Attributes:
        events: ``(name, data)`` pairs; ``data`` is a dict when the event carried a JSON object, else the
            raw text (``"[DONE]"``) or parsed JSON value.
        truncated: True when the decoder found the stream cut in the middle of an event.
        partial: The undispatched text of a cut stream.
        wire: True when the stream was read off the wire (SSE text, bytes or events), where a complete
            stream ends with ``done``; False for dicts and SDK objects, which usually leave it out.
    """

    events: list[tuple[str, object]]
    truncated: bool = False
    partial: str = ""
    wire: bool = False


def classify(name: str) -> tuple[ObjectKind, str] | None:
    """The object kind and the stage an event name reports, or ``None`` outside the vocabulary.

    ``thread.run.step.delta`` is ``("step", "delta")``; ``thread.run.created`` is ``("run", "created")``.
    """
    if name.startswith("thread.run.step."):
        stage = name[len("thread.run.step.") :]
        return ("step", stage) if stage in STEP_STAGES else None
    if name.startswith("thread.run."):
        stage = name[len("thread.run.") :]
        return ("run", stage) if stage in RUN_STAGES else None
    if name.startswith("thread.message."):
        stage = name[len("thread.message.") :]
        return ("message", stage) if stage in MESSAGE_STAGES else None
    if name == "thread.created":
        return ("thread", "created")
    return None


class RawText(str):
    """Event data that is not JSON, kept as the text it was (``done``'s ``[DONE]``, a cut JSON object).

    A ``str`` in every way; the type tells it apart from data that was the JSON string value.
    """

    __slots__ = ()


ACCEPTED_FORMS = (
    "SSE text or bytes, a list of SSE chunks, a DecodedStream, or a list of SSEEvent objects, "
    "{'event': name, 'data': dict-or-json-text} dicts, SDK stream events (with .event and .data) or "
    "(name, data) pairs"
)
"""Every form of a stream that :func:`normalise` reads, for error messages."""


def iter_events(events: object) -> list[tuple[str, object]]:
    """Normalise any form of stream into ``(event name, parsed data)`` pairs.

    Args:
        events: SSE text or bytes, an iterable of SSE chunks, a :class:`DecodedStream`, or a sequence of
            :class:`SSEEvent` objects, ``{"event": name, "data": ...}`` dicts, SDK event objects or
            ``(name, data)`` pairs (what this function returns).

    Returns:
        The events in order. JSON data is parsed (a dict for every well-formed Assistants event); data
        that is not JSON, like ``done``'s ``[DONE]``, stays text. An event without a name is called
        ``message``, as SSE does.

    Raises:
        HarnessError: ``events`` is none of the accepted forms.
    """
    return normalise(events).events


def normalise(events: object) -> NormalisedStream:
    """Like :func:`iter_events`, keeping whether the stream was cut and whether it came off the wire."""
    if isinstance(events, DecodedStream):
        return _from_decoded(events)
    if isinstance(events, bytes | bytearray | memoryview | str):
        raw = events if isinstance(events, str) else bytes(events)
        return _from_decoded(decode_sse(raw))
    if isinstance(events, Mapping) or not isinstance(events, Iterable):
        raise HarnessError(
            f"cannot read a stream from a {type(events).__qualname__}: expected {ACCEPTED_FORMS}. Pass the "
            "response body, or the events as a list."
        )
    items = list(events)
    if items and all(isinstance(item, bytes | bytearray | str) for item in items):
        # Chunks of one body, as a transport delivers them.
        return _from_decoded(decode_sse([item if isinstance(item, str) else bytes(item) for item in items]))
    pairs: list[tuple[str, object]] = []
    wire = bool(items)
    for position, item in enumerate(items):
        if isinstance(item, SSEEvent):
            pairs.append((item.event or "message", _parse(item.data)))
            continue
        wire = False
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            # What iter_events returns: the data is parsed already.
            pairs.append((item[0], item[1] if isinstance(item[1], str) else _data(item[1])))
            continue
        if isinstance(item, Mapping):
            name, data = item.get("event"), item.get("data")
        elif hasattr(item, "event") and hasattr(item, "data"):
            name, data = item.event, item.data
        else:
            raise HarnessError(
                f"stream item {position} is a {type(item).__qualname__}, not an event: expected "
                f"{ACCEPTED_FORMS}"
            )
        if not isinstance(name, str):
            raise HarnessError(
                f"stream item {position} has no event name (saw {name!r}): each event needs a string "
                "'event' such as 'thread.run.created'; expected {'event': name, 'data': ...}"
            )
        pairs.append((name, _data(data)))
    return NormalisedStream(events=pairs, wire=wire)


def _from_decoded(decoded: DecodedStream) -> NormalisedStream:
    pairs = [(event.event or "message", _parse(event.data)) for event in decoded.events]
    return NormalisedStream(events=pairs, truncated=decoded.truncated, partial=decoded.partial, wire=True)


def _data(value: object) -> object:
    if isinstance(value, str | bytes | bytearray):
        return _parse(value if isinstance(value, str) else bytes(value).decode("utf-8", errors="replace"))
    if isinstance(value, Mapping):
        return dict(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        try:
            dumped: Any = dump(mode="json", by_alias=True, exclude_unset=True)
        except TypeError:
            dumped = dump()
        return dumped
    return value


def _parse(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return RawText(text)
