"""Reading cassettes: every real recording, and each format's quirks on small files written here."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from pathlib import Path

import pytest
import yaml
from verify_samples import THREAD, interaction, sse

from harness.verify import NotARecording, UnreadableRecording, decode_content, read_recording


def _real_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def test_every_real_recording_reads(real_cassettes: Path) -> None:
    formats: dict[str, int] = {}
    total = 0
    for path in _real_files(real_cassettes):
        recording = read_recording(path)
        assert recording.problems == [], path
        assert recording.interactions, f"{path} read as empty"
        for item in recording.interactions:
            assert item.method in {"GET", "POST", "DELETE"}, (path, item.index)
            assert item.uri.startswith("https://"), (path, item.index)
            assert 100 <= item.status < 600
            assert item.response_body, (path, item.index)
            assert item.response_body.lstrip()[:1] in (b"{", b"e"), (path, item.index)  # JSON or SSE
        formats[recording.format] = formats.get(recording.format, 0) + 1
        total += len(recording.interactions)
    assert formats == {"ruby-vcr-yaml": 108, "test-proxy-json": 29, "vcrpy-yaml": 8}
    assert 500 < total < 1000


def test_real_gzip_bodies_are_decompressed(real_cassettes: Path) -> None:
    compressed = [
        item
        for path in _real_files(real_cassettes / "traceloop__openllmetry")
        for item in read_recording(path).interactions
        if item.content_encoding == "gzip"
    ]
    assert compressed
    for item in compressed:
        assert isinstance(json.loads(item.response_body), dict)


def test_real_proxy_streams_are_joined_lines(real_cassettes: Path) -> None:
    streams = [
        item
        for path in _real_files(real_cassettes / "openai__openai-dotnet")
        for item in read_recording(path).interactions
        if item.content_type == "text/event-stream"
    ]
    assert len(streams) == 4
    for item in streams:
        assert item.response_body.startswith(b"event: ")
        assert b"\n\nevent: " in item.response_body


def test_vcrpy_yaml_with_gzip_binary_body(tmp_path: Path) -> None:
    compressed = gzip.compress(json.dumps(THREAD).encode())
    document = {
        "interactions": [
            interaction("POST", "/threads", "", request={}, response_headers={"Content-Encoding": ["gzip"]})
        ],
        "version": 1,
    }
    document["interactions"][0]["response"]["body"]["string"] = compressed
    path = tmp_path / "gzip.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    assert "!!binary" in path.read_text()

    (item,) = read_recording(path).interactions
    assert json.loads(item.response_body) == THREAD
    assert item.content_encoding == "gzip"
    assert item.request_body == b"{}"
    assert item.request_headers["OpenAI-Beta"] == ["assistants=v2"]


def test_vcrpy_json_and_legacy_httpx_content(tmp_path: Path) -> None:
    legacy = {
        "request": {"method": "GET", "uri": "https://api.openai.com/v1/threads/thread_sample1", "body": None},
        "response": {"status_code": 200, "headers": {"content-type": "application/json"}, "content": "{}"},
    }
    path = tmp_path / "cassette.json"
    path.write_text(json.dumps({"interactions": [legacy], "version": 1}), encoding="utf-8")

    recording = read_recording(path)
    assert recording.format == "vcrpy-json"
    (item,) = recording.interactions
    assert (item.status, item.response_body, item.request_body) == (200, b"{}", None)
    assert item.response_headers == {"content-type": ["application/json"]}
    assert item.path == "/threads/thread_sample1"


def test_harness_notes_give_duration(tmp_path: Path) -> None:
    item = interaction("GET", "/threads/thread_sample1", THREAD)
    item["harness"] = {"duration_ms": 12.5}
    path = tmp_path / "timed.yaml"
    path.write_text(yaml.safe_dump({"interactions": [item], "version": 1}), encoding="utf-8")
    assert read_recording(path).interactions[0].duration_ms == 12.5


RUBY = """\
---
http_interactions:
- request:
    method: post
    uri: https://api.openai.com/v1/threads
    body:
      encoding: UTF-8
      string: '{}'
    headers: !ruby/object:Faraday::Utils::Headers
      Content-Type:
      - application/json
  response:
    status:
      code: 200
      message: OK
    headers:
      Content-Type:
      - application/json
    body:
      encoding: ASCII-8BIT
      string: !binary |-
        {binary}
  recorded_at: Tue, 14 Nov 2023 21:49:29 GMT
- request:
    method: get
    uri: https://api.openai.com/v1/threads/thread_sample1
    body:
      encoding: US-ASCII
      string: ''
    headers: {}
  response:
    status:
      code: 200
      message: OK
    headers:
      Content-Type: application/json
    body:
      encoding: UTF-8
      base64_string: |
        {base64}
  recorded_at: 2023-11-14 21:49:30 Z
