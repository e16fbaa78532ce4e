"""``harness show``: the timeline of a cassette, collapsed streams, findings inline, colour control."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from verify_samples import ASSISTANT, THREAD, CassetteWriter, interaction, sse

from harness.cli import main
from harness.streams import decode_sse
from harness.verify import read_recording


def _completed_texts(path: Path) -> list[str]:
    """The text of every ``thread.message.completed`` event of the cassette's streams."""
    texts = []
    for item in read_recording(path).interactions:
        if item.content_type != "text/event-stream":
            continue
        for event in decode_sse(item.response_body).events:
            if event.event == "thread.message.completed":
                content = json.loads(event.data)["content"]
                texts += [part["text"]["value"] for part in content if part["type"] == "text"]
    return texts


@pytest.mark.parametrize(
    "name",
    [
        "openai__openai-dotnet/tests__SessionRecords__AssistantsTests__StreamingRunWorks.json",
        "traceloop__openllmetry/packages__opentelemetry-instrumentation-openai__tests__traces__cassettes__"
        "test_assistant__test_streaming_assistant.yaml",
    ],
)
def test_show_collapses_a_real_stream_into_its_text(
    real_cassettes: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = real_cassettes / name
    texts = _completed_texts(path)
    assert texts, "the cassette should hold a streamed assistant message"
    main(["show", str(path)])
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    for text in texts:
        for line in filter(None, (line.strip() for line in text.splitlines())):
            assert line[:200] in out
    delta_lines = [line for line in out.splitlines() if "thread.message.delta" in line]
    assert delta_lines and all("×" in line for line in delta_lines)
    assert "stream," in out and "→ 200" in out


def test_show_lists_interactions_and_inline_findings(
    write_cassette: CassetteWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    message = {
        "id": "msg_sample1",
        "object": "thread.message.delta",
        "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hello"}}]},
    }
    second = {**message, "delta": {"content": [{"index": 0, "type": "text", "text": {"value": " there"}}]}}
    stream = sse(
        ("thread.message.delta", message),
        ("thread.message.delta", second),
        ("thread.surprise", {"id": "x"}),
        ("done", "[DONE]"),
    )
    path = write_cassette(
        "timeline.yaml",
        interaction("POST", "/threads", THREAD, request={}),
        interaction("GET", "/assistants/asst_sample1", {**ASSISTANT, "created_at": "yesterday"}),
        interaction("POST", "/threads/thread_sample1/runs", stream, content_type="text/event-stream"),
    )
    code = main(["show", "--no-color", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    first = next(i for i, line in enumerate(lines) if line.startswith("#0"))
    assert "POST" in lines[first] and "/threads" in lines[first] and "→ 200" in lines[first]
    second_line = next(i for i, line in enumerate(lines) if line.startswith("#1"))
    assert "violation" in lines[second_line + 2] and "created_at" in lines[second_line + 2]
    assert any("thread.message.delta ×2  → Hello there" in line for line in lines)
    surprise = next(i for i, line in enumerate(lines) if "thread.surprise" in line)
    assert "unknown_event" in lines[surprise + 1]


def test_colour_is_forced_or_refused(
    write_cassette: CassetteWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_cassette("one.yaml", interaction("POST", "/threads", THREAD, request={}))
    assert main(["show", "--color", str(path)]) == 0
    assert "\x1b[" in capsys.readouterr().out
    assert main(["show", "--no-color", str(path)]) == 0
    assert "\x1b[" not in capsys.readouterr().out


def test_unreadable_cassette_is_shown_as_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("interactions: [\n", encoding="utf-8")
    assert main(["show", str(path)]) == 1
    out = capsys.readouterr().out
    assert "cannot be read" in out and "not valid YAML" in out


@pytest.mark.parametrize("target", ["missing.yaml", "."])
def test_show_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["show", target]) == 2
    assert "expected one cassette file" in capsys.readouterr().err
