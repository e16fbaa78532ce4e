"""Cassettes written by R's vcr (1.x, with webmockr), read by ``harness verify`` and ``harness show``.

The cassettes are written here by hand in the layout R's ``yaml::as.yaml`` gives vcr's interactions: a
status of ``{status_code, category, reason, message}`` (httr) or ``{status_code, message, explanation}``
(crul), header values as plain strings, bodies as ``{encoding, file, string}``, bodies stored decompressed
while ``content-encoding: gzip`` stays, and ``recorded_with`` on every interaction.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from pathlib import Path

import pytest
from verify_samples import ASSISTANT, THREAD

from harness.cli import main
from harness.verify import UnreadableRecording, read_recording, verify

RUN = {
    "id": "run_sample1",
    "object": "thread.run",
    "created_at": 1700000001,
    "thread_id": "thread_sample1",
    "assistant_id": "asst_sample1",
    "status": "queued",
    "required_action": None,
    "last_error": None,
    "expires_at": 1700000601,
    "started_at": None,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": None,
    "incomplete_details": None,
    "model": "gpt-4o",
    "instructions": "Answer briefly.",
    "tools": [],
    "metadata": {},
    "usage": None,
    "temperature": 1.0,
    "top_p": 1.0,
    "max_prompt_tokens": None,
    "max_completion_tokens": None,
    "truncation_strategy": {"type": "auto", "last_messages": None},
    "response_format": "auto",
    "tool_choice": "auto",
    "parallel_tool_calls": True,
}


ERROR = {
    "error": {
        "message": "No run found with id 'run_missing'.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
}


def quoted(value: object) -> str:
    """A single-quoted YAML scalar, as R's yaml package writes JSON bodies."""
    text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return "'" + text.replace("'", "''") + "'"


HTTR_THREAD = f"""http_interactions:
- request:
    method: post
    uri: https://api.openai.com/v1/threads
    body:
      encoding: ''
      string: '{{}}'
    headers:
      Accept: application/json, text/xml, application/xml, */*
      Content-Type: application/json
      OpenAI-Beta: assistants=v2
      Authorization: Bearer <OPENAI_API_KEY>
  response:
    status:
      status_code: 200
      category: Success
      reason: OK
      message: 'Success: (200) OK'
    headers:
      date: Wed, 10 Apr 2024 09:15:02 GMT
      content-type: application/json
      content-encoding: gzip
      openai-version: '2020-10-01'
    body:
      encoding: UTF-8
      file: no
      string: {quoted(THREAD)}
  recorded_at: 2024-04-10 09:15:02 GMT
  recorded_with: vcr/1.2.2, webmockr/0.9.0
- request:
    method: get
    uri: https://api.openai.com/v1/assistants/asst_sample1
    body:
      encoding: ''
      string: ''
    headers:
      OpenAI-Beta: assistants=v2
  response:
    status:
      status_code: 200
      category: Success
      reason: OK
      message: 'Success: (200) OK'
    headers:
      content-type: application/json
      content-encoding: gzip
    body:
      encoding: UTF-8
      file: no
      string: {quoted(ASSISTANT)}
  recorded_at: 2024-04-10 09:15:03 GMT
  recorded_with: vcr/1.2.2, webmockr/0.9.0
"""

