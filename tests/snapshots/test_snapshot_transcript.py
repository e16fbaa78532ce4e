"""Stream transcripts: the accepted forms, folding of deltas, and stability across re-recordings."""

from __future__ import annotations

import json
import random
from typing import Any

import openai
import pytest
from snapshot_samples import run_stream, sse_server, to_sse

from harness import HarnessError
from harness.snapshots import Normaliser, StreamSnapshotExtension, read_events, render_transcript
from harness.streams._sse import decode_sse

EXPECTED = """\
thread.run.created           run_1 queued
thread.run.queued            run_1 queued
thread.run.in_progress       run_1 in_progress
thread.run.step.created      step_1 in_progress message_creation msg_1
thread.run.step.in_progress  step_1 in_progress message_creation msg_1
thread.message.created       msg_1 in_progress assistant
thread.message.in_progress   msg_1 in_progress assistant
thread.message.delta ×4      msg_1 content[0] += "The answer is 4."
thread.message.completed     msg_1 completed assistant "The answer is 4."
thread.run.step.completed    step_1 completed message_creation msg_1 usage 12+5=17
thread.run.completed         run_1 completed usage 12+5=17
done
"""


def test_transcript_of_a_streamed_run() -> None:
    assert render_transcript(run_stream(seed=1)) == EXPECTED


@pytest.mark.parametrize(
    "form",
    ["dicts", "sse text", "sse bytes", "sse chunks", "decoded", "data as text"],
)
def test_every_accepted_form_gives_the_same_transcript(form: str) -> None:
    events = run_stream(seed=2)
    body = to_sse(events)
    stream: object = {
        "dicts": events,
        "sse text": body,
        "sse bytes": body.encode(),
        "sse chunks": [body.encode()[i : i + 7] for i in range(0, len(body.encode()), 7)],
        "decoded": decode_sse(body),
        "data as text": [
            {"event": e["event"], "data": e["data"] if isinstance(e["data"], str) else json.dumps(e["data"])}
            for e in events
        ],
    }[form]
    assert render_transcript(stream) == EXPECTED


def test_sdk_stream_events_and_event_handler_events_render_alike() -> None:
    events = run_stream(seed=3)

    class Collect(openai.AssistantEventHandler):
        def __init__(self) -> None:
            super().__init__()
            self.events: list[Any] = []

        def on_event(self, event: Any) -> None:
            self.events.append(event)

    with sse_server(to_sse(events)) as base_url:
        client = openai.OpenAI(base_url=base_url, api_key="test", max_retries=0)
        with client.beta.threads.runs.stream(thread_id="thread_x", assistant_id="asst_x") as stream:
            iterated = list(stream)
        handler = Collect()
        with client.beta.threads.runs.stream(
            thread_id="thread_x", assistant_id="asst_x", event_handler=handler
        ) as managed:
            managed.until_done()

    assert type(iterated[0]).__module__.startswith("openai.")
    # The SDK does not hand out the closing "done" event; everything else is the same transcript.
    without_done = EXPECTED.removesuffix("done\n")
    assert render_transcript(iterated) == without_done
    assert render_transcript(handler.events) == without_done


def test_function_call_arguments_are_folded_and_shown_with_the_required_action() -> None:
    transcript = render_transcript(run_stream(seed=4, tool_call=True))
    assert transcript.splitlines()[-3:] == [
        "thread.run.step.delta ×2     step_1 tool_calls[0] call_1 function get_weather"
        ' arguments += "{\\"city\\": \\"Paris\\"}"',
        "thread.run.requires_action   run_1 requires_action submit_tool_outputs:"
        ' call_1 function get_weather({"city": "Paris"})',
        "done",
    ]


def test_recordings_that_differ_only_in_ids_and_clocks_give_identical_transcripts() -> None:
    seeds = random.Random(7).sample(range(10_000), 5)
    transcripts = {render_transcript(to_sse(run_stream(seed))) for seed in seeds}
    tool_transcripts = {render_transcript(run_stream(seed, tool_call=True)) for seed in seeds}
    assert len(transcripts) == 1
    assert len(tool_transcripts) == 1


def test_a_change_of_text_or_of_event_order_changes_the_transcript() -> None:
    events = run_stream(seed=5)
    assert render_transcript(run_stream(seed=5, text="The answer is 5.")) != render_transcript(events)
    swapped = list(events)
    swapped[1], swapped[2] = swapped[2], swapped[1]
    lines = render_transcript(swapped).splitlines()
    assert lines[1].startswith("thread.run.in_progress") and lines[2].startswith("thread.run.queued")


