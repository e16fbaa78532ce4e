"""Findings: drift versus violations, their paths, objects, routes and wording; events; modes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness import HarnessError
from harness._findings import Finding
from harness.contracts import (
    check_event,
    check_request,
    check_response,
    check_stream_events,
    failing,
)
from harness.streams._sse import SSEEvent, decode_sse

Example = Callable[[str], dict[str, Any]]
RUN_URL = "https://api.openai.com/v1/threads/thread_1/runs/run_1"


def _summary(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted((f.severity, f.kind, f.path) for f in findings)


def test_unknown_fields_are_drift_at_every_depth(example: Example) -> None:
    body = example("Run")
    body["reasoning_effort"] = None
    body["required_action"]["submit_tool_outputs"]["tool_calls"][0]["extra_field"] = 1
    body["tools"][0]["function"]["extra"] = True
    body["response_format"]["json_schema"]["extra"] = "x"
    body["metadata"] = {"free": "form"}
    findings = check_response("GET", RUN_URL, 200, body)
    assert _summary(findings) == [
        ("drift", "unknown_field", "reasoning_effort"),
        ("drift", "unknown_field", "required_action.submit_tool_outputs.tool_calls.0.extra_field"),
        ("drift", "unknown_field", "response_format.json_schema.extra"),
        ("drift", "unknown_field", "tools.0.function.extra"),
    ]
    first = next(f for f in findings if f.path == "reasoning_effort")
    assert first.route == "GET /threads/{thread_id}/runs/{run_id}"
    assert first.object == "Run"
    assert first.message == "field 'reasoning_effort' is not in the Run contract (saw null)"


def test_unknown_fields_are_found_next_to_violations(example: Example) -> None:
    body = example("RunStep")
    del body["expired_at"]
    del body["cancelled_at"]
    body["expires_at"] = 1_700_000_600
    findings = check_response("GET", "/v1/threads/t/runs/r/steps/s", 200, body)
    assert _summary(findings) == [
        ("drift", "missing", "expired_at"),
        ("drift", "unknown_field", "expires_at"),
        ("violation", "missing", "cancelled_at"),
    ]
    assert {f.message for f in findings if f.kind == "missing"} == {
        "required field 'expired_at' is missing (real RunStep objects are known to lack it)",
        "required field 'cancelled_at' is missing",
    }


def test_user_messages_without_status_fields_are_missing_drift(example: Example) -> None:
    body = example("Message")
    for name in ("status", "completed_at", "incomplete_at", "incomplete_details"):
        del body[name]
    findings = check_response("POST", "/v1/threads/t/messages", 200, body)
    assert {(f.kind, f.severity, f.path) for f in findings} == {
        ("missing", "drift", "status"),
        ("missing", "drift", "completed_at"),
        ("missing", "drift", "incomplete_at"),
        ("missing", "drift", "incomplete_details"),
    }


def test_enum_violation_lists_the_allowed_values(example: Example) -> None:
    body = example("Run")
    body["status"] = "running"
    (finding,) = check_response("GET", RUN_URL, 200, body)
    assert (finding.kind, finding.severity, finding.path) == ("enum", "violation", "status")
    assert finding.message == (
        "expected one of queued|in_progress|requires_action|cancelling|cancelled|failed|completed|"
        "incomplete|expired, saw 'running'"
    )
    assert finding.seen == "running"
    assert "queued" in finding.expected


def test_type_violations_say_what_was_expected(example: Example) -> None:
    body = example("Run")
    body["created_at"] = "yesterday"
    body["expires_at"] = "soon"
    body["parallel_tool_calls"] = "yes"
    body["tools"] = {"type": "code_interpreter"}
    findings = {f.path: f for f in check_response("GET", RUN_URL, 200, body)}
    assert {f.kind for f in findings.values()} == {"type"}
    assert findings["created_at"].message == "expected an integer, saw 'yesterday'"
    assert findings["expires_at"].message == "expected an integer or null, saw 'soon'"
    assert findings["parallel_tool_calls"].message == "expected a boolean, saw 'yes'"
    assert findings["tools"].message == "expected an array, saw an object"


def test_integers_are_not_strings_in_json(example: Example) -> None:
    body = example("Assistant")
    body["created_at"] = "1700000000"
    findings = check_response("GET", "/assistants/a", 200, json.dumps(body))
    assert _summary(findings) == [("violation", "type", "created_at")]


def test_discriminated_unions_report_json_paths_without_tags(example: Example) -> None:
    body = example("RunStep")
    body["step_details"]["tool_calls"][0]["code_interpreter"]["outputs"][1]["image"] = {}
    body["step_details"]["tool_calls"][2]["function"]["name"] = 5
    body["step_details"]["tool_calls"][1]["type"] = "web_search"
    findings = {f.path: f for f in check_response("GET", "/threads/t/runs/r/steps/s", 200, body)}
    assert set(findings) == {
        "step_details.tool_calls.0.code_interpreter.outputs.1.image.file_id",
        "step_details.tool_calls.1.type",
        "step_details.tool_calls.2.function.name",
    }
    assert findings["step_details.tool_calls.1.type"].kind == "enum"
    assert findings["step_details.tool_calls.1.type"].message == (
        "expected type one of code_interpreter|file_search|function, saw 'web_search'"
    )


def test_a_union_member_without_its_type_is_a_missing_type(example: Example) -> None:
    body = example("Assistant")
    body["tools"][0] = {"file_search": {}}
    findings = check_response("GET", "/assistants/a", 200, body)
    assert [(f.kind, f.path, f.message) for f in findings] == [
        ("missing", "tools.0.type", "required field 'type' is missing")
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("response_format", 5, "expected a string or an object, saw 5"),
        ("response_format", "json", "expected 'auto', saw 'json'"),
        (
            "response_format",
            {"type": "yaml"},
            "expected type one of text|json_object|json_schema, saw 'yaml'",
        ),
        ("tool_choice", "sometimes", "expected one of none|auto|required, saw 'sometimes'"),
        (
            "tool_choice",
            {"type": "browser"},
            "expected one of function|code_interpreter|file_search, saw 'browser'",
        ),
    ],
)
def test_string_or_object_options(example: Example, field: str, value: Any, message: str) -> None:
    body = example("Run")
    body[field] = value
    findings = check_response("GET", RUN_URL, 200, body)
    assert [f.message for f in findings] == [message]


def test_message_content_is_a_string_or_parts(example: Example) -> None:
    body = example("CreateThreadRequest")
    body["messages"][0]["content"] = 42
    body["messages"][1]["content"][0] = {"type": "text", "text": {"value": "x"}}
    findings = check_request("POST", "/threads", query=None, body=body)
    assert [(f.kind, f.path, f.message) for f in findings] == [
        ("type", "messages.0.content", "expected a string or an array, saw 42"),
        ("type", "messages.1.content.0.text", "expected a string, saw an object"),
    ]


def test_attribute_values_are_strings_numbers_or_booleans(example: Example) -> None:
    body = example("CreateVectorStoreFileRequest")
    body["attributes"] = {"tags": ["a"], "ok": True, "n": 1.5}
    findings = check_request("POST", "/vector_stores/vs/files", query=None, body=body)
    assert [(f.kind, f.path, f.message) for f in findings] == [
        ("type", "attributes.tags", "expected a string, a number or a boolean, saw an array of 1 item")
    ]


def test_unparseable_bodies_are_type_findings_at_the_root() -> None:
    findings = check_response("GET", RUN_URL, 200, b"{not json")
    assert [(f.kind, f.severity, f.path) for f in findings] == [("type", "violation", "")]
    assert findings[0].message.startswith("expected a JSON document, saw unparseable text")
    findings = check_response("GET", RUN_URL, 200, b"[1, 2]")
    assert [(f.kind, f.path, f.message) for f in findings] == [
        ("type", "", "expected an object, saw an array of 2 items")
    ]


def test_unknown_routes_have_no_findings() -> None:
    assert check_response("POST", "/v1/chat/completions", 200, b"{}") == []
    assert check_request("POST", "/v1/chat/completions", query=None, body=b"{}") == []


def test_request_bodies_report_unknown_fields_as_drift(example: Example) -> None:
    body = example("CreateRunRequest")
    body["include"] = ["x"]
    body["additional_messages"][0]["surprise"] = 1
    findings = check_request("POST", "/v1/threads/t/runs", query=None, body=body)
    assert _summary(findings) == [
        ("drift", "unknown_field", "additional_messages.0.surprise"),
        ("drift", "unknown_field", "include"),
    ]
    assert {f.object for f in findings} == {"CreateRunRequest"}
    assert {f.route for f in findings} == {"POST /threads/{thread_id}/runs"}


def test_request_metadata_values_must_be_strings() -> None:
    findings = check_request(
        "POST", "/v1/threads/t/runs/r", query=None, body={"metadata": {"modified": True}}
    )
    assert [(f.kind, f.path, f.message) for f in findings] == [
        ("type", "metadata.modified", "expected a string, saw true")
    ]


def test_metadata_keys_are_limited(example: Example) -> None:
    key = "k" * 70
    findings = check_request("POST", "/threads/t", query=None, body={"metadata": {key: "v"}})
    assert [(f.kind, f.path) for f in findings] == [("limit", f"metadata.{key}")]
    assert findings[0].message == f"key '{key}': expected at most 64 characters, saw 70"


class TestQuery:
    def test_query_values_are_converted_from_text(self) -> None:
        query = {"limit": "20", "order": "asc", "after": "msg_1", "run_id": "run_1"}
        assert check_request("GET", "/v1/threads/t/messages", query=query, body=None) == []

    def test_query_string_of_the_url_is_used_when_no_query_is_given(self) -> None:
        url = "https://api.openai.com/v1/assistants?limit=0&order=desc"
        assert [(f.kind, f.path) for f in check_request("GET", url, query=None, body=None)] == [
            ("limit", "limit")
        ]

    def test_include_accepts_repeated_values_and_both_spellings(self) -> None:
        value = "step_details.tool_calls[*].file_search.results[*].content"
        url = (
            "/v1/threads/t/runs/r/steps"
            "?include%5B%5D=step_details.tool_calls%5B%2A%5D.file_search.results%5B%2A%5D.content"
        )
        assert check_request("GET", url, query=None, body=None) == []
        assert check_request("GET", "/threads/t/runs/r/steps/s", query={"include": value}, body=None) == []
        findings = check_request(
            "POST", "/threads/t/runs", query={"include[]": [value, "usage"]}, body={"assistant_id": "a"}
        )
        assert [(f.kind, f.path, f.object) for f in findings] == [("enum", "include[].1", "IncludeQuery")]

    def test_unknown_parameters_are_drift_and_api_version_is_ignored(self) -> None:
        findings = check_request(
            "GET", "/openai/assistants", query={"api-version": "2024-05-01", "x": "1"}, body=None
        )
        assert [(f.severity, f.kind, f.path, f.object) for f in findings] == [
            ("drift", "unknown_field", "x", "ListQuery")
        ]
        findings = check_request("GET", "/assistants/a", query={"expand": "1"}, body=None)
        assert [(f.severity, f.kind, f.path) for f in findings] == [("drift", "unknown_field", "expand")]

    def test_a_scalar_parameter_given_twice_is_a_type_violation(self) -> None:
        findings = check_request("GET", "/assistants", query={"limit": ["1", "2"]}, body=None)
        assert [(f.kind, f.path) for f in findings] == [("type", "limit")]


class TestEvents:
    def test_unknown_event_is_drift(self) -> None:
        (finding,) = check_event("thread.run.step.paused", "{}")
        assert (finding.kind, finding.severity, finding.object) == (
            "unknown_event",
            "drift",
            "thread.run.step.paused",
        )
        assert finding.message == "event 'thread.run.step.paused' is not in the stream contract"

    def test_done_must_carry_done(self) -> None:
        assert check_event("done", "[DONE]") == []
        (finding,) = check_event("done", "{}")
        assert (finding.kind, finding.severity) == ("enum", "violation")

    def test_event_findings_name_the_event_and_path_inside_data(self, example: Example) -> None:
        data = example("MessageDeltaEvent")
        data["delta"]["content"][0]["text"]["value"] = 3
        data["delta"]["content"][0]["text"]["logprobs"] = []
        findings = check_event("thread.message.delta", json.dumps(data))
        assert _summary(findings) == [
            ("drift", "unknown_field", "delta.content.0.text.logprobs"),
            ("violation", "type", "delta.content.0.text.value"),
        ]
        assert {f.object for f in findings} == {"thread.message.delta"}
        assert {f.event for f in findings} == {None}

    def test_event_data_must_be_the_object_its_name_announces(self, example: Example) -> None:
        findings = check_event("thread.run.created", json.dumps(example("Message")))
        assert ("enum", "object") in {(f.kind, f.path) for f in findings}

    def test_error_event(self) -> None:
        assert (
            check_event("error", '{"message": "m", "type": "server_error", "param": null, "code": null}')
            == []
        )
        findings = check_event("error", '{"message": "m"}')
        assert {f.path for f in findings} == {"type", "param", "code"}

    def test_stream_findings_carry_the_event_index(self, example: Example) -> None:
        run = example("Run")
        step = example("RunStep")
        del step["metadata"]
        events = [
            SSEEvent("thread.run.created", json.dumps(run)),
            SSEEvent("thread.run.step.created", json.dumps(step)),
            SSEEvent("thread.run.teleported", "{}"),
            SSEEvent(None, "{}"),
            SSEEvent("done", "[DONE]"),
        ]
        findings = check_stream_events(events)
        assert [(f.event, f.kind, f.path) for f in findings] == [
            (1, "missing", "metadata"),
            (2, "unknown_event", ""),
            (3, "unknown_event", ""),
        ]
        assert findings[2].message == "event without a name"

    def test_streamed_response_bodies_are_checked_event_by_event(self, example: Example) -> None:
        run = example("Run")
        run["reasoning_effort"] = None
        body = (
            f"event: thread.run.created\ndata: {json.dumps(run)}\n\n"
            f"event: thread.run.queued\ndata: {json.dumps(run)}\n\n"
            "event: done\ndata: [DONE]\n\n"
        ).encode()
        findings = check_response("POST", "/v1/threads/t/runs", 200, body)
        assert [(f.event, f.kind, f.path, f.object, f.route) for f in findings] == [
            (0, "unknown_field", "reasoning_effort", "thread.run.created", "POST /threads/{thread_id}/runs"),
            (1, "unknown_field", "reasoning_effort", "thread.run.queued", "POST /threads/{thread_id}/runs"),
        ]
        decoded = check_stream_events(decode_sse(body).events)
        assert [(f.event, f.path, f.route) for f in decoded] == [
            (0, "reasoning_effort", None),
            (1, "reasoning_effort", None),
        ]


class TestModes:
    FINDINGS = (
        Finding(kind="missing", severity="violation", message="m"),
        Finding(kind="unknown_field", severity="drift", message="d"),
    )

    def test_off_fails_nothing(self) -> None:
        assert failing(self.FINDINGS, "off") == []

    def test_tolerant_fails_violations_only(self) -> None:
        assert [f.severity for f in failing(self.FINDINGS, "tolerant")] == ["violation"]

    def test_strict_fails_drift_too(self) -> None:
        assert [f.severity for f in failing(self.FINDINGS, "strict")] == ["violation", "drift"]

    def test_unknown_mode_is_a_usage_error(self) -> None:
        with pytest.raises(HarnessError, match="expected one of off\\|tolerant\\|strict, saw 'lenient'"):
            failing(self.FINDINGS, "lenient")  # type: ignore[arg-type]
