"""Every contract accepts a complete valid example, and the model policy holds (strict, extras kept)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness.contracts import (
    EVENT_MODELS,
    Assistant,
    AssistantStreamEvent,
    Run,
    RunStep,
    check_event,
    check_request,
    check_response,
)
from harness.contracts._models import ContractModel

Example = Callable[[str], dict[str, Any]]
Builder = Callable[..., dict[str, Any]]

RESPONSES = [
    ("POST", "/v1/assistants", "Assistant"),
    ("GET", "/v1/assistants/asst_example", "Assistant"),
    ("POST", "/v1/threads", "Thread"),
    ("GET", "/v1/threads/thread_example/messages/msg_example", "Message"),
    ("POST", "/v1/threads/thread_example/runs", "Run"),
    ("POST", "/v1/threads/thread_example/runs/run_example/cancel", "Run"),
    ("GET", "/v1/threads/thread_example/runs/run_example/steps/step_example", "RunStep"),
    ("POST", "/v1/files", "FileObject"),
    ("POST", "/v1/vector_stores", "VectorStore"),
    ("GET", "/v1/vector_stores/vs_example/files/file_example", "VectorStoreFile"),
    ("POST", "/v1/vector_stores/vs_example/file_batches/vsfb_example/cancel", "VectorStoreFileBatch"),
]


@pytest.mark.parametrize(("method", "path", "name"), RESPONSES)
def test_valid_objects_have_no_findings(example: Example, method: str, path: str, name: str) -> None:
    body = example(name)
    assert check_response(method, path, 200, body) == []
    assert check_response(method, path, 200, json.dumps(body)) == []
    assert check_response(method, path, 200, json.dumps(body).encode()) == []


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/v1/assistants", "Assistant"),
        ("/v1/threads/t/messages", "Message"),
        ("/v1/threads/t/runs", "Run"),
        ("/v1/threads/t/runs/r/steps", "RunStep"),
        ("/v1/files", "FileObject"),
        ("/v1/vector_stores", "VectorStore"),
        ("/v1/vector_stores/vs/files", "VectorStoreFile"),
        ("/v1/vector_stores/vs/file_batches/b/files", "VectorStoreFile"),
    ],
)
def test_list_pages_accept_items_and_empty_pages(
    example: Example, page: Builder, path: str, name: str
) -> None:
    assert check_response("GET", path, 200, page(example(name), example(name))) == []
    assert check_response("GET", path, 200, page()) == []


def test_message_creation_steps_and_deltas_are_valid(example: Example) -> None:
    assert check_response("GET", "/threads/t/runs/r/steps/s", 200, example("MessageCreationStep")) == []
    assert check_event("thread.run.step.delta", json.dumps(example("MessageCreationDelta"))) == []


@pytest.mark.parametrize(
    ("method", "path", "object_name"),
    [
        ("DELETE", "/assistants/a", "assistant.deleted"),
        ("DELETE", "/threads/t", "thread.deleted"),
        ("DELETE", "/threads/t/messages/m", "thread.message.deleted"),
        ("DELETE", "/files/f", "file"),
        ("DELETE", "/vector_stores/vs", "vector_store.deleted"),
        ("DELETE", "/vector_stores/vs/files/f", "vector_store.file.deleted"),
    ],
)
def test_deleted_objects(deleted: Builder, method: str, path: str, object_name: str) -> None:
    assert check_response(method, path, 200, deleted(object_name, "x_1")) == []
    findings = check_response(method, path, 200, deleted("something.else", "x_1"))
    assert [(f.kind, f.path) for f in findings] == [("enum", "object")]


def test_error_bodies_are_checked_for_status_400_and_above(example: Example) -> None:
    assert check_response("POST", "/threads/t/runs", 400, example("ErrorResponse")) == []
    assert check_response("GET", "/threads/t", 404, example("ErrorResponse")) == []
    findings = check_response("POST", "/threads/t/runs", 400, {"error": {"message": "boom"}})
    assert {(f.kind, f.path) for f in findings} == {
        ("missing", "error.type"),
        ("missing", "error.param"),
        ("missing", "error.code"),
    }
    assert all(f.object == "ErrorResponse" for f in findings)


def test_file_content_and_redirects_are_not_checked() -> None:
    assert check_response("GET", "/v1/files/file_1/content", 200, b"\x89PNG raw bytes") == []
    assert check_response("GET", "/v1/threads/t", 304, b"") == []


EVENT_DATA = {
    "thread.created": "Thread",
    "thread.run": "Run",
    "thread.run.step": "RunStep",
    "thread.run.step.delta": "RunStepDeltaEvent",
    "thread.message": "Message",
    "thread.message.delta": "MessageDeltaEvent",
}


@pytest.mark.parametrize("event", sorted(EVENT_MODELS))
def test_every_event_accepts_its_object(example: Example, event: str) -> None:
    if event == "done":
        data: object = "[DONE]"
    elif event == "error":
        data = example("ErrorResponse")["error"]
    else:
        prefix = event if event in EVENT_DATA else event.rsplit(".", 1)[0]
        data = example(EVENT_DATA[prefix])
    text = data if isinstance(data, str) else json.dumps(data)
    assert check_event(event, text) == []
    assert check_event(event, data) == []


def test_event_union_discriminates_on_event(example: Example) -> None:
    from pydantic import TypeAdapter

    adapter: TypeAdapter[Any] = TypeAdapter(AssistantStreamEvent)
    parsed = adapter.validate_python({"event": "thread.run.completed", "data": example("Run")})
    assert isinstance(parsed.data, Run)
    assert type(parsed).__name__ == "ThreadRunCompleted"
    done = adapter.validate_python({"event": "done", "data": "[DONE]"})
    assert done.data == "[DONE]"
    assert len(EVENT_MODELS) == 25


REQUEST_ROUTES = [
    ("POST", "/v1/assistants", "CreateAssistantRequest"),
    ("POST", "/v1/threads", "CreateThreadRequest"),
    ("POST", "/v1/threads/thread_1/runs", "CreateRunRequest"),
    ("POST", "/v1/threads/runs", "CreateThreadAndRunRequest"),
    ("POST", "/v1/threads/thread_1/runs/run_1/submit_tool_outputs", "SubmitToolOutputsRunRequest"),
    ("POST", "/v1/vector_stores", "CreateVectorStoreRequest"),
    ("POST", "/v1/vector_stores/vs_1/files", "CreateVectorStoreFileRequest"),
    ("POST", "/v1/vector_stores/vs_1/file_batches", "CreateVectorStoreFileBatchRequest"),
]


@pytest.mark.parametrize(("method", "path", "name"), REQUEST_ROUTES)
def test_valid_requests_have_no_findings(example: Example, method: str, path: str, name: str) -> None:
    body = example(name)
    assert check_request(method, path, query=None, body=body) == []
    assert check_request(method, path, query=None, body=json.dumps(body)) == []


def test_bodiless_requests_and_empty_bodies() -> None:
    assert check_request("POST", "/threads", query=None, body=None) == []
    assert check_request("POST", "/threads", query=None, body=b"") == []
    assert check_request("POST", "/threads/t/runs/r/cancel", query=None, body=None) == []
    findings = check_request("POST", "/assistants", query=None, body=None)
    assert [(f.kind, f.path, f.object) for f in findings] == [("missing", "model", "CreateAssistantRequest")]


def test_multipart_upload_is_checked_only_as_form_fields() -> None:
    assert check_request("POST", "/files", query=None, body=b"--boundary\r\n...") == []
    form = {"file": b"data", "purpose": "assistants"}
    assert check_request("POST", "/files", query=None, body=form) == []
    findings = check_request("POST", "/files", query=None, body={"file": b"data", "purpose": "memes"})
    assert [(f.kind, f.path) for f in findings] == [("enum", "purpose")]


def test_models_keep_unknown_fields_for_their_users(example: Example) -> None:
    run = Run.model_validate({**example("Run"), "reasoning_effort": "low"})
    assert run.model_extra == {"reasoning_effort": "low"}
    assert run.required_action is not None
    assert run.required_action.submit_tool_outputs.tool_calls[0].function.name == "get_weather"


def test_models_are_strict_about_json_types(example: Example) -> None:
    body = example("Assistant")
    body["created_at"] = "1700000000"
    with pytest.raises(ValueError, match="created_at"):
        Assistant.model_validate_json(json.dumps(body))


def test_required_nullable_fields_accept_null_but_not_absence(example: Example) -> None:
    body = example("RunStep")
    assert RunStep.model_validate(body).cancelled_at is None
    del body["cancelled_at"]
    findings = check_response("GET", "/threads/t/runs/r/steps/s", 200, body)
    assert [(f.kind, f.severity, f.path) for f in findings] == [("missing", "violation", "cancelled_at")]


def test_every_contract_model_is_strict_and_keeps_extras() -> None:
    import harness.contracts._models as models

    classes = [getattr(models, name) for name in models.__all__]
    contract = [c for c in classes if isinstance(c, type) and issubclass(c, ContractModel)]
    assert len(contract) > 100
    for cls in contract:
        assert cls.model_config.get("extra") == "allow", cls
        expected_strict = not issubclass(cls, models.QueryModel)
        assert bool(cls.model_config.get("strict")) == expected_strict, cls
