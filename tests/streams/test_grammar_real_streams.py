"""Every real stream in ../shared/real-cassettes is legal, whatever form it is handed over in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stream_samples import real_streams

from harness.streams import check_stream, decode_sse, iter_events, reconstruct, split_sse_events

REAL = real_streams()
needs_real = pytest.mark.usefixtures("real_cassettes")


@needs_real
def test_the_corpus_has_streams_in_both_formats() -> None:
    labels = [label for label, _ in REAL]
    assert len(labels) >= 7
    assert any(label.endswith((".yaml", ".yml"), 0, label.rindex(":")) for label in labels)
    assert any(".json:" in label for label in labels)


@pytest.mark.parametrize(("label", "text"), REAL, ids=[label for label, _ in REAL])
def test_a_real_stream_breaks_no_rule(label: str, text: str) -> None:
    assert check_stream(text) == []
    assert check_stream(text.encode()) == []
    assert check_stream(list(decode_sse(text).events)) == []


@pytest.mark.parametrize(("label", "text"), REAL, ids=[label for label, _ in REAL])
def test_a_real_stream_is_legal_as_dicts_and_as_one_chunk_per_event(label: str, text: str) -> None:
    events = [{"event": name, "data": data} for name, data in iter_events(text) if name != "done"]
    assert check_stream(events) == []
    assert check_stream(list(split_sse_events(text.encode()))) == []


@pytest.mark.parametrize(("label", "text"), REAL, ids=[label for label, _ in REAL])
def test_a_real_stream_is_read_as_resumed_exactly_when_it_continues_a_run(label: str, text: str) -> None:
    names = [name for name, _ in iter_events(text)]
    resumed = "thread.run.created" not in names
    assert check_stream(text, resumed=resumed) == []
    assert check_stream(text, resumed=not resumed) != []


@pytest.mark.parametrize(("label", "text"), REAL, ids=[label for label, _ in REAL])
def test_the_collapsed_view_of_a_real_stream_matches_its_completed_messages(label: str, text: str) -> None:
    summary = reconstruct(text)
    assert summary.done
    assert not summary.truncated
    completed = {
        data["id"]: data
        for name, data in iter_events(text)
        if name == "thread.message.completed" and isinstance(data, dict)
    }
    for message_id, data in completed.items():
        item = summary.get(message_id)
        assert item is not None
        assert item.transitions[-1] == "completed"
        expected = {
            i: part["text"]["value"] for i, part in enumerate(data["content"]) if part["type"] == "text"
        }
        assert dict(item.texts) == expected


@needs_real
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_real_streams_stay_legal_whatever_the_chunking(data: st.DataObject) -> None:
    label, text = data.draw(st.sampled_from(REAL), label="stream")
    body = text.encode()
    cuts = sorted(data.draw(st.sets(st.integers(1, len(body) - 1), max_size=40), label="cuts"))
    chunks = [body[start:end] for start, end in zip([0, *cuts], [*cuts, len(body)], strict=True)]
    assert check_stream(chunks) == [], label
