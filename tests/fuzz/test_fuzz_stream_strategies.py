"""``stream_events``: legal streamed runs, by the grammar and the event contracts."""

from __future__ import annotations

from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.contracts import check_event
from harness.strategies import stream_events
from harness.streams import check_stream, reconstruct

FAST = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
Events = list[dict[str, Any]]


def _names(events: Events) -> list[str]:
    return [event["event"] for event in events]


@FAST
@given(stream_events())
def test_the_grammar_and_the_contracts_accept_every_stream(events: Events) -> None:
    assert check_stream(events) == []
    assert [finding for event in events for finding in check_event(event["event"], event["data"])] == []
    assert events[-1] == {"event": "done", "data": "[DONE]"}


@FAST
@given(stream_events(wire=True))
def test_the_wire_form_is_legal_sse(text: str) -> None:
    assert text.startswith(("event: thread.", "event: thread.run.step.completed"))
    assert check_stream(text) == []


@FAST
@given(stream_events(tools=["function"], outcomes=["requires_action"], start="run"))
def test_a_run_waiting_for_outputs_asks_for_the_streamed_calls(events: Events) -> None:
    assert check_stream(events, resumed=False) == []
    last_run = [event for event in events if event["event"] == "thread.run.requires_action"][-1]["data"]
    calls = last_run["required_action"]["submit_tool_outputs"]["tool_calls"]
    summary = reconstruct(events)
    streamed = [call for item in summary.objects if item.kind == "step" for call in item.tool_calls]
    assert [call["id"] for call in calls] == [call.id for call in streamed]
    assert [call["function"]["arguments"] for call in calls] == [call.arguments for call in streamed]


@FAST
@given(stream_events(tools=[], max_messages=3, outcomes=["completed"]))
def test_message_deltas_add_up_to_the_completed_text(events: Events) -> None:
    completed = {e["data"]["id"]: e["data"] for e in events if e["event"] == "thread.message.completed"}
    assert 1 <= len(completed) <= 3
    pieces: dict[str, str] = {}
    for event in events:
        if event["event"] == "thread.message.delta":
            text = event["data"]["delta"]["content"][0]["text"]
            pieces[event["data"]["id"]] = pieces.get(event["data"]["id"], "") + text["value"]
    assert pieces == {key: value["content"][0]["text"]["value"] for key, value in completed.items()}
    assert not {"thread.run.step.delta"} & set(_names(events))


@pytest.mark.parametrize("start", ["run", "thread", "resumed"])
@FAST
@given(data=st.data())
def test_the_start_of_the_stream(start: Literal["run", "thread", "resumed"], data: st.DataObject) -> None:
    events = data.draw(stream_events(start=start))
    first = {"run": "thread.run.created", "thread": "thread.created", "resumed": "thread.run.step.completed"}[
        start
    ]
    assert events[0]["event"] == first
    assert check_stream(events, resumed=start == "resumed") == []


@FAST
@given(stream_events(tools=["code_interpreter"], outcomes=["cancelled", "failed", "expired", "incomplete"]))
def test_only_the_chosen_tools_and_outcomes(events: Events) -> None:
    ends = {
        name
        for name in _names(events)
        if name.rsplit(".", 1)[-1] in ("cancelled", "failed", "expired", "incomplete")
    }
    assert {name for name in ends if name.startswith("thread.run.") and ".step." not in name} <= {
        "thread.run.cancelled",
        "thread.run.failed",
        "thread.run.expired",
        "thread.run.incomplete",
    }
    for event in events:
        if event["event"] == "thread.run.step.completed":
            for call in event["data"]["step_details"].get("tool_calls", []):
                assert call["type"] in ("code_interpreter", "function")  # function: a resumed stream's step


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tools": ["browser"]}, "unknown tools"),
        ({"tools": "function"}, "collection of names"),
        ({"max_messages": 11}, "from 0 to 10"),
        ({"start": "middle"}, "start must be one of"),
        ({"outcomes": ["exploded"]}, "unknown outcomes"),
        ({"outcomes": []}, "at least one outcome"),
        ({"tools": ["file_search"], "outcomes": ["requires_action"]}, "needs 'function'"),
    ],
)
def test_arguments_are_checked_eagerly(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        stream_events(**kwargs)
