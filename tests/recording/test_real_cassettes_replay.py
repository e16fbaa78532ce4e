"""Replay of the real vcrpy recordings in ../shared/real-cassettes, driven by the SDK calls that made them.

The recordings are read where they lie (copied only into a temporary folder for the test), never into
the project. Each scenario repeats the calls the MANIFEST lists; the expected run status and assistant
text are read from the recording itself.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml

from harness.recording import Recorder, RecorderConfig
from harness.verify import decode_content

FOLDER = "traceloop__openllmetry"
PREFIX = "packages__opentelemetry-instrumentation-openai__tests__traces__cassettes__test_assistant__"
QUESTION = "I need to solve the equation `3x + 11 = 14`. Can you help me?"
INSTRUCTIONS = "Please address the user as Jane Doe. The user has a premium account."
TUTOR = "You are a personal math tutor. Write and run code to answer math questions."
EXISTING = "asst_D2BqLQ9rNgOjd5A3NpS9m9s4"  # the assistant the "existing" tests reuse, per the MANIFEST


def load(real_cassettes: Path, name: str, tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    source = real_cassettes / FOLDER / f"{PREFIX}{name}.yaml"
    target = tmp_path / source.name
    shutil.copyfile(source, target)
    return target, yaml.safe_load(source.read_text())["interactions"]


def response_text(interaction: dict[str, Any]) -> str:
    response = interaction["response"]
    body = response["body"]["string"]
    if isinstance(body, bytes):
        encoding = next(
            (v[0] for k, v in response["headers"].items() if k.lower() == "content-encoding"), None
        )
        body = decode_content(body, encoding).decode()
    return str(body)


def expected(interactions: list[dict[str, Any]]) -> tuple[str, str]:
    """The final run status and the assistant's text, as the recording holds them."""
    status, text = "", ""
    for interaction in interactions:
        body = response_text(interaction)
        uri = interaction["request"]["uri"]
        if "/runs/" in uri and interaction["request"]["method"] == "GET":
            status = json.loads(body)["status"]
        elif "/messages" in uri and interaction["request"]["method"] == "GET":
            replies = [m for m in json.loads(body)["data"] if m["role"] == "assistant"]
            text = "\n".join(part["text"]["value"] for m in replies for part in m["content"])
        elif "text/event-stream" in str(interaction["response"]["headers"]).lower() or "event:" in body[:20]:
            for block in body.split("\n\n"):
                if block.startswith("event: thread.run.completed"):
                    status = "completed"
                if block.startswith("event: thread.message.completed"):
                    data = json.loads(block.split("data: ", 1)[1])
                    text += "".join(part["text"]["value"] for part in data["content"])
    return status, text


def replay(path: Path) -> Recorder:
    return Recorder(RecorderConfig(path=path, record_mode="none", contracts="off"))


def assistant_text(messages: Any) -> str:
    replies = [m for m in messages.data if m.role == "assistant"]
    return "\n".join(part.text.value for m in replies for part in m.content)


def client() -> openai.OpenAI:
    return openai.OpenAI(api_key="replay-needs-no-key", base_url="https://api.example.invalid/v1")


def new_tutor(sdk: openai.OpenAI) -> str:
    return sdk.beta.assistants.create(
        name="Math Tutor", instructions=TUTOR, tools=[{"type": "code_interpreter"}], model="gpt-4o-mini"
    ).id


@pytest.mark.parametrize("name", ["test_new_assistant_with_polling"])
def test_create_and_poll_replays_to_the_recorded_answer(
    real_cassettes: Path, tmp_path: Path, name: str
) -> None:
    path, interactions = load(real_cassettes, name, tmp_path)
    status, text = expected(interactions)
    with replay(path) as recorder:
        sdk = client()
        assistant = new_tutor(sdk)
        thread = sdk.beta.threads.create()
        sdk.beta.threads.messages.create(thread.id, role="user", content=QUESTION)
        run = sdk.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant, instructions=INSTRUCTIONS
        )
        messages = sdk.beta.threads.messages.list(thread_id=thread.id, order="asc")
        sdk.beta.assistants.retrieve(assistant)
    assert recorder.errors == []
    assert run.status == status == "completed"
    assert assistant_text(messages) == text and text
    assert recorder.cassette is not None and recorder.cassette.unused == []


