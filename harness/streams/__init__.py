"""Streams: SSE decoding, the grammar of a streamed run, and the collapsed view of a stream.

- :func:`check_stream` / :func:`assert_stream_valid` check a stream against the grammar (rule ids and
  explanations in :data:`RULES`, examples in ``docs/stream-grammar.md``).
- :func:`reconstruct` gives the "collapsed" view: objects, status transitions, streamed text and calls.
- :func:`iter_events` normalises any form of stream into ``(event name, parsed data)`` pairs.
- :class:`SSEDecoder`, :func:`decode_sse` and :func:`split_sse_events` read the wire format.
"""

from __future__ import annotations

from harness.streams._events import iter_events
from harness.streams._grammar import assert_stream_valid, check_stream
from harness.streams._grammar_rules import RULES
from harness.streams._sse import DecodedStream, SSEDecoder, SSEEvent, decode_sse, split_sse_events
from harness.streams._summary import ObjectSummary, StreamSummary, ToolCallSummary, reconstruct

__all__ = [
    "RULES",
    "DecodedStream",
    "ObjectSummary",
    "SSEDecoder",
    "SSEEvent",
    "StreamSummary",
    "ToolCallSummary",
    "assert_stream_valid",
    "check_stream",
    "decode_sse",
    "iter_events",
    "reconstruct",
    "split_sse_events",
]
