"""Documented rules beyond limits: name patterns, upload purposes, attachment files, named tool choices.

Each rule is checked with a valid value and a value just past it, in the request that sends it and, where
the documents state the rule for the object too, in the response that reports it back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from harness.contracts import check_request, check_response

Example = Callable[[str], dict[str, Any]]
SCHEMAS = Path(__file__).resolve().parents[2] / "contracts" / "schemas"

FUNCTION = {"type": "function", "function": {"name": "get_weather"}}
VALID_NAMES = ["a", "get_weather", "Get-Weather_2", "n" * 64]
INVALID_NAMES = ["", "n" * 65, "get weather", "get.weather", "météo"]


def _kinds(findings: list[Any]) -> list[tuple[str, str, str]]:
    return [(f.kind, f.severity, f.path) for f in findings]


def _with_function_name(body: dict[str, Any], name: str) -> dict[str, Any]:
    body["tools"] = [{"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}]
    return body


# --- function and response format names ----------------------------------------------------------------


@pytest.mark.parametrize("name", VALID_NAMES)
def test_valid_names_pass_in_requests(example: Example, name: str) -> None:
    assistant = _with_function_name(example("CreateAssistantRequest"), name)
    assistant["response_format"] = {"type": "json_schema", "json_schema": {"name": name}}
    run = example("CreateRunRequest")
    run["tool_choice"] = {"type": "function", "function": {"name": name}}
    assert check_request("POST", "/v1/assistants", query=None, body=assistant) == []
    assert check_request("POST", "/v1/threads/thread_1/runs", query=None, body=run) == []


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_invalid_names_are_violations_in_requests(example: Example, name: str) -> None:
    assistant = _with_function_name(example("CreateAssistantRequest"), name)
    assistant["response_format"] = {"type": "json_schema", "json_schema": {"name": name}}
    run = example("CreateThreadAndRunRequest")
    run["tool_choice"] = {"type": "function", "function": {"name": name}}
    assert _kinds(check_request("POST", "/v1/assistants", query=None, body=assistant)) == [
        ("limit", "violation", "tools.0.function.name"),
        ("limit", "violation", "response_format.json_schema.name"),
    ]
    assert _kinds(check_request("POST", "/v1/threads/runs", query=None, body=run)) == [
        ("limit", "violation", "tool_choice.function.name")
    ]


def test_name_findings_say_what_was_expected(example: Example) -> None:
    body = _with_function_name(example("CreateAssistantRequest"), "get weather")
    (finding,) = check_request("POST", "/v1/assistants", query=None, body=body)
    assert finding.message == "expected a string matching ^[a-zA-Z0-9_-]+$, saw 'get weather'"
    body = _with_function_name(example("CreateAssistantRequest"), "n" * 65)
    (finding,) = check_request("POST", "/v1/assistants", query=None, body=body)
    assert finding.message == "expected at most 64 characters, saw 65"


def test_objects_report_back_names_under_the_same_rule(example: Example) -> None:
    run = example("Run")
    assert check_response("GET", "/v1/threads/t/runs/r", 200, run) == []
    run["tools"][0]["function"]["name"] = "get.weather"
    run["tool_choice"]["function"]["name"] = "n" * 65
    run["response_format"]["json_schema"]["name"] = "an answer"
    assert _kinds(check_response("GET", "/v1/threads/t/runs/r", 200, run)) == [
        ("limit", "violation", "tools.0.function.name"),
        ("limit", "violation", "tool_choice.function.name"),
        ("limit", "violation", "response_format.json_schema.name"),
    ]


def test_names_the_model_calls_are_not_held_to_the_rule(example: Example) -> None:
    # The rule is on the functions a request defines; a tool call names what the model produced.
    run = example("Run")
    run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["function"]["name"] = "multi.tool use"
    assert check_response("GET", "/v1/threads/t/runs/r", 200, run) == []


# --- upload purposes -----------------------------------------------------------------------------------


def test_every_upload_purpose_is_a_file_purpose(example: Example) -> None:
    upload = json.loads((SCHEMAS / "request.CreateFileRequest.json").read_text(encoding="utf-8"))
    purposes = upload["properties"]["purpose"]["enum"]
    assert "evals" in purposes
    for purpose in purposes:
        assert check_request("POST", "/v1/files", query=None, body={"file": b"x", "purpose": purpose}) == []
        file = example("FileObject")
        file["purpose"] = purpose
        assert check_response("POST", "/v1/files", 200, file) == [], purpose


def test_unknown_purposes_stay_violations(example: Example) -> None:
    upload = {"file": b"x", "purpose": "eval"}
    assert _kinds(check_request("POST", "/v1/files", query=None, body=upload)) == [
        ("enum", "violation", "purpose")
    ]
    file = example("FileObject")
    file["purpose"] = "evals_output"
    assert _kinds(check_response("GET", "/v1/files/file_1", 200, file)) == [("enum", "violation", "purpose")]


# --- message attachments -------------------------------------------------------------------------------


def test_a_request_attachment_names_its_file(example: Example) -> None:
    body = {"role": "user", "content": "Hello", "attachments": [{"file_id": "file_1"}]}
    assert check_request("POST", "/v1/threads/t/messages", query=None, body=body) == []
    body["attachments"] = [{"tools": [{"type": "file_search"}]}]
    findings = check_request("POST", "/v1/threads/t/messages", query=None, body=body)
    assert _kinds(findings) == [("missing", "violation", "attachments.0.file_id")]
    thread = example("CreateThreadRequest")
    del thread["messages"][0]["attachments"][0]["file_id"]
    assert _kinds(check_request("POST", "/v1/threads", query=None, body=thread)) == [
        ("missing", "violation", "messages.0.attachments.0.file_id")
    ]


def test_a_message_object_attachment_may_leave_its_file_out(example: Example) -> None:
    # The OpenAPI MessageObject does not require file_id; real messages always carry it.
    message = example("Message")
    assert check_response("GET", "/v1/threads/t/messages/m", 200, message) == []
    del message["attachments"][0]["file_id"]
    assert check_response("GET", "/v1/threads/t/messages/m", 200, message) == []


# --- named tool choices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "choice",
    [FUNCTION, {"type": "code_interpreter"}, {"type": "file_search"}, "auto", "none", "required"],
)
def test_valid_tool_choices(example: Example, choice: Any) -> None:
    body = example("CreateRunRequest")
    body["tool_choice"] = choice
    assert check_request("POST", "/v1/threads/t/runs", query=None, body=body) == []


def test_a_function_tool_choice_names_its_function(example: Example) -> None:
    body = example("CreateRunRequest")
    body["tool_choice"] = {"type": "function"}
    (finding,) = check_request("POST", "/v1/threads/t/runs", query=None, body=body)
    assert (finding.kind, finding.severity, finding.path) == ("missing", "violation", "tool_choice.function")
    assert finding.message == "required field 'function' is missing"
    body["tool_choice"] = {"type": "function", "function": None}
    assert _kinds(check_request("POST", "/v1/threads/t/runs", query=None, body=body)) == [
        ("missing", "violation", "tool_choice.function")
    ]


def test_a_run_reports_a_function_tool_choice_with_its_function(example: Example) -> None:
    run = example("Run")
    del run["tool_choice"]["function"]
    assert _kinds(check_response("GET", "/v1/threads/t/runs/r", 200, run)) == [
        ("missing", "violation", "tool_choice.function")
    ]


def test_the_exported_schema_states_the_tool_choice_rule() -> None:
    schema = json.loads((SCHEMAS / "request.CreateRunRequest.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    base = {"assistant_id": "asst_1"}
    assert validator.is_valid({**base, "tool_choice": FUNCTION})
    assert validator.is_valid({**base, "tool_choice": {"type": "file_search"}})
    assert not validator.is_valid({**base, "tool_choice": {"type": "function"}})
    assert not validator.is_valid({**base, "tool_choice": {"type": "function", "function": {"name": "a b"}}})
