"""The seed's examples through ``AsyncOpenAI``: only the client class and ``base_url`` change."""

from __future__ import annotations

import asyncio
import json

import openai

from harness.server import RunningServer


def _async_client(server: RunningServer) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(base_url=server.base_url, api_key="test", max_retries=0)


def test_async_basic_workflow_and_streaming(server: RunningServer) -> None:
    async def scenario() -> tuple[str, str, list[str]]:
        async with _async_client(server) as client:
            assistant = await client.beta.assistants.create(
                model="gpt-4o", name="Math Tutor", tools=[{"type": "code_interpreter"}]
            )
            thread = await client.beta.threads.create()
            await client.beta.threads.messages.create(thread.id, role="user", content="Solve 3x + 11 = 14")
            run = await client.beta.threads.runs.create_and_poll(
                thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1
            )
            page = await client.beta.threads.messages.list(thread.id)
            block = page.data[0].content[0]
            assert block.type == "text"
            await client.beta.threads.messages.create(thread.id, role="user", content="What is 6 * 7?")
            names: list[str] = []
            async with client.beta.threads.runs.stream(
                thread_id=thread.id, assistant_id=assistant.id
            ) as stream:
                async for event in stream:
                    names.append(event.event)
                messages = await stream.get_final_messages()
            second = messages[0].content[0]
            assert second.type == "text"
            return run.status, block.text.value + " " + second.text.value, names

    status, text, names = asyncio.run(scenario())
    assert status == "completed"
    assert text == "The solution to the equation 3x + 11 = 14 is x = 1. The result of 6 * 7 is 42."
    assert names[0] == "thread.run.created" and names[-1] == "thread.run.completed"


def test_async_function_calling(server: RunningServer) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {
                "type": "object",
                "properties": {"location": {"type": "string"}},
                "required": ["location"],
            },
        },
    }

    async def scenario() -> tuple[str, str, str]:
        async with _async_client(server) as client:
            assistant = await client.beta.assistants.create(model="gpt-4o", tools=[tool])  # type: ignore[list-item]
            run = await client.beta.threads.create_and_run_poll(
                assistant_id=assistant.id,
                thread={"messages": [{"role": "user", "content": "What's the weather in Lisbon?"}]},
                poll_interval_ms=1,
            )
            assert run.required_action is not None
            call = run.required_action.submit_tool_outputs.tool_calls[0]
            async with client.beta.threads.runs.submit_tool_outputs_stream(
                run_id=run.id,
                thread_id=run.thread_id,
                tool_outputs=[{"tool_call_id": call.id, "output": "19C"}],
            ) as stream:
                await stream.until_done()
                final = await stream.get_final_run()
                messages = await stream.get_final_messages()
            block = messages[0].content[0]
            assert block.type == "text"
            return call.function.arguments, final.status, block.text.value

    arguments, status, text = asyncio.run(scenario())
    assert json.loads(arguments) == {"location": "Lisbon"}
    assert status == "completed"
    assert text == "The weather in Lisbon is: 19C."


def test_async_pagination_and_errors(server: RunningServer) -> None:
    async def scenario() -> tuple[list[str], list[str], int]:
        async with _async_client(server) as client:
            created = [
                (await client.beta.assistants.create(model="gpt-4o", name=f"a{i}")).id for i in range(5)
            ]
            listed = [a.id async for a in client.beta.assistants.list(limit=2, order="asc")]
            try:
                await client.beta.assistants.retrieve("asst_missing")
            except openai.NotFoundError as error:
                return created, listed, error.status_code
            return created, listed, 0

    created, listed, status = asyncio.run(scenario())
    assert listed == created
    assert status == 404
