"""The SSE decoder: the same events whatever the chunk boundaries, line endings or comments."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.streams import SSEDecoder, SSEEvent, decode_sse, split_sse_events

FAST = settings(max_examples=60, deadline=None)

_field_text = st.text(
    alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)),
    max_size=12,
)
_newline = st.sampled_from(["\n", "\r\n", "\r"])


@dataclass(frozen=True)
class _Written:
    """One event as written, its bytes, where its first field starts and where its blank line starts."""

    event: SSEEvent
    raw: bytes
    fields_at: int
    blank_at: int


@st.composite
def _events(draw: st.DrawFn) -> _Written:
    name = draw(st.none() | _field_text)
    lines = draw(st.lists(_field_text, min_size=0 if name is not None else 1, max_size=3))
    event_id = draw(st.none() | _field_text.filter(lambda text: "\0" not in text))
    retry = draw(st.none() | st.integers(0, 10_000))
    parts: list[str] = []
    if draw(st.booleans()):
        parts.append(":" + draw(_field_text) + draw(_newline))
    fields_at = len("".join(parts).encode())
    if name is not None:
        parts.append(f"event: {name}" + draw(_newline))
    for line in lines:
        parts.append(f"data: {line}" + draw(_newline))
        if draw(st.booleans()):
            parts.append(": keep-alive" + draw(_newline))
    if event_id is not None:
        parts.append(f"id: {event_id}" + draw(_newline))
    if retry is not None:
        parts.append(f"retry: {retry}" + draw(_newline))
    body = "".join(parts)
    # After a lone "\r", a "\n" would finish that line ending instead of making a blank line.
    blank = draw(_newline) if not body.endswith("\r") else draw(st.sampled_from(["\r", "\r\n"]))
    raw_body = body.encode()
    return _Written(
        event=SSEEvent(event=name, data="\n".join(lines), id=event_id, retry=retry),
        raw=raw_body + blank.encode(),
        fields_at=fields_at,
        blank_at=len(raw_body),
    )


_streams = st.lists(_events(), max_size=6)


def _chunked(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({cut % (len(body) + 1) for cut in cuts})
    bounds = [0, *points, len(body)]
    return [body[start:end] for start, end in pairwise(bounds)]


@FAST
@given(written=_streams)
def test_decoding_gives_back_the_events_written(written: list[_Written]) -> None:
    decoded = decode_sse(b"".join(item.raw for item in written))
    assert list(decoded.events) == [item.event for item in written]
    assert not decoded.truncated
    assert decoded.partial == ""


@FAST
@given(written=_streams, cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_chunk_boundaries_do_not_matter(written: list[_Written], cuts: list[int]) -> None:
    body = b"".join(item.raw for item in written)
    decoder = SSEDecoder()
    events: list[SSEEvent] = []
    for chunk in _chunked(body, cuts):
        events.extend(decoder.feed(chunk))
    decoder.close()
    assert events == [item.event for item in written]
    assert not decoder.truncated


@FAST
@given(written=_streams, cuts=st.lists(st.integers(0, 10_000), max_size=12))
def test_text_chunks_decode_like_bytes(written: list[_Written], cuts: list[int]) -> None:
    text = b"".join(item.raw for item in written).decode()
    points = sorted({cut % (len(text) + 1) for cut in cuts})
    bounds = [0, *points, len(text)]
    chunks = [text[start:end] for start, end in pairwise(bounds)]
    assert list(decode_sse(chunks).events) == [item.event for item in written]


@FAST
@given(written=st.lists(_events(), min_size=1, max_size=5), data=st.data())
def test_a_stream_cut_inside_its_last_event_is_truncated(
    written: list[_Written], data: st.DataObject
) -> None:
    last = written[-1]
    # Anywhere from inside its first field to just before its blank line (a cut after a leading comment
    # loses nothing, and is rightly not a cut event).
    cut = data.draw(st.integers(last.fields_at + 1, last.blank_at), label="cut")
    body = b"".join(item.raw for item in written[:-1]) + last.raw[:cut]
    decoded = decode_sse(body)
    assert list(decoded.events) == [item.event for item in written[:-1]]
    assert decoded.truncated
    assert decoded.partial.strip() != ""


@FAST
@given(written=_streams)
def test_split_events_round_trips_and_gives_one_event_per_piece(written: list[_Written]) -> None:
    body = b"".join(item.raw for item in written)
    pieces = list(split_sse_events(body))
    assert b"".join(pieces) == body
    events: list[SSEEvent] = []
    for piece in pieces:
        decoded = decode_sse(piece)
        assert len(decoded.events) <= 1
        assert not decoded.truncated
        events.extend(decoded.events)
    assert events == [item.event for item in written]


@FAST
@given(
    body=st.binary(max_size=200)
    | st.lists(st.sampled_from([b"\n", b"\r", b"\r\n", b"data: x", b":c"])).map(b"".join)
)
def test_split_events_joins_back_to_any_bytes(body: bytes) -> None:
    pieces = list(split_sse_events(body))
    assert b"".join(pieces) == body
    assert all(pieces)


def test_multi_line_data_is_joined_with_newlines() -> None:
    decoded = decode_sse('event: thread.message.delta\ndata: {"a":\ndata:  1}\n\n')
    assert decoded.events == (SSEEvent(event="thread.message.delta", data='{"a":\n 1}'),)


def test_comments_and_unknown_fields_are_ignored() -> None:
    decoded = decode_sse(": ping\nfoo: bar\ndata: x\n: another\n\n")
    assert decoded.events == (SSEEvent(event=None, data="x"),)


def test_a_character_split_between_chunks_is_not_mangled() -> None:
    euro = "€".encode()
    decoder = SSEDecoder()
    assert decoder.feed(b"data: ab" + euro[:1]) == []
    assert decoder.feed(euro[1:] + b"\n\n") == [SSEEvent(event=None, data="ab€")]


def test_an_empty_chunk_between_cr_and_lf_does_not_end_the_event() -> None:
    decoder = SSEDecoder()
    events = decoder.feed("data: a\r") + decoder.feed("") + decoder.feed(b"") + decoder.feed("\ndata: b\n\n")
    assert events == [SSEEvent(event=None, data="a\nb")]


def test_a_leading_byte_order_mark_is_ignored() -> None:
    assert decode_sse("\ufeffevent: done\ndata: [DONE]\n\n").events == (
        SSEEvent(event="done", data="[DONE]"),
    )


def test_a_cut_stream_reports_its_partial_event() -> None:
    decoded = decode_sse('event: done\ndata: [DONE]\n\nevent: thread.run.created\ndata: {"id"')
    assert decoded.events == (SSEEvent(event="done", data="[DONE]"),)
    assert decoded.truncated
    assert decoded.partial == 'event: thread.run.created\ndata: {"id"'


def test_an_unfinished_character_at_the_end_is_a_cut() -> None:
    decoded = decode_sse(b"data: x\n\n" + "€".encode()[:2])
    assert decoded.events == (SSEEvent(event=None, data="x"),)
    assert decoded.truncated


def test_retry_takes_only_ascii_digits() -> None:
    decoded = decode_sse("retry: 1500\ndata: a\n\nretry: \u00b2\ndata: b\n\n")
    assert [(event.data, event.retry) for event in decoded.events] == [("a", 1500), ("b", None)]
