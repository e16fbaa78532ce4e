"""The contracts against real recorded traffic (the .NET SDK's recordings in ``../shared/real-cassettes``).

The recordings are read in place and skipped when absent. The known differences between real traffic and
the documentation must come out as the right findings: new fields as drift, fields the documentation
promises but real objects are known to lack (the observed omissions) as ``missing`` drift, and nothing as
a violation. Any other missing field is still a violation, in real objects too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness._findings import Finding
from harness.contracts import check_request, check_response, check_stream_events, match_route
from harness.contracts._deviations import OBSERVED_OMISSIONS
from harness.streams._sse import decode_sse
from tests.real_data import require_real_data

RECORDINGS = Path(__file__).resolve().parents[3] / "shared" / "real-cassettes" / "openai__openai-dotnet"


def _exchanges() -> Iterator[tuple[str, str, Any, int, str, bytes]]:
    """``(method, url, request body, status, content type, response bytes)`` of every recording."""
    for path in sorted(RECORDINGS.glob("*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8"))["Entries"]:
            headers = {key.lower(): value for key, value in entry.get("ResponseHeaders", {}).items()}
            body = entry.get("ResponseBody")
            if isinstance(body, list):
                raw = "".join(body).encode()
            elif isinstance(body, str):
                raw = body.encode()
            else:
                raw = json.dumps(body).encode()
            yield (
                entry["RequestMethod"],
                entry["RequestUri"],
                entry.get("RequestBody"),
                entry["StatusCode"],
                headers.get("content-type", ""),
                raw,
            )


@pytest.fixture(scope="module")
def traffic() -> list[tuple[str, str, Any, int, str, bytes]]:
    require_real_data(RECORDINGS)
    return list(_exchanges())


@pytest.fixture(scope="module")
def response_findings(traffic: list[tuple[str, str, Any, int, str, bytes]]) -> list[Finding]:
    findings: list[Finding] = []
    for method, url, _request, status, _type, body in traffic:
        findings += check_response(method, url, status, body)
    return findings


def _keys(findings: list[Finding], obj: str) -> set[tuple[str, str, str]]:
    return {(f.severity, f.kind, f.path.rsplit(".", 1)[-1]) for f in findings if f.object == obj}


def test_recordings_cover_the_main_routes(traffic: list[tuple[str, str, Any, int, str, bytes]]) -> None:
    operations = {match[0].operation for m, u, *_ in traffic if (match := match_route(m, u))}
    assert {
        "assistants.create",
        "threads.create",
        "runs.create",
        "messages.create",
        "runs.steps.list",
    } <= operations


def test_the_sdk_sends_requests_that_keep_the_contract(
    traffic: list[tuple[str, str, Any, int, str, bytes]],
) -> None:
    findings: list[Finding] = []
    for method, url, request, _status, _type, _body in traffic:
        if request is not None and not isinstance(request, str):
            request = json.dumps(request)
        findings += check_request(method, url, query=None, body=request)
    assert [f for f in findings if f.severity == "violation"] == []


def test_runs_carry_undocumented_fields_as_drift(response_findings: list[Finding]) -> None:
    run = _keys(response_findings, "Run")
    assert ("drift", "unknown_field", "reasoning_effort") in run
    assert ("drift", "unknown_field", "tool_resources") in run
    streamed = _keys(response_findings, "thread.run.created")
    assert ("drift", "unknown_field", "tool_resources") in streamed


def test_run_steps_have_expires_at_and_lack_expired_at_and_metadata(response_findings: list[Finding]) -> None:
    for obj in ("RunStepList", "thread.run.step.created", "thread.run.step.completed"):
        keys = _keys(response_findings, obj)
        assert ("drift", "unknown_field", "expires_at") in keys, obj
        assert ("drift", "missing", "expired_at") in keys, obj
        assert ("drift", "missing", "metadata") in keys, obj


def test_messages_lack_their_status_fields_as_drift(response_findings: list[Finding]) -> None:
    created = [f for f in response_findings if f.route == "POST /threads/{thread_id}/messages"]
    assert {"status", "completed_at", "incomplete_at", "incomplete_details"} <= {f.path for f in created}
    listed = _keys(response_findings, "MessageList")
    assert ("drift", "missing", "status") in listed
    status = [f for f in response_findings if f.path.rsplit(".", 1)[-1] == "status" and f.kind == "missing"]
    assert status and all(f.severity == "drift" for f in status)


def test_real_responses_keep_every_contract(response_findings: list[Finding]) -> None:
    assert [f for f in response_findings if f.severity == "violation"] == []


def _first_body(traffic: list[tuple[str, str, Any, int, str, bytes]], operation: str) -> tuple[str, str, Any]:
    """The first successful JSON response of ``operation`` (a page with items, for lists)."""
    for method, url, _request, status, content_type, body in traffic:
        matched = match_route(method, url)
        if matched and matched[0].operation == operation and status == 200 and "json" in content_type:
            parsed = json.loads(body)
            if parsed.get("object") != "list" or parsed["data"]:
                return method, url, parsed
    pytest.fail(f"no recorded response matches {operation}: route matching of the real traffic is broken")


def test_an_unlisted_missing_field_of_a_real_object_is_a_violation(
    traffic: list[tuple[str, str, Any, int, str, bytes]],
) -> None:
    method, url, run = _first_body(traffic, "runs.retrieve")
    assert [f for f in check_response(method, url, 200, run) if f.severity == "violation"] == []
    del run["status"]
    findings = check_response(method, url, 200, run)
    assert [(f.severity, f.kind, f.path) for f in findings if f.kind == "missing"] == [
        ("violation", "missing", "status")
    ]


def test_an_unlisted_missing_field_in_a_real_list_is_a_violation(
    traffic: list[tuple[str, str, Any, int, str, bytes]],
) -> None:
    method, url, page = _first_body(traffic, "messages.list")
    assert page["data"] and all("status" not in message for message in page["data"])
    del page["data"][0]["role"]
    missing = {(f.severity, f.path) for f in check_response(method, url, 200, page) if f.kind == "missing"}
    assert ("violation", "data.0.role") in missing
    assert ("drift", "data.0.status") in missing
    assert {severity for severity, path in missing if path != "data.0.role"} == {"drift"}


def test_every_real_stream_event_is_in_the_contract(
    traffic: list[tuple[str, str, Any, int, str, bytes]],
) -> None:
    streams = [body for _m, _u, _r, _s, content_type, body in traffic if "event-stream" in content_type]
    assert streams
    for body in streams:
        decoded = decode_sse(body)
        assert not decoded.truncated
        assert decoded.events[-1].event == "done"
        findings = check_stream_events(decoded.events)
        assert not [f for f in findings if f.kind == "unknown_event"]
        assert all(f.event is not None and f.object == decoded.events[f.event].event for f in findings)


def test_findings_are_complete_and_classified(response_findings: list[Finding]) -> None:
    assert response_findings
    omitted = {omission.field for omission in OBSERVED_OMISSIONS}
    for finding in response_findings:
        assert finding.route and finding.object and finding.message
        if finding.kind == "missing":
            assert finding.severity == "drift" and finding.path.rsplit(".", 1)[-1] in omitted, finding
        else:
            assert finding.kind in ("unknown_field", "unknown_event") and finding.severity == "drift", finding
