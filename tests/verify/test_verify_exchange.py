"""``check_exchange``: one request and response, plain or streamed, against contracts and grammar."""

from __future__ import annotations

import gzip
import json

from verify_samples import THREAD, sse

from harness.verify import check_exchange

JSON = {"Content-Type": "application/json"}
SSE = {"Content-Type": "text/event-stream; charset=utf-8"}

RUN = {
    "id": "run_sample1",
    "object": "thread.run",
    "created_at": 1700000000,
    "thread_id": "thread_sample1",
    "assistant_id": "asst_sample1",
    "status": "queued",
    "required_action": None,
    "last_error": None,
    "expires_at": 1700000600,
    "started_at": None,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": None,
    "incomplete_details": None,
    "model": "gpt-4o",
    "instructions": "",
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


def _step(status: str) -> dict[str, object]:
    return {
        "id": "step_sample1",
        "object": "thread.run.step",
        "created_at": 1700000001,
        "assistant_id": "asst_sample1",
        "thread_id": "thread_sample1",
        "run_id": "run_sample1",
        "type": "tool_calls",
        "status": status,
        "step_details": {"type": "tool_calls", "tool_calls": []},
        "last_error": None,
        "expired_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": 1700000001 if status == "completed" else None,
        "metadata": {},
        "usage": None,
    }


def test_clean_response_has_no_findings() -> None:
    assert (
        check_exchange("POST", "https://api.openai.com/v1/threads", b"{}", 200, JSON, json.dumps(THREAD))
        == []
    )


def test_traffic_outside_the_assistants_api_is_not_checked() -> None:
    body = json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "oddity": True})
    assert check_exchange("POST", "https://api.openai.com/v1/chat/completions", b"{}", 200, JSON, body) == []


def test_unknown_field_is_drift_with_route_and_path() -> None:
    body = json.dumps({**THREAD, "surprise_field": 1})
    (finding,) = check_exchange("GET", "/v1/threads/thread_sample1", None, 200, JSON, body)
    assert (finding.kind, finding.severity, finding.path) == ("unknown_field", "drift", "surprise_field")
    assert finding.route == "GET /threads/{thread_id}"


def test_compressed_body_is_decoded_before_checking() -> None:
    body = gzip.compress(json.dumps({**THREAD, "created_at": "soon"}).encode())
    headers = {**JSON, "Content-Encoding": "gzip"}
    findings = check_exchange("GET", "/v1/threads/thread_sample1", None, 200, headers, body)
    assert [(f.kind, f.path) for f in findings] == [("type", "created_at")]


def test_request_body_is_checked() -> None:
    findings = check_exchange(
        "POST", "/v1/threads/thread_sample1/runs", b'{"assistant_id": 7}', 200, JSON, json.dumps(RUN)
    )
    assert any(f.path == "assistant_id" and f.severity == "violation" for f in findings)


def test_multipart_upload_request_is_skipped() -> None:
    findings = check_exchange(
        "POST",
        "/v1/threads",
        b"--boundary\r\nContent-Disposition: form-data\r\n\r\nx\r\n--boundary--\r\n",
        200,
        JSON,
        json.dumps(THREAD),
        request_headers={"Content-Type": "multipart/form-data; boundary=boundary"},
    )
    assert findings == []


def test_stream_events_are_checked_and_located() -> None:
    body = sse(
        ("thread.run.created", RUN),
        ("thread.run.queued", RUN),
        ("thread.run.mystery", {"id": "run_sample1"}),
    )
    findings = check_exchange("POST", "/v1/threads/thread_sample1/runs", b"{}", 200, SSE, body)
    unknown = [f for f in findings if f.kind == "unknown_event"]
    assert [f.event for f in unknown] == [2]
    grammar = [f for f in findings if f.rule is not None]
    assert any(f.rule == "stream.done-last" for f in grammar)
    assert all(f.route == "POST /threads/{thread_id}/runs" for f in findings)


def test_submit_tool_outputs_streams_are_resumed() -> None:
    """A stream that continues a paused run is legal after submit_tool_outputs, not after createRun."""
    in_progress = {**RUN, "status": "in_progress", "started_at": 1700000001}
    done_run = {**in_progress, "status": "completed", "completed_at": 1700000003}
    body = sse(
        ("thread.run.step.completed", _step("completed")),
        ("thread.run.queued", {**in_progress, "status": "queued"}),
        ("thread.run.in_progress", in_progress),
        ("thread.run.completed", done_run),
        ("done", "[DONE]"),
    )
    resumed = check_exchange(
        "POST", "/v1/threads/thread_sample1/runs/run_sample1/submit_tool_outputs", b"{}", 200, SSE, body
    )
    fresh = check_exchange("POST", "/v1/threads/thread_sample1/runs", b"{}", 200, SSE, body)
    assert not [f for f in resumed if f.rule is not None]
    assert [f for f in fresh if f.rule is not None]


def test_rejected_request_is_not_held_against_the_traffic() -> None:
    """A 4xx answer shows the API refused the invalid request: only the error body is checked."""
    error = {
        "error": {
            "message": "Invalid type for 'metadata.k'",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }
    request = b'{"metadata": {"k": true}}'
    assert check_exchange("POST", "/v1/threads/thread_sample1", request, 400, JSON, json.dumps(error)) == []
    accepted = check_exchange("POST", "/v1/threads/thread_sample1", request, 200, JSON, json.dumps(THREAD))
    assert [(f.object, f.path, f.severity) for f in accepted] == [
        ("ModifyThreadRequest", "metadata.k", "violation")
    ]
    (bad_error,) = check_exchange(
        "POST", "/v1/threads/thread_sample1", request, 400, JSON, b'{"detail": "x"}'
    )[:1]
    assert bad_error.severity == "violation"
