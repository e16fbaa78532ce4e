"""Transcripts of the real recorded streams in ../shared/real-cassettes (skipped when absent).

Nothing from the recordings is kept in the project: the tests assert on what the transcript must
contain, taken from the recording itself at run time.
"""

from __future__ import annotations

import json
import random
import re
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from snapshot_samples import REAL_CASSETTES

from harness.snapshots import render_transcript
from harness.streams._sse import decode_sse

VCR_STREAMS = sorted(REAL_CASSETTES.glob("traceloop__openllmetry/*test_streaming_*.yaml"))
DOTNET_FILES = sorted(
    path
    for name in ("StreamingRunWorks", "StreamingToolCall()", "FileSearchStreamingWorks")
    for path in REAL_CASSETTES.glob(f"openai__openai-dotnet/*__{name}.json")
)

pytestmark = pytest.mark.usefixtures("real_cassettes")


def vcr_streams(path: Path) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    bodies = [interaction["response"]["body"].get("string") for interaction in document["interactions"]]
    return [body for body in bodies if isinstance(body, str) and body.startswith("event: ")]


def dotnet_streams(path: Path) -> list[str]:
    entries = json.loads(path.read_text(encoding="utf-8"))["Entries"]
    return ["".join(entry["ResponseBody"]) for entry in entries if isinstance(entry["ResponseBody"], list)]


def events_of(body: str) -> list[tuple[str, Any]]:
    decoded = decode_sse(body)
    assert not decoded.truncated
    return [
        (event.event or "", json.loads(event.data) if event.data != "[DONE]" else None)
        for event in decoded.events
    ]


def final_texts(body: str) -> list[str]:
    return [
        part["text"]["value"]
        for name, data in events_of(body)
        if name == "thread.message.completed"
        for part in data["content"]
        if part["type"] == "text"
    ]


def tool_inputs(body: str) -> list[tuple[str, str]]:
    """(kind, code or arguments) of every completed tool call of the stream."""
    found = []
    for name, data in events_of(body):
        if name == "thread.run.step.completed" and data["step_details"]["type"] == "tool_calls":
            for call in data["step_details"]["tool_calls"]:
                if call["type"] == "function":
                    found.append(("function", call["function"]["arguments"]))
                elif call["type"] == "code_interpreter":
                    found.append(("code", call["code_interpreter"]["input"]))
        if name == "thread.run.requires_action":
            for call in data["required_action"]["submit_tool_outputs"]["tool_calls"]:
                found.append(("function", call["function"]["arguments"]))
    return found


def quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def all_streams() -> list[Any]:
    """One parameter per recorded stream, named after its file and its position in the file."""
    found = [(path, n, body) for path in VCR_STREAMS for n, body in enumerate(vcr_streams(path))]
    found += [(path, n, body) for path in DOTNET_FILES for n, body in enumerate(dotnet_streams(path))]
    return [pytest.param(path.name, body, id=f"{path.stem.split('__')[-1]}#{n}") for path, n, body in found]


def test_the_expected_recordings_are_there() -> None:
    assert len(VCR_STREAMS) == 3
    assert len(DOTNET_FILES) == 3


@pytest.mark.parametrize(("name", "body"), all_streams())
def test_transcript_shows_the_final_text_and_the_tool_inputs(name: str, body: str) -> None:
    transcript = render_transcript(body)
    lines = transcript.splitlines()
    events = events_of(body)
    assert 0 < len(lines) <= len(events)
    assert all(line.split(" ", 1)[0] in {name for name, _ in events} for line in lines)
    for text in final_texts(body):
        assert f"completed assistant {quoted(text)}" in transcript
        assert f"content[0] += {quoted(text)}" in transcript
    for kind, value in tool_inputs(body):
        if kind == "function":
            assert f"({json.dumps(json.loads(value))})" in transcript
        else:
            assert f"input += {quoted(value)}" in transcript
    assert final_texts(body) or tool_inputs(body)


def test_tool_call_stream_shows_the_function_arguments_and_then_the_answer() -> None:
    path = (
        REAL_CASSETTES
        / "openai__openai-dotnet"
        / "tests__SessionRecords__AssistantsTests__StreamingToolCall().json"
    )
    first, second = (render_transcript(body) for body in dotnet_streams(path))
    assert "thread.run.step.delta ×2     step_1 tool_calls[0] call_1 function get_current_weather" in first
    assert "submit_tool_outputs: call_1 function get_current_weather({})" in first
    assert 'call_1 function get_current_weather({}) -> "warm and sunny"' in second
    (answer,) = final_texts(dotnet_streams(path)[1])
    assert f"msg_1 completed assistant {quoted(answer)}" in second


def rerecorded(body: str, seed: int) -> str:
    """``body`` as if recorded again: every id renamed consistently, every clock shifted."""
    rng = random.Random(seed)
    renamed: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        raw = match.group(0)
        if raw not in renamed:
            body_length = len(raw) - len(match.group(1))
            renamed[raw] = match.group(1) + "".join(
                rng.choice(string.ascii_letters + string.digits) for _ in range(body_length)
            )
        return renamed[raw]

    shift = rng.randrange(1, 10_000_000)
    body = re.sub(r"\b(asst_|thread_|run_|msg_|step_|call_|file-)[A-Za-z0-9]{20,}", rename, body)
    return re.sub(r'("\w+_at":)(\d+)', lambda m: f"{m.group(1)}{int(m.group(2)) + shift}", body)


@pytest.mark.parametrize(("name", "body"), all_streams())
def test_real_stream_recorded_again_gives_the_same_transcript(name: str, body: str) -> None:
    again = rerecorded(body, seed=len(name))
    assert again != body
    assert render_transcript(again) == render_transcript(body)
