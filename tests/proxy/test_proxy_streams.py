"""Streams as streams: forwarded as they arrive while recording, one flushed chunk per event on replay."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import yaml

from harness.streams._sse import split_sse_events
from tests.proxy.conftest import ProxyFactory
from tests.stub_api import StubAPI, sse_events

STREAM_BODY = b'{"assistant_id": "a", "stream": true, "metadata": {"deltas": "4"}}'


@contextmanager
def gated_upstream(gate: threading.Event) -> Iterator[str]:
    """An upstream that sends the first event of a stream, then waits for ``gate`` before the rest."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for index, event in enumerate(sse_events(2)):
                if index == 1:
                    gate.wait(10)
                self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        gate.set()
        server.shutdown()
        server.server_close()


def test_recording_forwards_each_event_the_moment_it_arrives(
    start_proxy: ProxyFactory, tmp_path: Path
) -> None:
    gate = threading.Event()
    with gated_upstream(gate) as upstream, start_proxy(record_mode="rewrite", upstream=upstream) as proxy:
        url = proxy.base_url("gated") + "/threads/t/runs"
        with httpx.stream("POST", url, content=STREAM_BODY, timeout=20) as response:
            received = b""
            chunks = response.iter_raw()
            while b"\n\n" not in received:
                received += next(chunks)
            # The first event is here while the upstream still holds back the rest.
            assert not gate.is_set()
            assert received.startswith(b"event: thread.run.created")
            gate.set()
            received += b"".join(chunks)
        httpx.post(f"{proxy.url}/_harness/cassettes/gated/eject")
    assert received.endswith(b"data: [DONE]\n\n")
    stored = yaml.safe_load((tmp_path / "cassettes" / "gated.yaml").read_text())
    assert stored["interactions"][0]["response"]["body"]["string"].encode() == received


def _raw_chunks(port: int, path: str, body: bytes) -> list[bytes]:
    """POST over a plain socket and return the response's HTTP chunks, framing intact."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(
            b"POST %s HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (path.encode(), len(body), body)
        )
        data = b""
        while part := connection.recv(65536):
            data += part
    head, _, rest = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    chunks: list[bytes] = []
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            break
        chunks.append(rest[:size])
        rest = rest[size + 2 :]
    return chunks


def test_replay_writes_each_event_as_its_own_chunk(start_proxy: ProxyFactory) -> None:
    with StubAPI(event_pause=0) as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:
            recorded = httpx.post(proxy.base_url("events") + "/threads/t/runs", content=STREAM_BODY).content
        with start_proxy(record_mode="none", upstream=upstream.base_url) as proxy:
            chunks = _raw_chunks(proxy.port, "/cassettes/events/v1/threads/t/runs", STREAM_BODY)
    events = list(split_sse_events(recorded))
    assert len(events) == 8
    assert chunks == events


def test_pace_recorded_reproduces_the_gaps_between_events(start_proxy: ProxyFactory, tmp_path: Path) -> None:
    with StubAPI(event_pause=0.06) as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:
            httpx.post(proxy.base_url("paced") + "/threads/t/runs", content=STREAM_BODY, timeout=10)
        stored = yaml.safe_load((tmp_path / "cassettes" / "paced.yaml").read_text())
        offsets = stored["interactions"][0]["harness"]["event_offsets_ms"]
        assert len(offsets) == 8 and offsets == sorted(offsets)
        assert offsets[-1] - offsets[0] >= 6 * 60 * 0.9
        with start_proxy(record_mode="none", upstream=upstream.base_url, pace="recorded") as proxy:
            arrivals = []
            url = proxy.base_url("paced") + "/threads/t/runs"
            with httpx.stream("POST", url, content=STREAM_BODY, timeout=10) as response:
                for _ in response.iter_lines():
                    arrivals.append(time.perf_counter())
    assert arrivals[-1] - arrivals[0] >= (offsets[-1] - offsets[0]) / 1000 * 0.8
