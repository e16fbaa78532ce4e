"""Run lifecycle: polling stages, cancel, token limits, usage, and step shapes."""

from __future__ import annotations

import openai
import pytest


def _thread_with(client: openai.OpenAI, text: str) -> str:
    return client.beta.threads.create(messages=[{"role": "user", "content": text}]).id


def test_each_retrieve_advances_one_stage(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread_id = _thread_with(client, "hello")
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant.id)
    statuses = [run.status]
    for _ in range(3):
        statuses.append(client.beta.threads.runs.retrieve(run.id, thread_id=thread_id).status)
    assert statuses == ["queued", "in_progress", "completed", "completed"]
    raw = client.beta.threads.runs.with_raw_response.retrieve(run.id, thread_id=thread_id)
    assert raw.headers["openai-poll-after-ms"] == "5"
    assert raw.headers["openai-version"] == "2020-10-01"
    assert raw.headers["x-request-id"].startswith("req_")
    final = raw.parse()
    assert final.expires_at is None and final.completed_at is not None and final.started_at is not None


def test_cancel_goes_through_cancelling(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread_id = _thread_with(client, "hello")
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant.id)
    cancelling = client.beta.threads.runs.cancel(run.id, thread_id=thread_id)
    assert cancelling.status == "cancelling"
    cancelled = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    assert cancelled.status == "cancelled" and cancelled.cancelled_at is not None
    assert [m.role for m in client.beta.threads.messages.list(thread_id).data] == ["user"]


def test_cancel_while_requires_action(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {}}},
    }
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[tool])  # type: ignore[list-item]
    thread_id = _thread_with(client, "weather?")
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant.id, poll_interval_ms=1
    )
    assert run.status == "requires_action"
    client.beta.threads.runs.cancel(run.id, thread_id=thread_id)
    final = client.beta.threads.runs.poll(run.id, thread_id=thread_id, poll_interval_ms=1)
    assert final.status == "cancelled" and final.required_action is None
    step = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread_id).data[0]
    assert step.status == "cancelled"


def test_max_completion_tokens_makes_the_run_incomplete(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread_id = _thread_with(
        client, "Tell me everything about the history of the harness and its many features"
    )
    with client.beta.threads.runs.stream(
        thread_id=thread_id, assistant_id=assistant.id, max_completion_tokens=5
    ) as s:
        names = [event.event for event in s]
        run = s.get_final_run()
    assert run.status == "incomplete"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_completion_tokens"
    assert "thread.message.incomplete" in names and names[-1] == "thread.run.incomplete"
    assert run.usage is not None and run.usage.completion_tokens == 5
    message = client.beta.threads.messages.list(thread_id).data[0]
    block = message.content[0]
    assert block.type == "text" and len(block.text.value.split()) == 5


def test_max_prompt_tokens_makes_the_run_incomplete(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="Answer briefly.")
    thread_id = _thread_with(client, "word " * 300)
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant.id, max_prompt_tokens=256, poll_interval_ms=1
    )
    assert run.status == "incomplete"
    assert run.incomplete_details is not None and run.incomplete_details.reason == "max_prompt_tokens"
    assert [m.role for m in client.beta.threads.messages.list(thread_id).data] == ["user"]


def test_tool_choice_required_and_none(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "lookup",
            "strict": True,
            "parameters": {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "flag": {"type": "boolean"},
                    "mode": {"type": "string", "enum": ["fast", "slow"]},
                },
                "required": ["count", "flag", "mode"],
                "additionalProperties": False,
            },
        },
    }
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[tool])  # type: ignore[list-item]
    forced = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "hi"}]},
        tool_choice="required",
        poll_interval_ms=1,
    )
    assert forced.status == "requires_action" and forced.required_action is not None
    arguments = forced.required_action.submit_tool_outputs.tool_calls[0].function.arguments
    assert arguments == '{"count": 0, "flag": false, "mode": "fast"}'
    skipped = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "lookup please"}]},
        tool_choice="none",
        poll_interval_ms=1,
    )
    assert skipped.status == "completed"


def test_messages_list_filters_by_run(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread_id = _thread_with(client, "first")
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant.id, poll_interval_ms=1
    )
    of_run = client.beta.threads.messages.list(thread_id, run_id=run.id).data
    assert [m.run_id for m in of_run] == [run.id]
    assert len(client.beta.threads.messages.list(thread_id).data) == 2


@pytest.mark.parametrize("streamed", [False, True])
def test_messages_and_steps_carry_the_real_drift(client: openai.OpenAI, streamed: bool) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread_id = _thread_with(client, "hello")
    created = client.beta.threads.messages.with_raw_response.create(
        thread_id, role="user", content="again"
    ).http_response
    assert "status" not in created.json() and "completed_at" not in created.json()
    if streamed:
        with client.beta.threads.runs.stream(thread_id=thread_id, assistant_id=assistant.id) as stream:
            stream.until_done()
            run_id = stream.get_final_run().id
    else:
        run_id = client.beta.threads.runs.create_and_poll(
            thread_id=thread_id, assistant_id=assistant.id, poll_interval_ms=1
        ).id
    listed = client.beta.threads.messages.with_raw_response.list(thread_id).http_response.json()["data"]
    assert all("status" not in m and "incomplete_details" not in m for m in listed)
    raw_run = client.beta.threads.runs.with_raw_response.retrieve(
        run_id, thread_id=thread_id
    ).http_response.json()
    assert "reasoning_effort" in raw_run and "tool_resources" in raw_run
    steps = client.beta.threads.runs.steps.with_raw_response.list(
        run_id, thread_id=thread_id
    ).http_response.json()
    step = steps["data"][0]
    assert "expires_at" in step and "expired_at" not in step and "metadata" not in step
