"""Errors in the hosted API's shape: 404 for unknown ids and routes, 400 for bad bodies and states, 401."""

from __future__ import annotations

import httpx
import openai
import pytest

from harness.server import RunningServer, serve_in_thread


def _error(exc: openai.APIStatusError) -> dict[str, object]:
    body = exc.response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, object] = body["error"]
    return error


def test_unknown_ids_are_404_with_the_api_wording(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as assistant:
        client.beta.assistants.retrieve("asst_x")
    assert _error(assistant.value) == {
        "message": "No assistant found with id 'asst_x'.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    thread = client.beta.threads.create()
    with pytest.raises(openai.NotFoundError) as run:
        client.beta.threads.runs.retrieve("run_x", thread_id=thread.id)
    assert _error(run.value)["message"] == "No run found with id 'run_x'."
    with pytest.raises(openai.NotFoundError) as message:
        client.beta.threads.messages.retrieve("msg_x", thread_id=thread.id)
    assert _error(message.value)["message"] == "No message found with id 'msg_x'."
    with pytest.raises(openai.NotFoundError) as file:
        client.files.retrieve("file-x")
    assert _error(file.value)["message"] == "No such File object: file-x"
    with pytest.raises(openai.NotFoundError) as store:
        client.vector_stores.retrieve("vs_x")
    assert _error(store.value)["message"] == "No vector store found with id 'vs_x'."


def test_unknown_route_is_404(server: RunningServer) -> None:
    response = httpx.get(server.base_url + "/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Invalid URL (GET /v1/nothing-here)"
    assert httpx.put(server.base_url + "/assistants").status_code == 404


@pytest.mark.parametrize(
    ("body", "param", "code", "message"),
    [
        ({}, "model", "missing_required_parameter", "Missing required parameter: 'model'."),
        (
            {"model": "gpt-4o", "name": "n" * 257},
            "name",
            "string_above_max_length",
            "Invalid 'name': string too long. Expected a string with maximum length 256, but got a string "
            "with length 257 instead.",
        ),
        ({"model": "gpt-4o", "description": "d" * 513}, "description", "string_above_max_length", None),
        (
            {"model": "gpt-4o", "temperature": 3},
            "temperature",
            "decimal_above_max_value",
            "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
        ),
        ({"model": "gpt-4o", "top_p": -0.5}, "top_p", "decimal_below_min_value", None),
        (
            {"model": "gpt-4o", "metadata": {"modified": True}},
            "metadata.modified",
            "invalid_type",
            "Invalid type for 'metadata.modified': expected a string, but got a boolean instead.",
        ),
        (
            {"model": "gpt-4o", "metadata": {f"k{i}": "v" for i in range(17)}},
            "metadata",
            "object_above_max_properties",
            None,
        ),
        ({"model": "gpt-4o", "metadata": {"k" * 65: "v"}}, "metadata", "string_above_max_length", None),
        ({"model": "gpt-4o", "metadata": {"k": "v" * 513}}, "metadata.k", "string_above_max_length", None),
        (
            {"model": "gpt-4o", "tools": [{"type": "code_interpreter"}] * 129},
            "tools",
            "array_above_max_length",
            None,
        ),
        (
            {"model": "gpt-4o", "tools": [{"type": "browser"}]},
            "tools[0].type",
            "invalid_value",
            "Invalid value: 'browser'. Supported values are: 'code_interpreter', 'file_search', and "
            "'function'.",
        ),
        (
            {"model": "gpt-4o", "file_ids": []},
            "file_ids",
            "unknown_parameter",
            "Unknown parameter: 'file_ids'.",
        ),
        (
            {"model": 4},
            "model",
            "invalid_type",
            "Invalid type for 'model': expected a string, but got an integer instead.",
        ),
    ],
)
def test_invalid_assistant_bodies_are_400(
    server: RunningServer, body: dict[str, object], param: str, code: str, message: str | None
) -> None:
    response = httpx.post(server.base_url + "/assistants", json=body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["param"], error["code"]) == ("invalid_request_error", param, code)
    if message is not None:
        assert error["message"] == message


def test_invalid_list_queries_are_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as above:
        client.beta.assistants.list(limit=101)
    assert _error(above.value)["code"] == "integer_above_max_value"
    with pytest.raises(openai.BadRequestError) as below:
        client.beta.assistants.list(limit=0)
    assert _error(below.value)["code"] == "integer_below_min_value"
    with pytest.raises(openai.BadRequestError) as order:
        client.beta.assistants.list(order="sideways")  # type: ignore[arg-type]
    assert _error(order.value)["param"] == "order"


def test_invalid_json_is_400(server: RunningServer) -> None:
    response = httpx.post(
        server.base_url + "/threads", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "could not parse the JSON body" in response.json()["error"]["message"]


def test_state_conflicts_are_400(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    empty = client.beta.threads.create()
    with pytest.raises(openai.BadRequestError) as no_message:
        client.beta.threads.runs.create(thread_id=empty.id, assistant_id=assistant.id)
    assert _error(no_message.value) == {
        "message": "Run creation requires a Thread with a user message or an assistant with instructions.",
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_thread",
    }
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert run.status == "in_progress"
    with pytest.raises(openai.BadRequestError) as running:
        client.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"modified": "true"})
    assert _error(running.value)["message"] == "Cannot update run with status 'in_progress'."
    with pytest.raises(openai.BadRequestError) as outputs:
        client.beta.threads.runs.submit_tool_outputs(run.id, thread_id=thread.id, tool_outputs=[])
    assert _error(outputs.value)["message"] == 'Runs in status "in_progress" do not accept tool outputs.'
    with pytest.raises(openai.BadRequestError) as busy:
        client.beta.threads.messages.create(thread.id, role="user", content="another")
    assert f"while a run {run.id} is active" in str(_error(busy.value)["message"])
    with pytest.raises(openai.BadRequestError) as second:
        client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert _error(second.value)["message"] == f"Thread {thread.id} already has an active run {run.id}."
    done = client.beta.threads.runs.poll(run.id, thread_id=thread.id, poll_interval_ms=1)
    assert done.status == "completed"
    updated = client.beta.threads.runs.update(run.id, thread_id=thread.id, metadata={"modified": "true"})
    assert updated.metadata == {"modified": "true"}
    with pytest.raises(openai.BadRequestError) as finished:
        client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert _error(finished.value)["message"] == "Cannot cancel run with status 'completed'."


def test_wrong_tool_outputs_are_400(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {"name": "lookup_order", "parameters": {"type": "object", "properties": {}}},
    }
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[tool])  # type: ignore[list-item]
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "Find my order"}]},
        poll_interval_ms=1,
    )
    assert run.status == "requires_action"
    with pytest.raises(openai.BadRequestError) as wrong:
        client.beta.threads.runs.submit_tool_outputs(
            run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": "call_other", "output": "x"}]
        )
    assert "Expected tool outputs for call_ids" in str(_error(wrong.value)["message"])


def test_api_key_is_checked_when_configured() -> None:
    with serve_in_thread(api_key="sk-right-key") as server:
        wrong = openai.OpenAI(base_url=server.base_url, api_key="sk-wrong-key", max_retries=0)
        with wrong, pytest.raises(openai.AuthenticationError) as refused:
            wrong.beta.assistants.list()
        assert _error(refused.value)["code"] == "invalid_api_key"
        assert "sk-wrong-key" not in str(_error(refused.value)["message"])
        missing = httpx.get(server.base_url + "/assistants")
        assert missing.status_code == 401
        assert "You didn't provide an API key" in missing.json()["error"]["message"]
        with openai.OpenAI(base_url=server.base_url, api_key="sk-right-key", max_retries=0) as right:
            assert right.beta.assistants.list().data == []


def test_any_key_is_accepted_without_configuration(server: RunningServer) -> None:
    assert httpx.get(server.base_url + "/assistants").status_code == 200
    assert (
        httpx.get(server.base_url + "/assistants", headers={"authorization": "Bearer whatever"}).status_code
        == 200
    )
