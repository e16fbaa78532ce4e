"""Streams: SSE decoding, the grammar of a streamed run, and the collapsed view of a stream.

- :func:`check_stream` / :func:`assert_stream_valid` check a stream against the grammar (rule ids and
  explanations in :data:`RULES`, examples in ``docs/stream-grammar.md``).
- :func:`reconstruct` gives the "collapsed" view: objects, status transitions, streamed text and calls.
- :func:`iter_events` normalises any form of stream into ``(event name, parsed data)`` pairs.
- :class:`SSEDecoder`, :func:`decode_sse` and :func:`split_sse_events` read the wire format.

Names load on first use, so that replaying (which reads the wire format to serve a stream event by
event) does not import the grammar or the collapsed view until a check or a caller needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness._lazy import lazy_exports

if TYPE_CHECKING:
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

_LAZY = {
    "iter_events": "harness.streams._events",
    "assert_stream_valid": "harness.streams._grammar",
    "check_stream": "harness.streams._grammar",
    "RULES": "harness.streams._grammar_rules",
    "DecodedStream": "harness.streams._sse",
    "SSEDecoder": "harness.streams._sse",
    "SSEEvent": "harness.streams._sse",
    "decode_sse": "harness.streams._sse",
    "split_sse_events": "harness.streams._sse",
    "ObjectSummary": "harness.streams._summary",
    "StreamSummary": "harness.streams._summary",
    "ToolCallSummary": "harness.streams._summary",
    "reconstruct": "harness.streams._summary",
}

__getattr__ = lazy_exports(__name__, _LAZY)