recorded_with: VCR 6.1.0
"""


def test_ruby_vcr_tags_binary_and_base64(tmp_path: Path) -> None:
    encoded = base64.b64encode(json.dumps(THREAD).encode()).decode()
    path = tmp_path / "ruby.yml"
    path.write_text(RUBY.replace("{binary}", encoded).replace("{base64}", encoded), encoding="utf-8")

    recording = read_recording(path)
    assert recording.format == "ruby-vcr-yaml"
    first, second = recording.interactions
    assert first.method == "POST"
    assert first.request_headers == {"Content-Type": ["application/json"]}
    assert json.loads(first.response_body) == THREAD
    assert first.recorded_at == "Tue, 14 Nov 2023 21:49:29 GMT"
    assert second.request_body is None
    assert second.response_headers == {"Content-Type": ["application/json"]}
    assert json.loads(second.response_body) == THREAD
    assert second.recorded_at == "2023-11-14 21:49:30 Z"


def test_test_proxy_json_bodies(tmp_path: Path) -> None:
    stream = sse(("thread.created", THREAD), ("done", "[DONE]"))
    lines = stream.splitlines(keepends=True)
    entries = [
        {
            "RequestUri": "https://api.openai.com/v1/threads/runs",
            "RequestMethod": "POST",
            "RequestHeaders": {"Content-Type": "application/json"},
            "RequestBody": {"assistant_id": "asst_sample1", "stream": True},
            "StatusCode": 200,
            "ResponseHeaders": {
                "Content-Type": "text/event-stream; charset=utf-8",
                "Set-Cookie": ["a=1", "b=2"],
            },
            "ResponseBody": lines,
        },
        {
            "RequestUri": "https://api.openai.com/v1/files",
            "RequestMethod": "POST",
            "RequestHeaders": {"Content-Type": "application/octet-stream"},
            "RequestBody": base64.b64encode(b"\x00\x01raw").decode(),
            "StatusCode": 200,
            "ResponseHeaders": {"Content-Type": "application/json"},
            "ResponseBody": None,
        },
    ]
    path = tmp_path / "Proxy.json"
    path.write_text(json.dumps({"Entries": entries, "Variables": {}}), encoding="utf-8")

    recording = read_recording(path)
    assert recording.format == "test-proxy-json"
    streamed, upload = recording.interactions
    assert streamed.response_body.decode() == stream
    assert json.loads(streamed.request_body or b"") == {"assistant_id": "asst_sample1", "stream": True}
    assert streamed.response_headers["Set-Cookie"] == ["a=1", "b=2"]
    assert streamed.content_type == "text/event-stream"
    assert upload.request_body == b"\x00\x01raw"
    assert upload.response_body == b""


def test_corrupt_yaml_is_unreadable_with_the_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("interactions:\n- request: {method: GET\n  uri: [\n", encoding="utf-8")
    with pytest.raises(UnreadableRecording, match=r"broken\.yaml is not valid YAML: .*line \d+"):
        read_recording(path)


def test_unsafe_yaml_tag_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "unsafe.yaml"
    path.write_text("interactions: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    refused = r"unsafe\.yaml is refused: line 1: the tag !!python/object/apply:os.system is refused"
    with pytest.raises(UnreadableRecording, match=refused):
        read_recording(path)


def test_malformed_interaction_names_its_index(tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump({"interactions": [{"request": {"method": "GET"}}]}), encoding="utf-8")
    with pytest.raises(UnreadableRecording, match="interaction 0 is malformed"):
        read_recording(path)


def test_other_yaml_is_not_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("name: something\n", encoding="utf-8")
    with pytest.raises(NotARecording, match="expected a mapping with `interactions`"):
        read_recording(path)


def test_body_that_claims_gzip_but_is_not_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    item = interaction("GET", "/threads/thread_sample1", "", response_headers={"Content-Encoding": ["gzip"]})
    item["response"]["body"]["string"] = b"\x1f\x8bnot gzip at all"
    path = tmp_path / "badgzip.yaml"
    path.write_text(yaml.safe_dump({"interactions": [item], "version": 1}), encoding="utf-8")

    recording = read_recording(path)
    (problem,) = recording.problems
    assert (problem.kind, problem.severity, problem.interaction) == ("unreadable", "violation", 0)
    assert "gzip" in problem.message


def test_decode_content() -> None:
    data = b'{"a": 1}'
    assert decode_content(gzip.compress(data), "gzip") == data
    assert decode_content(data, "gzip") == data  # already decoded by the client
    assert decode_content(zlib.compress(data), "deflate") == data
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    assert decode_content(raw.compress(data) + raw.flush(), "deflate") == data
    assert decode_content(data, "identity") == data
    with pytest.raises(ValueError, match="unknown Content-Encoding 'compress'"):
        decode_content(b"x", "compress")
