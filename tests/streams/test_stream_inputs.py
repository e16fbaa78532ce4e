"""Every form of a stream reads the same: text, bytes, chunks, SSE events, dicts, SDK objects."""

from __future__ import annotations

import json

import pytest
from stream_samples import synthetic, to_sse

from harness import HarnessError
from harness.streams import SSEEvent, check_stream, decode_sse, iter_events, reconstruct


def _sdk_events(body: str) -> list[object]:
    """The events the openai SDK yields for ``body``, served through its own HTTP transport."""
    httpx2 = pytest.importorskip("httpx2")
    openai = pytest.importorskip("openai")

    def handler(request: object) -> object:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"}, content=body.encode())

    client = openai.OpenAI(
        api_key="sk-test",
        base_url="http://127.0.0.1:9/v1",
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )
    with client.beta.threads.runs.create(
        thread_id="thread_syn", assistant_id="asst_syn", stream=True
    ) as stream:
        return list(stream)


def test_all_forms_give_the_same_pairs() -> None:
    events = synthetic("tools")
    text = to_sse(events)
    expected = [(event["event"], event["data"]) for event in events]
    assert iter_events(text) == expected
    assert iter_events(text.encode()) == expected
    assert iter_events([text.encode()[i : i + 5] for i in range(0, len(text.encode()), 5)]) == expected
    assert iter_events(decode_sse(text)) == expected
    assert iter_events(list(decode_sse(text).events)) == expected
    assert iter_events(events) == expected
    as_json_text = [
        {"event": e["event"], "data": e["data"] if isinstance(e["data"], str) else json.dumps(e["data"])}
        for e in events
    ]
    assert iter_events(as_json_text) == expected
    assert iter_events(expected) == expected
    assert iter_events([("message", '"not parsed twice"')]) == [("message", '"not parsed twice"')]


def test_an_event_without_a_name_is_a_message_event() -> None:
    assert iter_events([SSEEvent(event=None, data='{"a": 1}')]) == [("message", {"a": 1})]


@pytest.mark.parametrize("stream", [42, None, {"event": "done"}, [1, 2], [{"data": "{}"}]])
def test_what_is_not_a_stream_is_a_usage_error(stream: object) -> None:
    with pytest.raises(HarnessError, match="expected"):
        check_stream(stream)


def test_done_is_required_off_the_wire_only() -> None:
    events = synthetic("chat")[:-1]
    assert [f.rule for f in check_stream(to_sse(events))] == ["stream.done-last"]
    assert [f.rule for f in check_stream(list(decode_sse(to_sse(events)).events))] == ["stream.done-last"]
    assert check_stream(events) == []


def test_an_empty_stream_has_no_run() -> None:
    assert [f.rule for f in check_stream([])] == ["run.single-terminal"]
    assert [f.rule for f in check_stream("")] == ["stream.done-last", "run.single-terminal"]


@pytest.mark.parametrize("name", ["chat", "tools", "function-step"])
def test_sdk_stream_events_are_read_by_their_attributes(name: str) -> None:
    body = to_sse(synthetic(name))
    sdk_events = _sdk_events(body)
    assert type(sdk_events[0]).__module__.startswith("openai.")
    assert check_stream(sdk_events) == []
    assert reconstruct(sdk_events).objects == reconstruct(body).objects
    assert [name for name, _ in iter_events(sdk_events)] == [name for name, _ in iter_events(body)][:-1]


def test_a_broken_stream_is_caught_through_the_sdk_too() -> None:
    events = synthetic("chat")
    delta = next(i for i, event in enumerate(events) if event["event"] == "thread.message.delta")
    events[delta]["data"]["delta"]["content"][0]["text"]["value"] = "Nope"
    rules = [f.rule for f in check_stream(_sdk_events(to_sse(events)))]
    assert rules == ["content.text-deltas"]


def test_sdk_objects_dumped_with_every_field_read_the_same() -> None:
    sdk_events = _sdk_events(to_sse(synthetic("tools")))
    dumped = [event.model_dump() for event in sdk_events]
    assert check_stream(dumped) == []
    assert reconstruct(dumped).objects == reconstruct(sdk_events).objects