CRUL_RUN = f"""http_interactions:
- request:
    method: post
    uri: https://api.openai.com/v1/threads/thread_sample1/runs
    body:
      encoding: ''
      string: '{{"assistant_id":"asst_sample1"}}'
    headers:
      Content-Type: application/json
      OpenAI-Beta: assistants=v2
  response:
    status:
      status_code: '200'
      message: OK
      explanation: Request fulfilled, document follows
    headers:
      status: HTTP/1.1 200 OK
      content-type: application/json
      set-cookie:
      - __cf_bm=abc; path=/
      - _cfuvid=def; path=/
    body:
      encoding: UTF-8
      file: no
      string: {quoted(RUN)}
  recorded_at: 2024-04-10 09:15:04 GMT
  recorded_with: vcr/1.0.2, webmockr/0.8.2
- request:
    method: get
    uri: https://api.openai.com/v1/threads/thread_sample1/runs/run_missing
    body:
      encoding: ''
      string: ''
    headers:
      OpenAI-Beta: assistants=v2
  response:
    status:
      status_code: '404'
      message: Not Found
      explanation: Nothing matches the given URI
    headers:
      content-type: application/json
    body:
      encoding: UTF-8
      file: no
      string: {quoted(ERROR)}
  recorded_at: 2024-04-10 09:15:05 GMT
  recorded_with: vcr/1.0.2, webmockr/0.8.2
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_httr_cassette_reads_with_plain_headers_and_decoded_bodies(tmp_path: Path) -> None:
    recording = read_recording(write(tmp_path, "threads.yml", HTTR_THREAD))
    assert recording.format == "r-vcr-yaml"
    assert recording.problems == []
    first, second = recording.interactions
    assert (first.method, first.path, first.status) == ("POST", "/threads", 200)
    assert first.request_headers["OpenAI-Beta"] == ["assistants=v2"]
    assert first.request_body == b"{}"
    assert first.response_headers["content-encoding"] == ["gzip"]
    assert json.loads(first.response_body) == THREAD  # stored decoded: taken as it is, not decoded again
    assert first.content_encoding is None
    assert first.recorded_at == "2024-04-10 09:15:02 GMT"
    assert (second.method, second.request_body, json.loads(second.response_body)) == ("GET", None, ASSISTANT)


def test_a_crul_cassette_reads_its_string_status_and_repeated_headers(tmp_path: Path) -> None:
    recording = read_recording(write(tmp_path, "runs.yml", CRUL_RUN))
    assert recording.format == "r-vcr-yaml"
    created, missing = recording.interactions
    assert created.status == 200 and missing.status == 404
    assert created.response_headers["set-cookie"] == ["__cf_bm=abc; path=/", "_cfuvid=def; path=/"]
    assert json.loads(created.request_body or b"") == {"assistant_id": "asst_sample1"}
    assert json.loads(missing.response_body)["error"]["message"] == "No run found with id 'run_missing'."


def test_a_body_still_compressed_is_decoded_exactly_once(tmp_path: Path) -> None:
    compressed = base64.b64encode(gzip.compress(json.dumps(THREAD).encode())).decode()
    text = HTTR_THREAD.replace(f"      string: {quoted(THREAD)}\n", f"      base64_string: {compressed}\n", 1)
    first = read_recording(write(tmp_path, "exact-bytes.yml", text)).interactions[0]
    assert json.loads(first.response_body) == THREAD
    assert first.content_encoding == "gzip"


def test_a_body_written_to_disk_is_read_from_beside_the_cassette(tmp_path: Path) -> None:
    (tmp_path / "download-files").mkdir()
    (tmp_path / "download-files" / "thread.json").write_text(json.dumps(THREAD), encoding="utf-8")
    text = HTTR_THREAD.replace(
        f"      file: no\n      string: {quoted(THREAD)}\n",
        "      file: yes\n      string: /home/someone/tests/fixtures/download-files/thread.json\n",
        1,
    )
    first = read_recording(write(tmp_path, "download.yml", text)).interactions[0]
    assert json.loads(first.response_body) == THREAD


def test_a_body_file_outside_the_cassette_folder_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text("{}", encoding="utf-8")
    (tmp_path / "cassettes").mkdir()
    stored = f"      file: no\n      string: {quoted(THREAD)}\n"
    text = HTTR_THREAD.replace(stored, "      file: yes\n      string: ../secret.json\n", 1)
    path = write(tmp_path / "cassettes", "escape.yml", text)
    with pytest.raises(UnreadableRecording, match=r"interaction 0 is malformed .*not in the cassette's"):
        read_recording(path)


def test_harness_verify_reads_every_r_interaction_and_finds_a_violation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "r-cassettes"
    folder.mkdir()
    write(folder, "threads.yml", HTTR_THREAD)
    write(folder, "runs.yml", CRUL_RUN)
    assert main(["verify", str(folder), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["files"] == 2
    assert report["interactions"] == 4
    assert [f for f in report["findings"] if f["severity"] == "violation"] == []

    broken = {**RUN, "status": "sleeping"}
    write(folder, "runs.yml", CRUL_RUN.replace(quoted(RUN), quoted(broken)))
    result = verify([folder])
    violations = [f for f in result.findings if f.severity == "violation"]
    assert violations and all(f.path.endswith("status") for f in violations)
    assert main(["verify", str(folder)]) == 1


def test_harness_show_lists_an_r_cassette(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "runs.yml", CRUL_RUN)
    assert main(["show", "--no-color", str(path)]) == 0
    out = capsys.readouterr().out
    assert "r-vcr-yaml, 2 interactions" in out
    assert "thread.run run_sample1 queued" in out
    assert re.search(r"#0 +POST +/threads/thread_sample1/runs +→ 200", out), out
    assert re.search(r"#1 +GET +/threads/thread_sample1/runs/run_missing +→ 404", out), out
    assert "No run found with id 'run_missing'." in out