def test_deltas_of_different_objects_are_not_merged() -> None:
    def delta(msg: str, text: str) -> dict[str, Any]:
        content = [{"index": 0, "type": "text", "text": {"value": text}}]
        return {"event": "thread.message.delta", "data": {"id": msg, "delta": {"content": content}}}

    stream = [delta("msg_A1", "a"), delta("msg_A1", "b"), delta("msg_B2", "c"), delta("msg_A1", "d")]
    assert render_transcript(stream).splitlines() == [
        'thread.message.delta ×2      msg_1 content[0] += "ab"',
        'thread.message.delta ×1      msg_2 content[0] += "c"',
        'thread.message.delta ×1      msg_1 content[0] += "d"',
    ]


def event(name: str, **data: Any) -> dict[str, Any]:
    return {"event": name, "data": data}


def code_delta(**call: Any) -> dict[str, Any]:
    call = {"index": 0, "type": "code_interpreter", **call}
    return event("thread.run.step.delta", id="step_S1", delta={"step_details": {"tool_calls": [call]}})


def test_code_interpreter_annotations_errors_and_failures_are_shown() -> None:
    citation = {"type": "file_citation", "text": "[1]", "file_citation": {"file_id": "file-F1"}}
    text = {"index": 0, "type": "text", "text": {"value": "See [1]", "annotations": [citation]}}
    image = {"index": 1, "type": "image_file", "image_file": {"file_id": "file-G2"}}
    failure = {"code": "server_error", "message": "Sorry, run_R1 failed."}
    stream = [
        code_delta(id="call_C1", code_interpreter={"input": "print(", "outputs": []}),
        code_delta(code_interpreter={"input": "2+2)"}),
        code_delta(code_interpreter={"outputs": [{"index": 0, "type": "logs", "logs": "4"}]}),
        event("thread.message.delta", id="msg_M1", delta={"content": [text, image]}),
        event("thread.message.completed", id="msg_M1", status="completed", role="assistant", content=[text]),
        event("thread.run.failed", id="run_R1", status="failed", last_error=failure),
        event(
            "thread.message.incomplete",
            id="msg_M1",
            status="incomplete",
            incomplete_details={"reason": "max"},
        ),
        event("error", message="No run found with id 'run_R1'", type="invalid_request_error"),
    ]
    assert render_transcript(stream).splitlines() == [
        "thread.run.step.delta ×3     step_1 tool_calls[0] call_1 code_interpreter"
        ' input += "print(2+2)" logs "4"',
        "thread.message.delta ×1      msg_1"
        ' content[0] += "See [1]" (+1 annotation); content[1] image_file file_1',
        'thread.message.completed     msg_1 completed assistant "See [1]" [file_citation file_2 "[1]"]',
        'thread.run.failed            run_1 failed last_error server_error: "Sorry, run_1 failed."',
        "thread.message.incomplete    msg_1 incomplete incomplete max",
        "error                        invalid_request_error: \"No run found with id 'run_1'\"",
    ]


def test_a_cut_stream_and_unparsable_data_are_shown() -> None:
    body = to_sse(run_stream(seed=6))[:-40]
    lines = render_transcript(body).splitlines()
    assert lines[-1].startswith("(stream cut off: ")
    assert "done" not in lines
    assert render_transcript("event: thread.run.created\ndata: {not json\n\n") == (
        'thread.run.created           data "{not json"\n'
    )
    assert render_transcript([]) == "(no events)\n"


def test_extra_masks_apply_to_the_transcript() -> None:
    normaliser = Normaliser(extra_paths=("data.delta.content.*.text.value",), extra_patterns=(r"\d\.",))
    lines = render_transcript(run_stream(seed=1), normaliser=normaliser).splitlines()
    assert lines[7] == 'thread.message.delta ×4      msg_1 content[0] += "<masked><masked><masked><masked>"'
    assert lines[8] == 'thread.message.completed     msg_1 completed assistant "The answer is <masked>"'


def test_the_extension_serialises_a_transcript() -> None:
    assert StreamSnapshotExtension().serialize(to_sse(run_stream(seed=8))) == EXPECTED
    assert StreamSnapshotExtension.file_extension == "txt"


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        ({"event": "x"}, "cannot read a stream from a dict"),
        (42, "cannot read a stream from a int"),
        ([{"data": {}}], "stream item 0 has no event name"),
        ([{"event": "thread.run.created", "data": {}}, 3.5], "stream item 1 is a float, not an event"),
    ],
)
def test_something_that_is_not_a_stream_is_a_usage_error(stream: object, message: str) -> None:
    with pytest.raises(HarnessError, match=message):
        read_events(stream)


class WithoutText(StreamSnapshotExtension):
    extra_paths = ("data.delta.content.*.text.value", "data.content.*.text.value")


def test_a_subclass_configures_the_masks_of_the_stream_extension() -> None:
    transcript = WithoutText().serialize(run_stream(seed=9))
    assert isinstance(transcript, str)
    assert 'msg_1 content[0] += "<masked><masked><masked><masked>"' in transcript
    assert 'msg_1 completed assistant "<masked>"' in transcript
    assert "The answer" not in transcript
