"""Every streaming entry point of the SDK, sync and async, replays the event sequence it recorded.

Recorded against the embedded server (real HTTP on 127.0.0.1), replayed with no server at all.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import openai
import pytest

from harness.recording import Recorder, RecorderConfig
from harness.server import serve_in_thread

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}
OFFLINE = "http://127.0.0.1:9/v1"


def names(events: Any) -> list[str]:
    return [event.event for event in events]


def assistant_and_thread(client: openai.OpenAI, question: str = "Hello there") -> tuple[str, str]:
    """An assistant with the weather tool and a thread with ``question`` (a module-level ``setup`` would be
    run by pytest 8.0 as a nose-style setup function)."""
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])  # type: ignore[list-item]
    thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
    return assistant.id, thread.id


def runs_stream(client: openai.OpenAI) -> list[str]:
    assistant, thread = assistant_and_thread(client)
    with client.beta.threads.runs.stream(thread_id=thread, assistant_id=assistant) as stream:
        return names(stream)


def runs_create_stream_true(client: openai.OpenAI) -> list[str]:
    assistant, thread = assistant_and_thread(client)
    return names(client.beta.threads.runs.create(thread_id=thread, assistant_id=assistant, stream=True))


def runs_create_and_stream(client: openai.OpenAI) -> list[str]:
    assistant, thread = assistant_and_thread(client)
    with client.beta.threads.runs.create_and_stream(thread_id=thread, assistant_id=assistant) as stream:
        return names(stream)


def submit_tool_outputs_stream(client: openai.OpenAI) -> list[str]:
    assistant, thread = assistant_and_thread(client, "What is the weather in Oslo?")
    run = client.beta.threads.runs.create_and_poll(thread_id=thread, assistant_id=assistant)
    assert run.status == "requires_action" and run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert json.loads(call.function.arguments) == {"city": "Oslo"}
    with client.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id, thread_id=thread, tool_outputs=[{"tool_call_id": call.id, "output": "cold"}]
    ) as stream:
        return names(stream)


def create_and_run_stream(client: openai.OpenAI) -> list[str]:
    assistant, _ = assistant_and_thread(client)
    thread = {"messages": [{"role": "user", "content": "Hi"}]}
    with client.beta.threads.create_and_run_stream(assistant_id=assistant, thread=thread) as stream:  # type: ignore[arg-type]
        return names(stream)


def create_and_run_stream_true(client: openai.OpenAI) -> list[str]:
    assistant, _ = assistant_and_thread(client)
    thread = {"messages": [{"role": "user", "content": "Hi"}]}
    return names(client.beta.threads.create_and_run(assistant_id=assistant, thread=thread, stream=True))  # type: ignore[arg-type]


SYNC: dict[str, Callable[[openai.OpenAI], list[str]]] = {
    "runs.stream": runs_stream,
    "runs.create(stream=True)": runs_create_stream_true,
    "runs.create_and_stream": runs_create_and_stream,
    "runs.submit_tool_outputs_stream": submit_tool_outputs_stream,
    "threads.create_and_run_stream": create_and_run_stream,
    "threads.create_and_run(stream=True)": create_and_run_stream_true,
}


# openai 1.x/2.x also deprecate create_and_stream itself, in favour of stream.
CREATE_AND_STREAM_DEPRECATED = pytest.mark.filterwarnings("ignore:use `stream` instead:DeprecationWarning")


@CREATE_AND_STREAM_DEPRECATED
@pytest.mark.parametrize("entry", list(SYNC))
def test_sync_entry_point_replays_the_recorded_events(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "c.yaml"
    with serve_in_thread() as server, Recorder(RecorderConfig(path=path, record_mode="once")) as recorder:
        recorded = SYNC[entry](openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0))
    recorder.save()
    assert recorder.findings == []
    with Recorder(RecorderConfig(path=path, record_mode="none")) as replay:
        replayed = SYNC[entry](openai.OpenAI(base_url=OFFLINE, api_key="k", max_retries=0))
    assert replay.errors == [] and replay.findings == []
    assert replayed == recorded
    assert recorded[-1] in ("thread.run.completed", "thread.run.requires_action")


async def a_setup(client: openai.AsyncOpenAI, question: str = "Hello there") -> tuple[str, str]:
    assistant = await client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])  # type: ignore[list-item]
    thread = await client.beta.threads.create(messages=[{"role": "user", "content": question}])
    return assistant.id, thread.id


async def a_runs_stream(client: openai.AsyncOpenAI) -> list[str]:
    assistant, thread = await a_setup(client)
    async with client.beta.threads.runs.stream(thread_id=thread, assistant_id=assistant) as stream:
        return [event.event async for event in stream]


async def a_runs_create_stream_true(client: openai.AsyncOpenAI) -> list[str]:
    assistant, thread = await a_setup(client)
    stream = await client.beta.threads.runs.create(thread_id=thread, assistant_id=assistant, stream=True)
    return [event.event async for event in stream]


async def a_runs_create_and_stream(client: openai.AsyncOpenAI) -> list[str]:
    assistant, thread = await a_setup(client)
    async with client.beta.threads.runs.create_and_stream(thread_id=thread, assistant_id=assistant) as stream:
        return [event.event async for event in stream]


async def a_submit_tool_outputs_stream(client: openai.AsyncOpenAI) -> list[str]:
    assistant, thread = await a_setup(client, "What is the weather in Oslo?")
    run = await client.beta.threads.runs.create_and_poll(thread_id=thread, assistant_id=assistant)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    async with client.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id, thread_id=thread, tool_outputs=[{"tool_call_id": call.id, "output": "cold"}]
    ) as stream:
        return [event.event async for event in stream]


async def a_create_and_run_stream(client: openai.AsyncOpenAI) -> list[str]:
    assistant, _ = await a_setup(client)
    thread = {"messages": [{"role": "user", "content": "Hi"}]}
    async with client.beta.threads.create_and_run_stream(assistant_id=assistant, thread=thread) as stream:  # type: ignore[arg-type]
        return [event.event async for event in stream]


async def a_create_and_run_stream_true(client: openai.AsyncOpenAI) -> list[str]:
    assistant, _ = await a_setup(client)
    thread = {"messages": [{"role": "user", "content": "Hi"}]}
    stream = await client.beta.threads.create_and_run(assistant_id=assistant, thread=thread, stream=True)  # type: ignore[arg-type]
    return [event.event async for event in stream]


ASYNC: dict[str, Callable[[openai.AsyncOpenAI], Awaitable[list[str]]]] = {
    "runs.stream": a_runs_stream,
    "runs.create(stream=True)": a_runs_create_stream_true,
    "runs.create_and_stream": a_runs_create_and_stream,
    "runs.submit_tool_outputs_stream": a_submit_tool_outputs_stream,
    "threads.create_and_run_stream": a_create_and_run_stream,
    "threads.create_and_run(stream=True)": a_create_and_run_stream_true,
}


def run_async(scenario: Callable[[openai.AsyncOpenAI], Awaitable[list[str]]], base_url: str) -> list[str]:
    async def main() -> list[str]:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="k", max_retries=0)
        try:
            return await scenario(client)
        finally:
            await client.close()

    return asyncio.run(main())


@CREATE_AND_STREAM_DEPRECATED
@pytest.mark.parametrize("entry", list(ASYNC))
def test_async_entry_point_replays_the_recorded_events(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "c.yaml"
    with serve_in_thread() as server, Recorder(RecorderConfig(path=path, record_mode="once")) as recorder:
        recorded = run_async(ASYNC[entry], server.base_url)
    recorder.save()
    with Recorder(RecorderConfig(path=path, record_mode="none")) as replay:
        replayed = run_async(ASYNC[entry], OFFLINE)
    assert replay.errors == []
    assert replayed == recorded and recorded


def test_retries_replay_without_waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 429 with retry-after is recorded with the real wait; its replay does not wait at all."""
    import time

    path = tmp_path / "c.yaml"
    fault = {"x-harness-fault": "429;retry-after=1;times=1"}
    real_sleep = time.sleep
    recorded_waits: list[float] = []
    monkeypatch.setattr(time, "sleep", lambda seconds: (recorded_waits.append(seconds), real_sleep(seconds)))
    with serve_in_thread() as server, Recorder(RecorderConfig(path=path, record_mode="once")) as recorder:
        client = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=2, default_headers=fault)
        assert client.beta.assistants.create(model="gpt-4o").id.startswith("asst_")
    recorder.save()
    assert [i.status for i in recorder.cassette.interactions] == [429, 200]  # type: ignore[union-attr]
    assert max(recorded_waits) >= 1, "recording should keep the server's retry-after pacing"

    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    with Recorder(RecorderConfig(path=path, record_mode="none")):
        client = openai.OpenAI(base_url=OFFLINE, api_key="k", max_retries=2, default_headers=fault)
        assert client.beta.assistants.create(model="gpt-4o").id.startswith("asst_")
    assert waits and all(wait == 0 for wait in waits), f"replay waited {waits}"