@pytest.mark.parametrize(
    ("name", "assistant"), [("test_new_assistant", None), ("test_existing_assistant", EXISTING)]
)
def test_manual_polling_replays_every_recorded_status(
    real_cassettes: Path, tmp_path: Path, name: str, assistant: str | None
) -> None:
    path, interactions = load(real_cassettes, name, tmp_path)
    status, text = expected(interactions)
    recorded_polls = [
        json.loads(response_text(i))["status"]
        for i in interactions
        if "/runs/" in i["request"]["uri"] and i["request"]["method"] == "GET"
    ]
    with replay(path) as recorder:
        sdk = client()
        assistant_id = assistant or new_tutor(sdk)
        thread = sdk.beta.threads.create()
        sdk.beta.threads.messages.create(thread.id, role="user", content=QUESTION)
        run = sdk.beta.threads.runs.create(
            thread_id=thread.id, assistant_id=assistant_id, instructions=INSTRUCTIONS
        )
        seen = []
        while run.status in ("queued", "in_progress"):
            run = sdk.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
            seen.append(run.status)
        messages = sdk.beta.threads.messages.list(thread_id=thread.id, order="asc")
        sdk.beta.assistants.retrieve(assistant_id)
    assert recorder.errors == []
    assert seen == recorded_polls and run.status == status
    assert assistant_text(messages) == text


class TextCollector(openai.AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self.events: list[str] = []

    def on_event(self, event: Any) -> None:
        self.events.append(event.event)

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.text += delta.value or ""


@pytest.mark.parametrize(
    ("name", "assistant"),
    [("test_streaming_new_assistant", None), ("test_streaming_existing_assistant", EXISTING)],
)
def test_streamed_run_replays_the_recorded_events_sync(
    real_cassettes: Path, tmp_path: Path, name: str, assistant: str | None
) -> None:
    path, interactions = load(real_cassettes, name, tmp_path)
    status, text = expected(interactions)
    with replay(path) as recorder:
        sdk = client()
        assistant_id = assistant or new_tutor(sdk)
        thread = sdk.beta.threads.create()
        sdk.beta.threads.messages.create(thread.id, role="user", content=QUESTION)
        sdk.beta.assistants.retrieve(assistant_id)
        handler = TextCollector()
        with sdk.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant_id, instructions=INSTRUCTIONS, event_handler=handler
        ) as stream:
            stream.until_done()
    assert recorder.errors == []
    assert handler.text == text and text
    assert handler.events[-1] == "thread.run.completed" and status == "completed"


@pytest.mark.parametrize("name", ["test_streaming_new_assistant"])
def test_streamed_run_replays_the_recorded_events_async(
    real_cassettes: Path, tmp_path: Path, name: str
) -> None:
    path, interactions = load(real_cassettes, name, tmp_path)
    _, text = expected(interactions)

    async def scenario() -> tuple[str, str]:
        sdk = openai.AsyncOpenAI(api_key="replay-needs-no-key", base_url="https://api.example.invalid/v1")
        assistant = await sdk.beta.assistants.create(
            name="Math Tutor", instructions=TUTOR, tools=[{"type": "code_interpreter"}], model="gpt-4o-mini"
        )
        thread = await sdk.beta.threads.create()
        await sdk.beta.threads.messages.create(thread.id, role="user", content=QUESTION)
        await sdk.beta.assistants.retrieve(assistant.id)
        collected, last = "", ""
        async with sdk.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, instructions=INSTRUCTIONS
        ) as stream:
            async for event in stream:
                last = event.event
                if event.event == "thread.message.delta":
                    collected += "".join(part.text.value or "" for part in event.data.delta.content or [])
        await sdk.close()
        return collected, last

    with replay(path) as recorder:
        collected, last = asyncio.run(scenario())
    assert recorder.errors == []
    assert collected == text and last == "thread.run.completed"


@pytest.mark.parametrize("name", ["test_assistant", "test_streaming_assistant"])
def test_assistants_v1_recordings_replay_unchecked_as_harness_verify_reads_them(
    real_cassettes: Path, tmp_path: Path, name: str
) -> None:
    """Recordings of the retired v1 API (``OpenAI-Beta: assistants=v1``) are not held to the v2 contracts.

    ``harness verify`` skips them; a replay through the plugin's checker must too, or a suite recorded
    in 2024 fails on fields the v2 API added since.
    """
    from harness.verify import check_exchange

    path, interactions = load(real_cassettes, name, tmp_path)
    v1 = [i for i in interactions if "assistants=v1" in str(i["request"]["headers"]).replace(" ", "")]
    assert v1, "the recording was made against the v1 API"
    # Without its request headers the same traffic breaks the v2 contracts: the check below could fail.
    assert any(
        check_exchange(
            i["request"]["method"],
            i["request"]["uri"],
            i["request"]["body"],
            i["response"]["status"]["code"],
            i["response"]["headers"],
            i["response"]["body"]["string"],
        )
        for i in v1
    )
    config = RecorderConfig(path=path, record_mode="none", contracts="tolerant")
    with Recorder(config, check=check_exchange) as recorder, httpx.Client() as http:
        for interaction in interactions:
            request = interaction["request"]
            answer = http.request(request["method"], request["uri"], content=request["body"] or None)
            answer.read()
            assert answer.status_code == interaction["response"]["status"]["code"]
    assert recorder.errors == []
    assert recorder.cassette is not None and recorder.cassette.unused == []
    assert [f for f in recorder.findings if f.severity == "violation"] == []
