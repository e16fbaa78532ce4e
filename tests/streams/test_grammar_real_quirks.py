"""What the real API did against a grammar rule is drift; the same rule broken any other way is a violation.

The quirk streams are built from the facts listed in the grammar's quirk table (``thread.run.completed``
ending runs cut short by token limits, before ``thread.run.incomplete`` existed), once on the synthetic
stream and once on a real streamed run read from ``../shared/real-cassettes`` and checked end to end
(contracts and grammar) as ``harness verify`` checks it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stream_samples import REAL_CASSETTES, Event, synthetic, to_sse

from harness import ContractViolation
from harness.streams import assert_stream_valid, check_stream
from harness.streams._grammar_rules import OBSERVED_QUIRKS, RULES
from harness.verify import check_exchange
from harness.verify._readers import read_recording

REAL_RUN = (
    REAL_CASSETTES
    / "openai__openai-dotnet"
    / "tests__SessionRecords__AssistantsTests__StreamingRunWorks.json"
)
CUT_SHORT = {"reason": "max_completion_tokens"}


def _end(events: list[Event]) -> dict[str, object]:
    data = next(event["data"] for event in events if event["event"] == "thread.run.completed")
    assert isinstance(data, dict)
    return data


def completed_with_status_incomplete() -> list[Event]:
    events = synthetic("chat")
    _end(events).update(status="incomplete", incomplete_details=CUT_SHORT)
    return events


def completed_with_incomplete_details() -> list[Event]:
    events = synthetic("chat")
    _end(events).update(incomplete_details=CUT_SHORT)
    return events


def test_every_quirk_names_a_rule_and_its_evidence() -> None:
    assert {quirk.id for quirk in OBSERVED_QUIRKS} == {
        "run.completed-event-incomplete-status",
        "run.completed-with-incomplete-details",
    }
    for quirk in OBSERVED_QUIRKS:
        assert quirk.rule in RULES
        assert "thread.run.incomplete" in quirk.evidence


@pytest.mark.parametrize(
    ("build", "quirk", "path"),
    [
        (completed_with_status_incomplete, "run.completed-event-incomplete-status", "status"),
        (completed_with_incomplete_details, "run.completed-with-incomplete-details", "incomplete_details"),
    ],
)
def test_a_real_quirk_is_drift_only(build: object, quirk: str, path: str) -> None:
    assert callable(build)
    events = build()
    findings = check_stream(to_sse(events))
    assert [(f.kind, f.severity, f.rule, f.object, f.path) for f in findings] == [
        ("grammar", "drift", "status.matches-event", "thread.run.completed", path)
    ]
    assert quirk in findings[0].message
    assert_stream_valid(to_sse(events))  # drift does not raise


def test_the_same_rule_broken_another_way_stays_a_violation() -> None:
    events = synthetic("chat")
    _end(events).update(status="failed")
    [finding] = check_stream(to_sse(events))
    assert (finding.severity, finding.rule) == ("violation", "status.matches-event")
    assert "quirk" not in finding.message
    with pytest.raises(ContractViolation):
        assert_stream_valid(to_sse(events))


def test_status_incomplete_on_another_event_is_a_violation() -> None:
    events = synthetic("chat")
    queued = next(event["data"] for event in events if event["event"] == "thread.run.queued")
    assert isinstance(queued, dict)
    queued["status"] = "incomplete"
    assert [(f.severity, f.rule, f.object) for f in check_stream(to_sse(events))] == [
        ("violation", "status.matches-event", "thread.run.queued")
    ]


def test_a_quirk_stream_with_an_event_the_real_api_never_sent_is_a_violation() -> None:
    events = completed_with_status_incomplete()
    end = next(i for i, event in enumerate(events) if event["event"] == "thread.run.completed")
    later = dict(_end(events))
    events.insert(end + 1, {"event": "thread.run.incomplete", "data": later})
    findings = check_stream(to_sse(events))
    assert [(f.severity, f.rule, f.event) for f in findings] == [
        ("drift", "status.matches-event", end),
        ("violation", "run.single-terminal", end + 1),
    ]


needs_real = pytest.mark.skipif(not REAL_RUN.is_file(), reason="../shared/real-cassettes is absent")


def _real_stream() -> tuple[str, str, bytes, int, dict[str, list[str]], bytes]:
    recording = read_recording(REAL_RUN)
    [run] = [
        item
        for item in recording.interactions
        if item.content_type == "text/event-stream" and item.path.endswith("/runs")
    ]
    return run.method, run.uri, run.request_body or b"", run.status, run.response_headers, run.response_body


def _rewrite_end(body: bytes, **changes: object) -> bytes:
    """The real stream with its ``thread.run.completed`` data changed."""
    lines = body.decode().split("\n")
    at = lines.index("event: thread.run.completed") + 1
    assert lines[at].startswith("data: ")
    data = json.loads(lines[at][len("data: ") :])
    data.update(changes)
    lines[at] = "data: " + json.dumps(data, separators=(",", ":"))
    return "\n".join(lines).encode()


@needs_real
def test_a_real_run_turned_into_the_2024_quirk_gives_drift_only_in_verify() -> None:
    method, uri, request, status, headers, body = _real_stream()
    before = check_exchange(method, uri, request, status, headers, body)
    assert [f for f in before if f.severity == "violation" or f.kind == "grammar"] == []
    quirky = _rewrite_end(body, status="incomplete", incomplete_details=CUT_SHORT)
    findings = check_exchange(method, uri, request, status, headers, quirky)
    added = [f for f in findings if f not in before]
    assert [(f.severity, f.kind, f.rule, f.object, f.path) for f in added] == [
        ("drift", "grammar", "status.matches-event", "thread.run.completed", "status")
    ]
    assert all(f.severity == "drift" for f in findings)


@needs_real
def test_a_real_run_mutated_beyond_the_quirk_gives_a_violation() -> None:
    method, uri, request, status, headers, body = _real_stream()
    mutated = _rewrite_end(body, status="expired", incomplete_details=CUT_SHORT)
    findings = check_exchange(method, uri, request, status, headers, mutated)
    assert ("violation", "status.matches-event") in {(f.severity, f.rule) for f in findings}


def test_the_quirks_are_documented() -> None:
    text = (Path(__file__).parents[2] / "docs" / "stream-grammar.md").read_text(encoding="utf-8")
    for quirk in OBSERVED_QUIRKS:
        assert quirk.id in text
