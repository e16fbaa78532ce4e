"""The JSON snapshot serializer: what it accepts, what it writes, and its round-trip property."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from hypothesis import given
from hypothesis import strategies as st
from snapshot_samples import http_server

import harness.snapshots
from harness import HarnessError
from harness.snapshots import AssistantsSnapshotExtension, JSONValue, load_payload, normalise, to_jsonable

ASSISTANT = {
    "id": "asst_Pq7rS8tU9vW0xY1zA2bC3dE4",
    "object": "assistant",
    "created_at": 1_700_000_000,
    "name": "Math Tutor",
    "description": None,
    "model": "gpt-4o",
    "instructions": "Answer briefly.",
    "tools": [{"type": "code_interpreter"}],
    "metadata": {},
}


def serialize(value: object, extension: AssistantsSnapshotExtension | None = None) -> str:
    result = (extension or AssistantsSnapshotExtension()).serialize(value)
    assert isinstance(result, str)
    return result


def test_public_api_is_pinned() -> None:
    assert harness.snapshots.__all__ == [
        "AssistantsSnapshotExtension",
        "JSONValue",
        "Normaliser",
        "StreamEvent",
        "StreamSnapshotExtension",
        "load_payload",
        "normalise",
        "read_events",
        "render_transcript",
        "to_jsonable",
    ]
    assert harness.snapshots.__all__ == sorted(harness.snapshots.__all__)


def test_payload_is_written_as_sorted_indented_normalised_json() -> None:
    text = serialize(ASSISTANT)
    assert text == (
        "{\n"
        '  "created_at": "<timestamp>",\n'
        '  "description": null,\n'
        '  "id": "asst_1",\n'
        '  "instructions": "Answer briefly.",\n'
        '  "metadata": {},\n'
        '  "model": "gpt-4o",\n'
        '  "name": "Math Tutor",\n'
        '  "object": "assistant",\n'
        '  "tools": [\n'
        "    {\n"
        '      "type": "code_interpreter"\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_json_text_and_bytes_snapshot_like_the_parsed_payload() -> None:
    expected = serialize(ASSISTANT)
    assert serialize(json.dumps(ASSISTANT)) == expected
    assert serialize(json.dumps(ASSISTANT).encode()) == expected
    assert serialize("plain words") == '"plain words"\n'


def test_sdk_objects_pages_and_lists_are_dumped_as_the_server_sent_them() -> None:
    message = {
        "id": "msg_Ab12",
        "object": "thread.message",
        "created_at": 1_700_000_001,
        "thread_id": "thread_Cd34",
        "role": "user",
        "content": [{"type": "text", "text": {"value": "2 + 2?", "annotations": []}}],
        "attachments": [],
        "metadata": {},
    }
    page = {
        "object": "list",
        "data": [message],
        "first_id": "msg_Ab12",
        "last_id": "msg_Ab12",
        "has_more": False,
    }

    def respond(method: str, path: str, body: bytes) -> tuple[int, str, bytes]:
        if path.startswith("/v1/assistants"):
            return 200, "application/json", json.dumps(ASSISTANT).encode()
        return 200, "application/json", json.dumps(page).encode()

    with http_server(respond) as base_url:
        client = openai.OpenAI(base_url=base_url, api_key="test", max_retries=0)
        assistant = client.beta.assistants.retrieve("asst_Pq7rS8tU9vW0xY1zA2bC3dE4")
        messages = client.beta.threads.messages.list("thread_Cd34")

    assert json.loads(serialize(assistant)) == normalise(ASSISTANT)
    # The page keeps what the server sent and nothing the SDK merely declares (no status: null).
    assert json.loads(serialize(messages)) == normalise(page)
    assert json.loads(serialize([assistant, messages.data[0]])) == normalise([ASSISTANT, message])


def test_dataclasses_and_tuples_are_plain_json() -> None:
    @dataclass
    class Pair:
        left: tuple[int, int]
        right: str

    assert to_jsonable({"pair": Pair((1, 2), "file-Z9")}) == {"pair": {"left": [1, 2], "right": "file-Z9"}}


def test_an_object_without_a_json_form_is_a_usage_error() -> None:
    with pytest.raises(HarnessError, match=r"cannot snapshot a builtins\.object: expected a pydantic model"):
        serialize({"value": object()})


def test_subclass_configures_extra_masks() -> None:
    class MaskModel(AssistantsSnapshotExtension):
        extra_paths = ("model",)
        extra_patterns = (r"Math \w+",)

    assert json.loads(serialize(ASSISTANT, MaskModel()))["model"] == "<masked>"
    assert json.loads(serialize(ASSISTANT, MaskModel()))["name"] == "<masked>"


def test_syrupy_filters_apply_to_the_normalised_value() -> None:
    from syrupy.filters import props

    text = AssistantsSnapshotExtension().serialize(ASSISTANT, exclude=props("instructions", "metadata"))
    assert set(json.loads(text)) == set(ASSISTANT) - {"instructions", "metadata"}


def test_the_same_payload_with_other_ids_and_clocks_serialises_identically() -> None:
    other = {**ASSISTANT, "id": "asst_Zz99Yy88", "created_at": 1_800_000_000}
    assert serialize(other) == serialize(ASSISTANT)
    assert serialize({**other, "name": "Physics Tutor"}) != serialize(ASSISTANT)


PAYLOADS: st.SearchStrategy[JSONValue] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


@given(st.dictionaries(st.text(max_size=10), PAYLOADS, max_size=5) | st.lists(PAYLOADS, max_size=5))
def test_serialised_snapshot_parses_back_to_the_normalised_payload(payload: Any) -> None:
    assert json.loads(serialize(payload)) == normalise(payload)


@given(PAYLOADS)
def test_load_payload_of_json_text_equals_the_value(payload: JSONValue) -> None:
    if isinstance(payload, dict | list):
        assert load_payload(json.dumps(payload)) == payload
