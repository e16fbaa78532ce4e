"""Property tests: break a legal stream in one way, and the rule that names that way catches it.

The legal streams are the synthetic ones of ``stream_samples`` and, when present, every real stream in
``../shared/real-cassettes``. Each mutation lists the places it can apply to; Hypothesis picks the stream,
the place and (where it matters) the details. Every mutated stream is checked as SSE text, as it would be
read off a cassette.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stream_samples import SYNTHETIC, Event, real_streams, synthetic, to_sse

from harness.streams import check_stream, iter_events, split_sse_events
from harness.streams._events import classify

Draw = Callable[[st.SearchStrategy[Any]], Any]
Result = tuple[list[Event] | str, str]


def _pool() -> list[tuple[str, list[Event]]]:
    pool = [(f"synthetic:{name}", synthetic(name)) for name in SYNTHETIC]
    for label, text in real_streams():
        pool.append((label, [{"event": name, "data": data} for name, data in iter_events(text)]))
    return pool


POOL = _pool()


# -- reading a stream ----------------------------------------------------------------------------


def _kind(event: Event) -> tuple[str, str] | None:
    return classify(event["event"])


def _indexes(events: list[Event], kinds: set[str], stages: set[str]) -> list[int]:
    return [
        i
        for i, event in enumerate(events)
        if (ks := _kind(event)) is not None and ks[0] in kinds and ks[1] in stages
    ]


def _created_ids(events: list[Event]) -> set[str]:
    return {events[i]["data"]["id"] for i in _indexes(events, {"step", "message"}, {"created"})}


def _created_here(events: list[Event], index: int) -> bool:
    return events[index]["data"].get("id") in _created_ids(events)


def _ends_in_stream(events: list[Event], object_id: str) -> bool:
    return any(
        events[i]["data"].get("id") == object_id for i in _indexes(events, {"step", "message"}, {"completed"})
    )


def _first_created(events: list[Event]) -> int:
    found = _indexes(events, {"step", "message"}, {"created"})
    return found[0] if found else len(events)


def _fresh(events: list[Event]) -> bool:
    return any(event["event"] == "thread.run.created" for event in events)


def _run_end(events: list[Event]) -> int:
    return _indexes(
        events, {"run"}, {"completed", "requires_action", "failed", "cancelled", "expired", "incomplete"}
    )[0]


def _done(events: list[Event]) -> int:
    return next(i for i, event in enumerate(events) if event["event"] == "done")


# -- mutations: candidates(events) -> places; apply(events, place, draw) -> (stream, rule) ---------


def _text_deltas(events: list[Event]) -> list[tuple[int, int]]:
    places = []
    for i in _indexes(events, {"message"}, {"delta"}):
        for j, block in enumerate(events[i]["data"]["delta"].get("content") or []):
            if (block.get("text") or {}).get("value"):
                places.append((i, j))
    return places


def _call_deltas(events: list[Event], call_type: str) -> list[tuple[int, int]]:
    places = []
    for i in _indexes(events, {"step"}, {"delta"}):
        calls = (events[i]["data"]["delta"].get("step_details") or {}).get("tool_calls") or []
        for j, call in enumerate(calls):
            field = "arguments" if call_type == "function" else "input"
            if call.get("type") == call_type and (call.get(call_type) or {}).get(field):
                places.append((i, j))
    return places


def drop_text_delta(events: list[Event], place: tuple[int, int], draw: Draw) -> Result:
    del events[place[0]]
    return events, "content.text-deltas"


def corrupt_text_delta(events: list[Event], place: tuple[int, int], draw: Draw) -> Result:
    text = events[place[0]]["data"]["delta"]["content"][place[1]]["text"]
    text["value"] = draw(st.sampled_from(["", "§", text["value"] + "§", text["value"][::-1] + "§"]))
    return events, "content.text-deltas"


def corrupt_arguments(events: list[Event], place: tuple[int, int], draw: Draw) -> Result:
    data = events[place[0]]["data"]
    data["delta"]["step_details"]["tool_calls"][place[1]]["function"]["arguments"] += draw(
        st.sampled_from("§x}")
    )
    completes = _ends_in_stream(events, data["id"])
    return events, "content.function-arguments" if completes else "run.required-action-calls"


def corrupt_code_input(events: list[Event], place: tuple[int, int], draw: Draw) -> Result:
    call = events[place[0]]["data"]["delta"]["step_details"]["tool_calls"][place[1]]
    call["code_interpreter"]["input"] = draw(st.sampled_from(["", "§"]))
    return events, "content.code-input"


def duplicate_object_end(events: list[Event], place: int, draw: Draw) -> Result:
    events.insert(place + 1, copy.deepcopy(events[place]))
    return events, "object.single-terminal"


def drop_object_end(events: list[Event], place: int, draw: Draw) -> Result:
    del events[place]
    return events, "object.single-terminal"


def duplicate_run_end(events: list[Event], place: int, draw: Draw) -> Result:
    events.insert(place + 1, copy.deepcopy(events[place]))
    return events, "run.single-terminal"


def duplicate_done(events: list[Event], place: int, draw: Draw) -> Result:
    events.insert(place, copy.deepcopy(events[place]))
    return to_sse(events), "stream.done-once"


def drop_done(events: list[Event], place: int, draw: Draw) -> Result:
    del events[place]
    return to_sse(events), "stream.done-last"


def event_after_done(events: list[Event], place: int, draw: Draw) -> Result:
    events.append(copy.deepcopy(events[place]))
    return to_sse(events), "stream.nothing-after-done"


def event_after_error(events: list[Event], place: int, draw: Draw) -> Result:
    events.insert(place, {"event": "error", "data": {"message": "boom", "type": "server_error"}})
    return to_sse(events), "stream.error-ends"


def drop_created(events: list[Event], place: int, draw: Draw) -> Result:
    del events[place]
    return events, "object.unknown"


def drop_in_progress(events: list[Event], place: int, draw: Draw) -> Result:
    del events[place]
    return events, "object.lifecycle"


def drop_run_event(events: list[Event], place: int, draw: Draw) -> Result:
    del events[place]
    return events, "run.lifecycle"


def swap_run_events(events: list[Event], place: int, draw: Draw) -> Result:
    events[place], events[place + 1] = events[place + 1], events[place]
    return events, "run.lifecycle"


def delta_before_created(events: list[Event], place: int, draw: Draw) -> Result:
    delta = events.pop(place)
    created = next(
        i
        for i in _indexes(events, {"step", "message"}, {"created"})
        if events[i]["data"]["id"] == delta["data"]["id"]
    )
    adopted = not _fresh(events) and created <= _first_created(events)
    events.insert(created, delta)
    return events, "object.created-first" if adopted else "object.unknown"


def end_before_last_delta(events: list[Event], place: int, draw: Draw) -> Result:
    events[place - 1], events[place] = events[place], events[place - 1]
    return events, "object.lifecycle"


def change_id_field(events: list[Event], place: int, draw: Draw) -> Result:
    data = events[place]["data"]
    kind = _kind(events[place])
    assert kind is not None
    fields = [key for key in ("thread_id", "assistant_id", "run_id") if isinstance(data.get(key), str)]
    if kind[0] == "run":
        fields.append("id")
    field = draw(st.sampled_from(fields))
    data[field] = data[field] + "_other"
    return events, "ids.consistent"


def change_delta_id(events: list[Event], place: int, draw: Draw) -> Result:
    events[place]["data"]["id"] = draw(st.sampled_from(["msg_elsewhere", "step_elsewhere"]))
    return events, "object.unknown"


def change_status(events: list[Event], place: int, draw: Draw) -> Result:
    events[place]["data"]["status"] = draw(st.sampled_from(["bogus", "cancelling", "expired"]))
    return events, "status.matches-event"


def change_object(events: list[Event], place: int, draw: Draw) -> Result:
    events[place]["data"]["object"] = draw(st.sampled_from(["thread.bogus", "list", ""]))
    return events, "event.object-type"


def time_goes_back(events: list[Event], place: int, draw: Draw) -> Result:
    data = events[place]["data"]
    key = "completed_at" if events[place]["event"].endswith(".completed") else "created_at"
    data[key] = data["created_at"] - draw(st.integers(1, 10_000)) if key == "completed_at" else 1_000
    return events, "time.monotonic"


def truncate_mid_event(events: list[Event], place: int, draw: Draw) -> Result:
    body = to_sse(events).encode()
    pieces = list(split_sse_events(body))
    piece = draw(st.integers(0, len(pieces) - 1))
    cut = draw(st.integers(1, len(pieces[piece]) - 2))
    return b"".join(pieces[:piece]).decode() + pieces[piece][:cut].decode(errors="ignore"), "stream.truncated"


def truncate_at_boundary(events: list[Event], place: int, draw: Draw) -> Result:
    return to_sse(events[:place]), "stream.done-last"


def change_required_call(events: list[Event], place: int, draw: Draw) -> Result:
    call = events[place]["data"]["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    field = draw(st.sampled_from(["id", "arguments", "name"]))
    if field == "id":
        call["id"] += "_other"
    else:
        call["function"][field] += "_other"
    return events, "run.required-action-calls"


def change_message_id(events: list[Event], place: int, draw: Draw) -> Result:
    events[place]["data"]["step_details"]["message_creation"]["message_id"] = "msg_never_created"
    return events, "step.message-exists"


def late_thread_created(events: list[Event], place: int, draw: Draw) -> Result:
    thread_id = next(
        e["data"]["thread_id"] for e in events if isinstance(e["data"], dict) and "thread_id" in e["data"]
    )
    events.insert(
        place, {"event": "thread.created", "data": {"id": thread_id, "object": "thread", "created_at": 1}}
    )
    return events, "thread.created-first"


def duplicate_created(events: list[Event], place: int, draw: Draw) -> Result:
    later = draw(st.integers(place + 1, _run_end(events)))
    events.insert(later, copy.deepcopy(events[place]))
    return events, "object.created-first"


def data_not_json(events: list[Event], place: int, draw: Draw) -> Result:
    events[place]["data"] = draw(st.sampled_from(["not json{", "[1, 2]", '"text"']))
    return to_sse(events), "stream.data-json"


def _ends_after_a_delta(events: list[Event]) -> list[int]:
    return [
        i
        for i in _indexes(events, {"step", "message"}, {"completed"})
        if events[i - 1]["event"].endswith(".delta")
        and events[i - 1]["data"]["id"] == events[i]["data"]["id"]
    ]


def _run_events(events: list[Event]) -> list[int]:
    return _indexes(events, {"run"}, {"created", "queued", "in_progress"})


MUTATIONS: dict[
    str, tuple[Callable[[list[Event]], list[Any]], Callable[[list[Event], Any, Draw], Result]]
] = {
    "drop-text-delta": (_text_deltas, drop_text_delta),
    "corrupt-text-delta": (_text_deltas, corrupt_text_delta),
    "corrupt-arguments": (lambda ev: _call_deltas(ev, "function"), corrupt_arguments),
    "corrupt-code-input": (lambda ev: _call_deltas(ev, "code_interpreter"), corrupt_code_input),
    "duplicate-object-end": (
        lambda ev: [i for i in _indexes(ev, {"step", "message"}, {"completed"}) if _created_here(ev, i)],
        duplicate_object_end,
    ),
    "drop-object-end": (
        lambda ev: [i for i in _indexes(ev, {"step", "message"}, {"completed"}) if _created_here(ev, i)],
        drop_object_end,
    ),
    "duplicate-run-end": (lambda ev: [_run_end(ev)], duplicate_run_end),
    "duplicate-done": (lambda ev: [_done(ev)], duplicate_done),
    "drop-done": (lambda ev: [_done(ev)], drop_done),
    "event-after-done": (lambda ev: list(range(_done(ev))), event_after_done),
    "event-after-error": (lambda ev: list(range(_run_end(ev) + 1)), event_after_error),
    "drop-created": (lambda ev: _indexes(ev, {"step", "message"}, {"created"}), drop_created),
    "drop-in-progress": (
        lambda ev: [i for i in _indexes(ev, {"step", "message"}, {"in_progress"}) if _created_here(ev, i)],
        drop_in_progress,
    ),
    "drop-run-created-or-queued": (
        lambda ev: [i for i in _indexes(ev, {"run"}, {"created", "queued"}) if _fresh(ev)],
        drop_run_event,
    ),
    "swap-run-events": (lambda ev: [i for i in _run_events(ev) if i + 1 in _run_events(ev)], swap_run_events),
    "delta-before-created": (
        lambda ev: [i for i in _indexes(ev, {"step", "message"}, {"delta"}) if _created_here(ev, i)],
        delta_before_created,
    ),
    "end-before-last-delta": (_ends_after_a_delta, end_before_last_delta),
    "change-id-field": (
        lambda ev: [
            i
            for i in _indexes(
                ev,
                {"run", "step", "message"},
                {"created", "queued", "in_progress", "completed", "requires_action"},
            )
        ],
        change_id_field,
    ),
    "change-delta-id": (
        lambda ev: [i for i in _indexes(ev, {"step", "message"}, {"delta"}) if i > _first_created(ev)],
        change_delta_id,
    ),
    "change-status": (
        lambda ev: _indexes(
            ev, {"run", "step", "message"}, {"created", "queued", "in_progress", "completed"}
        ),
        change_status,
    ),
    "change-object": (
        lambda ev: _indexes(ev, {"run", "step", "message"}, {"created", "delta", "completed"}),
        change_object,
    ),
    "time-goes-back": (
        lambda ev: [
            i
            for i in _indexes(ev, {"step", "message"}, {"created", "completed"})
            if i > 0 and isinstance(ev[i]["data"].get("created_at"), int)
        ],
        time_goes_back,
    ),
    "truncate-mid-event": (lambda ev: [0], truncate_mid_event),
    "truncate-at-boundary": (lambda ev: list(range(1, _done(ev))), truncate_at_boundary),
    "change-required-call": (
        lambda ev: [
            i
            for i in _indexes(ev, {"run"}, {"requires_action"})
            if _fresh(ev) and ev[i]["data"]["required_action"]["submit_tool_outputs"]["tool_calls"]
        ],
        change_required_call,
    ),
    "change-message-id": (
        lambda ev: [
            i
            for i in _indexes(ev, {"step"}, {"completed"})
            if _created_here(ev, i) and ev[i]["data"]["step_details"]["type"] == "message_creation"
        ],
        change_message_id,
    ),
    "late-thread-created": (lambda ev: list(range(1, _done(ev))), late_thread_created),
    "duplicate-created": (lambda ev: _indexes(ev, {"step", "message"}, {"created"}), duplicate_created),
    "data-not-json": (
        lambda ev: _indexes(ev, {"run", "step", "message"}, {"created", "delta", "completed"}),
        data_not_json,
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_each_mutation_applies_to_a_synthetic_stream(mutation: str) -> None:
    candidates, _ = MUTATIONS[mutation]
    assert any(candidates(synthetic(name)) for name in SYNTHETIC), (
        f"{mutation} applies to no synthetic stream"
    )


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutation_is_caught_by_the_rule_that_names_it(mutation: str, data: st.DataObject) -> None:
    candidates, apply = MUTATIONS[mutation]
    pool = [(label, events) for label, events in POOL if candidates(events)]
    label, events = data.draw(st.sampled_from(pool), label="stream")
    events = copy.deepcopy(events)
    place = data.draw(st.sampled_from(candidates(events)), label="place")
    mutated, rule = apply(events, place, data.draw)
    stream = mutated if isinstance(mutated, str) else to_sse(mutated)
    findings = check_stream(stream)
    assert rule in {finding.rule for finding in findings}, (
        label,
        [(f.rule, f.event, f.message) for f in findings],
    )
    for finding in findings:
        assert finding.kind == "grammar"
        assert finding.severity == "violation"


def test_legal_streams_in_the_pool_have_no_findings() -> None:
    for label, events in POOL:
        assert check_stream(to_sse(events)) == [], label
