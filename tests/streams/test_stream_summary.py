"""reconstruct(): the collapsed view of a stream."""

from __future__ import annotations

import json

from stream_samples import synthetic, to_sse

from harness.streams import ObjectSummary, StreamSummary, ToolCallSummary, reconstruct

CHAT_VIEW = """\
run run_syn: created → queued → in_progress → completed
step step_syn_a (message_creation → msg_syn_a): created → in_progress → completed
message msg_syn_a (assistant): created → in_progress → completed, 5 deltas
  [0] "Sure, here it is." [1 annotation]
  [1] "Source: [1]" [1 annotation]
done"""


def test_the_collapsed_view_of_a_chat() -> None:
    summary = reconstruct(to_sse(synthetic("chat")))
    assert isinstance(summary, StreamSummary)
    assert summary.render() == CHAT_VIEW
    assert [(item.kind, item.id) for item in summary.objects] == [
        ("run", "run_syn"),
        ("step", "step_syn_a"),
        ("message", "msg_syn_a"),
    ]
    message = summary.get("msg_syn_a")
    assert isinstance(message, ObjectSummary)
    assert dict(message.texts) == {0: "Sure, here it is.", 1: "Source: [1]"}
    assert message.annotations[1][0]["type"] == "file_citation"
    assert message.annotations[1][0]["start_index"] == len("Source: ")
    assert message.status == "completed"
    assert message.deltas == 5
    step = summary.get("step_syn_a")
    assert step is not None
    assert step.message_id == "msg_syn_a"
    assert step.type == "message_creation"
    assert summary.done
    assert summary.events == len(synthetic("chat"))


def test_tool_calls_collapse_to_their_arguments_and_input() -> None:
    summary = reconstruct(synthetic("tools"))
    assert [item.kind for item in summary.objects][:2] == ["thread", "run"]
    code = summary.get("step_syn_code")
    assert code is not None
    assert code.tool_calls == (
        ToolCallSummary(index=0, id="call_syn_code", type="code_interpreter", input="print(6*7)"),
    )
    functions = summary.get("step_syn_fn")
    assert functions is not None
    assert functions.transitions == ("created", "in_progress")
    assert [(c.id, c.name, c.arguments) for c in functions.tool_calls] == [
        ("call_syn_1", "weather", '{"city": "Lyon"}'),
        ("call_syn_2", "clock", "{}"),
    ]
    run = summary.of_kind("run")[0]
    assert run.transitions[-1] == "requires_action"
    assert [(c.id, c.name, c.arguments) for c in run.tool_calls] == [
        ("call_syn_1", "weather", '{"city": "Lyon"}'),
        ("call_syn_2", "clock", "{}"),
    ]


def test_a_resumed_stream_shows_the_step_it_finishes_with_its_output() -> None:
    summary = reconstruct(synthetic("resumed"))
    first = summary.objects[0]
    assert (first.kind, first.id, first.transitions) == ("step", "step_syn_wait", ("completed",))
    assert first.tool_calls[0].output == "42"
    assert summary.of_kind("run")[0].transitions == ("queued", "in_progress", "completed")


def test_function_output_comes_from_the_completed_step() -> None:
    step = reconstruct(synthetic("function-step")).get("step_syn_f")
    assert step is not None
    assert (step.tool_calls[0].arguments, step.tool_calls[0].output) == ('{"q": "x"}', "done")


def test_the_view_shows_what_the_deltas_say_even_when_the_stream_is_broken() -> None:
    events = synthetic("chat")
    delta = next(i for i, event in enumerate(events) if event["event"] == "thread.message.delta")
    events[delta]["data"]["delta"]["content"][0]["text"]["value"] = "Nah"
    message = reconstruct(events).get("msg_syn_a")
    assert message is not None
    assert message.texts[0] == "Nah, here it is."


def test_a_cut_stream_and_an_error_are_part_of_the_view() -> None:
    cut = reconstruct(to_sse(synthetic("chat"))[:-8])
    assert cut.truncated
    assert not cut.done
    assert cut.render().endswith("(cut in the middle of an event)")
    events = synthetic("chat")[:4]
    events.append({"event": "error", "data": {"message": "boom", "type": "server_error"}})
    failed = reconstruct(events)
    assert failed.error == {"message": "boom", "type": "server_error"}
    assert failed.render().splitlines()[-1] == 'error: {"message": "boom", "type": "server_error"}'


def test_the_json_form_round_trips_through_json() -> None:
    summary = reconstruct(synthetic("tools"))
    as_dict = summary.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict["objects"][0] == {
        "kind": "thread",
        "id": "thread_syn",
        "transitions": ["created"],
        "first_event": 0,
        "deltas": 0,
    }
    message = next(item for item in as_dict["objects"] if item["kind"] == "message")
    assert message["texts"] == {"0": "Checking the weather."}
