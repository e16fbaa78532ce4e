"""One minimal broken stream per grammar rule, and exactly the findings it should give."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from stream_samples import Builder, Event, synthetic, to_sse

from harness import ContractViolation, Finding
from harness.streams import RULES, assert_stream_valid, check_stream


def _at(events: list[Event], name: str, nth: int = 0) -> int:
    """Index of the ``nth`` event called ``name``."""
    return [i for i, event in enumerate(events) if event["event"] == name][nth]


def _found(stream: object, **kwargs: Any) -> list[tuple[str | None, int | None, str | None]]:
    return [(f.rule, f.event, f.object) for f in check_stream(stream, **kwargs)]


# Each example returns (stream, keyword arguments, the exact findings as (rule, event, object)).
Example = tuple[object, dict[str, Any], list[tuple[str, int | None, str | None]]]


def truncated() -> Example:
    events = synthetic("chat")
    return to_sse(events)[:-5], {}, [("stream.truncated", len(events) - 1, "done")]


def data_json() -> Example:
    events = synthetic("tools")
    events[0]["data"] = "not json"
    return to_sse(events), {}, [("stream.data-json", 0, "thread.created")]


def done_last() -> Example:
    events = synthetic("chat")[:-1]
    return to_sse(events), {}, [("stream.done-last", len(events) - 1, "thread.run.completed")]


def done_once() -> Example:
    events = synthetic("chat")
    events.append({"event": "done", "data": "[DONE]"})
    return to_sse(events), {}, [("stream.done-once", len(events) - 1, "done")]


def nothing_after_done() -> Example:
    events = synthetic("chat")
    events.append(copy.deepcopy(events[_at(events, "thread.message.delta")]))
    return to_sse(events), {}, [("stream.nothing-after-done", len(events) - 1, "thread.message.delta")]


def error_ends() -> Example:
    events = synthetic("chat")
    end = _at(events, "thread.run.completed")
    events.insert(end, {"event": "error", "data": {"message": "server error", "type": "server_error"}})
    return to_sse(events), {}, [("stream.error-ends", end + 1, "thread.run.completed")]


def object_type() -> Example:
    events = synthetic("chat")
    queued = _at(events, "thread.run.queued")
    events[queued]["data"]["object"] = "thread"
    return to_sse(events), {}, [("event.object-type", queued, "thread.run.queued")]


def status_matches() -> Example:
    events = synthetic("chat")
    end = _at(events, "thread.run.completed")
    events[end]["data"]["status"] = "failed"
    return to_sse(events), {}, [("status.matches-event", end, "thread.run.completed")]


def thread_first() -> Example:
    events = synthetic("tools")
    thread = events.pop(0)
    events.insert(1, thread)
    return to_sse(events), {}, [("thread.created-first", 1, "thread.created")]


def run_lifecycle() -> Example:
    events = synthetic("chat")
    del events[_at(events, "thread.run.queued")]
    return (
        to_sse(events),
        {},
        [("run.lifecycle", _at(events, "thread.run.in_progress"), "thread.run.in_progress")],
    )


def run_single_terminal() -> Example:
    events = synthetic("chat")
    end = _at(events, "thread.run.completed")
    events.insert(end + 1, copy.deepcopy(events[end]))
    return to_sse(events), {}, [("run.single-terminal", end + 1, "thread.run.completed")]


def required_calls() -> Example:
    events = synthetic("tools")
    action = _at(events, "thread.run.requires_action")
    events[action]["data"]["required_action"]["submit_tool_outputs"]["tool_calls"].pop()
    return to_sse(events), {}, [("run.required-action-calls", action, "thread.run.requires_action")]


def ids_consistent() -> Example:
    events = synthetic("chat")
    message = _at(events, "thread.message.completed")
    events[message]["data"]["assistant_id"] = "asst_other"
    return to_sse(events), {}, [("ids.consistent", message, "thread.message.completed")]


def created_first() -> Example:
    events = synthetic("chat")
    created = _at(events, "thread.run.step.created")
    events.insert(created + 2, copy.deepcopy(events[created]))
    return to_sse(events), {}, [("object.created-first", created + 2, "thread.run.step.created")]


def unknown() -> Example:
    events = synthetic("chat")
    delta = _at(events, "thread.message.delta", 1)
    events[delta]["data"]["id"] = "msg_elsewhere"
    # The lost delta also leaves the completed text short of it.
    completed = _at(events, "thread.message.completed")
    return (
        to_sse(events),
        {},
        [
            ("object.unknown", delta, "thread.message.delta"),
            ("content.text-deltas", completed, "thread.message.completed"),
        ],
    )


def lifecycle() -> Example:
    events = synthetic("chat")
    del events[_at(events, "thread.message.in_progress")]
    return (
        to_sse(events),
        {},
        [("object.lifecycle", _at(events, "thread.message.delta"), "thread.message.delta")],
    )


def single_terminal() -> Example:
    events = synthetic("chat")
    completed = _at(events, "thread.message.completed")
    events.insert(completed + 1, copy.deepcopy(events[completed]))
    return to_sse(events), {}, [("object.single-terminal", completed + 1, "thread.message.completed")]


def message_exists() -> Example:
    events = synthetic("chat")
    step = _at(events, "thread.run.step.completed")
    events[step]["data"]["step_details"]["message_creation"]["message_id"] = "msg_never"
    return to_sse(events), {}, [("step.message-exists", step, "thread.run.step.completed")]


def text_deltas() -> Example:
    events = synthetic("chat")
    delta = _at(events, "thread.message.delta", 1)
    events[delta]["data"]["delta"]["content"][0]["text"]["value"] = ", there"
    completed = _at(events, "thread.message.completed")
    return to_sse(events), {}, [("content.text-deltas", completed, "thread.message.completed")]


def function_arguments() -> Example:
    events = synthetic("function-step")
    delta = _at(events, "thread.run.step.delta", 1)
    events[delta]["data"]["delta"]["step_details"]["tool_calls"][0]["function"]["arguments"] = ': "y"}'
    completed = _at(events, "thread.run.step.completed")
    return to_sse(events), {}, [("content.function-arguments", completed, "thread.run.step.completed")]


def code_input() -> Example:
    events = synthetic("tools")
    delta = _at(events, "thread.run.step.delta", 2)
    events[delta]["data"]["delta"]["step_details"]["tool_calls"][0]["code_interpreter"]["input"] = "]"
    completed = _at(events, "thread.run.step.completed")
    return to_sse(events), {}, [("content.code-input", completed, "thread.run.step.completed")]


def monotonic() -> Example:
    events = synthetic("chat")
    completed = _at(events, "thread.run.step.completed")
    data = events[completed]["data"]
    data["completed_at"] = data["created_at"] - 1
    # The step ends before it began, and before the message it waited for ended.
    return to_sse(events), {}, [("time.monotonic", completed, "thread.run.step.completed")] * 2


EXAMPLES: dict[str, Callable[[], Example]] = {
    "stream.truncated": truncated,
    "stream.data-json": data_json,
    "stream.done-last": done_last,
    "stream.done-once": done_once,
    "stream.nothing-after-done": nothing_after_done,
    "stream.error-ends": error_ends,
    "event.object-type": object_type,
    "status.matches-event": status_matches,
    "thread.created-first": thread_first,
    "run.lifecycle": run_lifecycle,
    "run.single-terminal": run_single_terminal,
    "run.required-action-calls": required_calls,
    "ids.consistent": ids_consistent,
    "object.created-first": created_first,
    "object.unknown": unknown,
    "object.lifecycle": lifecycle,
    "object.single-terminal": single_terminal,
    "step.message-exists": message_exists,
    "content.text-deltas": text_deltas,
    "content.function-arguments": function_arguments,
    "content.code-input": code_input,
    "time.monotonic": monotonic,
}


def test_every_rule_has_an_example() -> None:
    assert list(EXAMPLES) == list(RULES)


@pytest.mark.parametrize("rule", list(RULES))
def test_the_example_breaks_exactly_its_rule(rule: str) -> None:
    stream, kwargs, expected = EXAMPLES[rule]()
    assert _found(stream, **kwargs) == expected


@pytest.mark.parametrize("rule", list(RULES))
def test_findings_carry_rule_location_and_expected_versus_seen(rule: str) -> None:
    stream, kwargs, _ = EXAMPLES[rule]()
    for finding in check_stream(stream, **kwargs):
        assert finding.kind == "grammar"
        assert finding.severity == "violation"
        assert finding.rule in RULES
        assert finding.expected is not None
        assert finding.seen is not None
        assert "expected" in finding.message


# -- finer points of single rules -----------------------------------------------------------------


def test_a_stream_ended_by_an_error_needs_no_done_nor_run_end() -> None:
    b = Builder()
    b.run("created")
    b.run("queued")
    b.emit("error", {"message": "The server had an error", "type": "server_error"})
    assert check_stream(to_sse(b.events)) == []
    b.emit("done", "[DONE]")
    assert check_stream(to_sse(b.events)) == []


def test_a_run_that_never_ends_is_reported_at_done() -> None:
    events = synthetic("chat")
    del events[_at(events, "thread.run.completed")]
    assert _found(to_sse(events)) == [("run.single-terminal", len(events) - 1, "done")]


def test_a_message_left_open_when_the_run_completes() -> None:
    events = synthetic("chat")
    del events[_at(events, "thread.message.completed")]
    end = _at(events, "thread.run.completed")
    assert _found(to_sse(events)) == [("object.single-terminal", end, "thread.run.completed")]


def test_only_function_call_steps_stay_open_at_requires_action() -> None:
    events = synthetic("tools")
    del events[_at(events, "thread.run.step.completed")]  # the code_interpreter step
    action = _at(events, "thread.run.requires_action")
    assert _found(to_sse(events)) == [("object.single-terminal", action, "thread.run.requires_action")]


def test_nothing_about_the_run_follows_its_end() -> None:
    events = synthetic("chat")
    end = _at(events, "thread.run.completed")
    again = copy.deepcopy(events[_at(events, "thread.run.in_progress")])
    again["data"]["started_at"] = events[end]["data"]["completed_at"]
    events.insert(end + 1, again)
    assert _found(to_sse(events)) == [("run.lifecycle", end + 1, "thread.run.in_progress")]


def test_thread_created_is_not_part_of_a_resumed_stream() -> None:
    events = synthetic("tools")
    assert _found(to_sse(events), resumed=True) == [
        ("thread.created-first", 0, "thread.created"),
        ("run.lifecycle", 1, "thread.run.created"),
    ]


def test_a_resumed_stream_read_as_fresh_breaks_the_lifecycle() -> None:
    found = _found(to_sse(synthetic("resumed")), resumed=False)
    assert ("run.lifecycle", 0, "thread.run.step.completed") in found
    assert ("object.unknown", 0, "thread.run.step.completed") in found


def test_a_resumed_stream_may_finish_the_open_step_but_not_start_it_again() -> None:
    events = synthetic("resumed")
    assert check_stream(to_sse(events)) == []
    assert check_stream(to_sse(events), resumed=True) == []
    in_progress = copy.deepcopy(events[0])
    in_progress["event"] = "thread.run.step.in_progress"
    in_progress["data"].update(status="in_progress", completed_at=None)
    assert _found(to_sse([in_progress, *events]), resumed=True) == [
        ("object.unknown", 0, "thread.run.step.in_progress")
    ]


def test_annotation_deltas_must_match_the_completed_annotations() -> None:
    events = synthetic("chat")
    cited = next(
        i
        for i, event in enumerate(events)
        if event["event"] == "thread.message.delta"
        and event["data"]["delta"]["content"][0]["text"].get("annotations")
    )
    events[cited]["data"]["delta"]["content"][0]["text"]["annotations"][0]["start_index"] += 1
    completed = _at(events, "thread.message.completed")
    findings = check_stream(to_sse(events))
    assert [(f.rule, f.event, f.path) for f in findings] == [
        ("content.text-deltas", completed, "content.0.text.annotations")
    ]


def test_text_deltas_for_a_part_the_message_does_not_have() -> None:
    events = synthetic("chat")
    completed = _at(events, "thread.message.completed")
    events[completed]["data"]["content"].pop()
    findings = check_stream(to_sse(events))
    assert [(f.rule, f.event, f.path) for f in findings] == [("content.text-deltas", completed, "content.1")]


def test_time_goes_back_between_events_of_one_object() -> None:
    events = synthetic("chat")
    end = _at(events, "thread.run.completed")
    events[end]["data"]["started_at"] -= 1
    findings = check_stream(to_sse(events))
    assert [(f.rule, f.event, f.path) for f in findings] == [("time.monotonic", end, "started_at")]


def test_an_event_dated_before_the_one_before_it() -> None:
    events = synthetic("chat")
    created = _at(events, "thread.message.created")
    for index in range(created, _at(events, "thread.message.completed") + 1):
        if events[index]["event"] != "thread.message.delta":
            events[index]["data"]["created_at"] -= 100
    findings = check_stream(to_sse(events))
    assert [(f.rule, f.event, f.path) for f in findings] == [("time.monotonic", created, "created_at")]


def test_objects_made_together_may_straddle_a_second_but_no_more() -> None:
    events = synthetic("chat")
    created = _at(events, "thread.message.created")
    step_created = events[_at(events, "thread.run.step.created")]["data"]["created_at"]
    for index in (created, _at(events, "thread.message.in_progress")):
        events[index]["data"]["created_at"] = step_created - 1
    assert check_stream(to_sse(events)) == []
    for index in (created, _at(events, "thread.message.in_progress")):
        events[index]["data"]["created_at"] = step_created - 2
    assert _found(to_sse(events)) == [("time.monotonic", created, "thread.message.created")]


def test_a_delta_without_an_index() -> None:
    events = synthetic("chat")
    delta = _at(events, "thread.message.delta")
    del events[delta]["data"]["delta"]["content"][0]["index"]
    rules = {f.rule for f in check_stream(to_sse(events))}
    assert rules == {"content.text-deltas"}


# -- the report -----------------------------------------------------------------------------------


def test_assert_stream_valid_passes_a_legal_stream() -> None:
    assert_stream_valid(to_sse(synthetic("chat")))
    assert_stream_valid(synthetic("resumed"), resumed=True)


def test_assert_stream_valid_reports_rule_place_and_expected_versus_seen() -> None:
    stream, _, _ = status_matches()
    with pytest.raises(ContractViolation) as caught:
        assert_stream_valid(stream)
    report = str(caught.value)
    end = _at(synthetic("chat"), "thread.run.completed")
    assert report.splitlines()[0] == "The stream breaks the grammar (1 finding):"
    assert f"event {end} (thread.run.completed) [status.matches-event]" in report
    assert "expected: completed" in report
    assert "seen:     failed" in report
    assert "docs/stream-grammar.md" in report
    assert [f.rule for f in caught.value.findings] == ["status.matches-event"]
    assert all(isinstance(f, Finding) for f in caught.value.findings)
