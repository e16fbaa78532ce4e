"""The cassette file: readable, and still a cassette that plain vcrpy loads and replays."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import vcr
import yaml

from harness.recording import Recorder, RecorderConfig
from harness.recording._matching import request_key
from tests.stub_api import StubAPI, sse_events


def recorded_stream_cassette(tmp_path: Path) -> Path:
    path = tmp_path / "stream.yaml"
    with (
        StubAPI(event_pause=0.0) as stub,
        Recorder(RecorderConfig(path=path, record_mode="once")) as recorder,
    ):
        httpx.post(stub.base_url + "/threads/t/runs", json={"stream": True}).read()
        httpx.get(stub.base_url + "/assistants/asst_1", headers={"accept-encoding": "gzip"})
    recorder.save()
    return path


def test_streamed_body_is_a_literal_block_with_one_sse_line_per_line(tmp_path: Path) -> None:
    text = recorded_stream_cassette(tmp_path).read_text()
    assert "string: |" in text
    assert "\n        event: thread.run.created\n        data: {" in text
    assert "\\n" not in text.split("harness:")[0].split("string:")[1]


def test_plain_vcrpy_loads_and_replays_the_cassette(tmp_path: Path) -> None:
    path = recorded_stream_cassette(tmp_path)
    with vcr.use_cassette(str(path), record_mode="none", match_on=["method", "path"]):
        streamed = httpx.post("http://replayed.invalid/v1/threads/t/runs", json={"stream": True})
        fetched = httpx.get("http://replayed.invalid/v1/assistants/asst_1")
    assert streamed.content == b"".join(sse_events(3))
    assert fetched.json()["name"] == "Stub"


def test_file_round_trips_through_load_and_save(tmp_path: Path) -> None:
    path = recorded_stream_cassette(tmp_path)
    first = path.read_text()
    with Recorder(RecorderConfig(path=path, record_mode="all")) as recorder:
        assert recorder.cassette is not None
        recorder.cassette.save()
    assert path.read_text() == first
    assert yaml.safe_load(first)["version"] == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ('{"a": 1, "b": [1, 2]}', '{"b":[1,2],"a":1}'),
        ('{"a": {"x": "é"}}', '{\n  "a": {"x": "\\u00e9"}\n}'),
    ],
)
def test_json_bodies_match_whatever_their_key_order_and_spacing(left: str, right: str) -> None:
    one = request_key({"method": "post", "uri": "https://api.openai.com/v1/x?b=2&a=1", "body": left})
    two = request_key({"method": "POST", "uri": "http://127.0.0.1:8000/v1/x?a=1&b=2", "body": right})
    assert one == two


def test_different_path_query_or_body_do_not_match() -> None:
    base = {"method": "POST", "uri": "http://h/v1/x?a=1", "body": '{"a": 1}'}
    assert request_key(base) != request_key({**base, "uri": "http://h/v1/y?a=1"})
    assert request_key(base) != request_key({**base, "uri": "http://h/v1/x?a=2"})
    assert request_key(base) != request_key({**base, "body": '{"a": 2}'})


def test_multipart_uploads_match_by_field_names_and_content_not_boundary() -> None:
    def upload(boundary: str, content: bytes) -> dict[str, object]:
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
                f"Content-Type: text/plain\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": [f"multipart/form-data; boundary={boundary}"]}
        return {"method": "POST", "uri": "http://h/v1/files", "body": body, "headers": headers}

    assert request_key(upload("aaa111", b"hello")) == request_key(upload("bbb222", b"hello"))
    assert request_key(upload("aaa111", b"hello")) != request_key(upload("aaa111", b"other"))
