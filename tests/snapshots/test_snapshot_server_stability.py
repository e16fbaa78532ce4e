"""Stability against the embedded server: one scenario, two servers with other seeds and clocks.

The openai SDK drives both servers exactly as a test would; the ids and timestamps they hand out
differ, the snapshots must not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import openai

from harness import server
from harness.snapshots import AssistantsSnapshotExtension, StreamSnapshotExtension

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@dataclass
class Recording:
    """What one run of the scenario produced, raw and as snapshots."""

    raw_ids: list[str]
    raw_created_at: list[int]
    payloads: str
    transcripts: list[str]
    answer: str


def record(seed: int, start: int, *, question: str = "What is 2 + 2?", tools: bool = False) -> Recording:
    """Create an assistant, a thread and a message, then stream a run (and answer its tool call)."""
    clock = server.DeterministicClock(start)
    with (
        server.serve_in_thread(seed=seed, clock=clock) as running,
        openai.OpenAI(base_url=running.base_url, api_key="test", max_retries=0) as client,
    ):
        assistant = client.beta.assistants.create(
            model="gpt-4o", name="Helper", instructions="Answer briefly.", tools=[WEATHER] if tools else []
        )
        thread = client.beta.threads.create()
        message = client.beta.threads.messages.create(thread.id, role="user", content=question)
        streams: list[list[Any]] = []
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
            streams.append(list(stream))
            run = stream.get_final_run()
        if run.required_action is not None:
            outputs = [
                {"tool_call_id": call.id, "output": "warm and sunny"}
                for call in run.required_action.submit_tool_outputs.tool_calls
            ]
            with client.beta.threads.runs.submit_tool_outputs_stream(
                run_id=run.id, thread_id=thread.id, tool_outputs=outputs
            ) as stream:
                streams.append(list(stream))
        messages = client.beta.threads.messages.list(thread.id)
    return Recording(
        raw_ids=[assistant.id, thread.id, message.id, run.id],
        raw_created_at=[assistant.created_at, thread.created_at, message.created_at, run.created_at],
        payloads=AssistantsSnapshotExtension().serialize([assistant, thread, message, messages]),
        transcripts=[StreamSnapshotExtension().serialize(events) for events in streams],
        answer=messages.data[0].content[0].text.value,  # type: ignore[union-attr]
    )


def test_two_servers_with_other_seeds_and_clocks_give_identical_snapshots() -> None:
    first = record(seed=1, start=1_700_000_000)
    second = record(seed=2, start=1_760_000_000)

    assert set(first.raw_ids).isdisjoint(second.raw_ids)
    assert all(a != b for a, b in zip(first.raw_created_at, second.raw_created_at, strict=True))
    assert first.payloads == second.payloads
    assert first.transcripts == second.transcripts

    payloads = json.loads(first.payloads)
    assert [payload.get("id") for payload in payloads[:3]] == ["asst_1", "thread_1", "msg_1"]
    assert payloads[3]["data"][0]["run_id"] == "run_1"
    (transcript,) = first.transcripts
    assert transcript.splitlines()[0] == "thread.run.created           run_1 queued"
    # Each snapshot numbers its own ids: the assistant's message is the transcript's first message.
    assert f"msg_1 completed assistant {json.dumps(first.answer, ensure_ascii=False)}" in transcript


def test_tool_call_scenario_is_stable_and_shows_the_arguments() -> None:
    question = "Use get_weather: what is the weather in Paris?"
    first = record(seed=3, start=1_700_000_000, question=question, tools=True)
    second = record(seed=4, start=1_710_000_000, question=question, tools=True)

    assert first.transcripts == second.transcripts
    assert first.payloads == second.payloads
    requested, answered = first.transcripts
    assert (
        "thread.run.requires_action   run_1 requires_action submit_tool_outputs: call_1 function get_weather("
        in (requested)
    )
    assert "call_1 function get_weather(" in answered and '-> "warm and sunny"' in answered
    assert answered.splitlines()[-1].startswith("thread.run.completed         run_1 completed")


def test_a_different_question_changes_the_snapshots() -> None:
    first = record(seed=5, start=1_700_000_000, question="What is 2 + 2?")
    second = record(seed=5, start=1_700_000_000, question="What is 3 + 3?")
    assert first.transcripts != second.transcripts
    assert first.payloads != second.payloads
