"""``run_fuzz`` against deliberately broken servers: each breakage is found, named and reproduced.

Each server is the embedded one behind a middleware that breaks one thing (see ``fuzz_servers.py``),
served by uvicorn on 127.0.0.1. The sessions are small and seeded.
"""

from __future__ import annotations

from typing import Any

from fuzz_servers import Events, broken_app, serve

from harness import Finding
from harness.fuzz import FuzzReport, run_fuzz


def _fuzz(
    app: Any, routes: list[str], *, stateful: bool = False, phases: list[str] | None = None
) -> FuzzReport:
    with serve(app) as url:
        return run_fuzz(
            url, routes=routes, examples=8, seed=1, stateful=stateful, steps=8, phases=phases, max_time=60
        )


def _named(report: FuzzReport, **expected: Any) -> list[Finding]:
    """The failing findings with all the ``expected`` attributes."""
    return [
        finding
        for case in report.failures
        for finding in case.findings
        if all(getattr(finding, key) == value for key, value in expected.items())
    ]


def _is_message(method: str, path: str) -> bool:
    return method == "POST" and path.endswith("/messages")


def _is_assistant(method: str, path: str) -> bool:
    return path.startswith("/v1/assistants")


def test_a_dropped_required_field_is_found_and_shrunk_to_one_request() -> None:
    def drop(body: Any, query: str) -> Any:
        body.pop("created_at", None)
        return body

    report = _fuzz(broken_app(when=_is_assistant, body=drop), ["POST /assistants"], phases=["random"])
    found = _named(report, kind="missing", object="Assistant", path="created_at")
    assert found and report.exit_code == 1
    case = next(case for case in report.failures if case.findings[0] in found)
    assert [exchange.path for exchange in case.sequence] == ["/assistants"]
    assert case.sequence[0].body == {"model": "gpt-4o"}  # shrunk to the simplest valid request
    assert "Failing test case" in case.program


def test_a_wrong_type_is_found() -> None:
    def stringify(body: Any, query: str) -> Any:
        return {**body, "created_at": "yesterday"}

    report = _fuzz(broken_app(when=_is_assistant, body=stringify), ["POST /assistants"])
    assert _named(report, kind="type", object="Assistant", path="created_at")


def test_an_unknown_enum_value_is_found() -> None:
    def robot(body: Any, query: str) -> Any:
        return {**body, "role": "robot"}

    report = _fuzz(broken_app(when=_is_message, body=robot), ["POST /threads/{thread_id}/messages"])
    assert _named(report, kind="enum", object="Message", path="role")


def test_has_more_always_true_breaks_pagination() -> None:
    def more(body: Any, query: str) -> Any:
        return {**body, "has_more": True} if body.get("object") == "list" else body

    report = _fuzz(broken_app(when=_is_assistant, body=more), ["GET /assistants"], stateful=True)
    found = _named(report, kind="invariant", rule="list.has-more", path="has_more")
    assert found and all(f.file == "stateful" for f in found)


def test_a_duplicate_in_a_page_is_found() -> None:
    def repeat(body: Any, query: str) -> Any:
        if body.get("object") != "list" or not body["data"] or "order=asc" not in query:
            return body
        return {**body, "data": [*body["data"], body["data"][0]], "last_id": body["data"][0]["id"]}

    report = _fuzz(broken_app(when=_is_assistant, body=repeat), ["GET /assistants"], stateful=True)
    assert _named(report, kind="invariant", rule="list.complete", path="data") or _named(
        report, kind="invariant", rule="list.limit"
    )
    assert _named(report, kind="invariant", rule="list.complete", path="data")


def _swap_start(events: Events) -> Events:
    """thread.run.in_progress before thread.run.queued."""
    names = [name for name, _ in events]
    if "thread.run.queued" not in names or "thread.run.in_progress" not in names:
        return events
    first, second = names.index("thread.run.queued"), names.index("thread.run.in_progress")
    events[first], events[second] = events[second], events[first]
    return events


def _drop_completed_message(events: Events) -> Events:
    return [event for event in events if event[0] != "thread.message.completed"]


def _is_run_create(method: str, path: str) -> bool:
    return path == "/v1/threads/runs"


def test_reordered_stream_events_break_the_grammar() -> None:
    report = _fuzz(broken_app(when=_is_run_create, events=_swap_start), ["threads.create_and_run"])
    found = _named(report, kind="grammar", rule="run.lifecycle")
    assert found and found[0].event is not None and found[0].route == "POST /threads/runs"


def test_a_dropped_stream_event_breaks_the_grammar() -> None:
    report = _fuzz(
        broken_app(when=_is_run_create, events=_drop_completed_message), ["threads.create_and_run"]
    )
    rules = {
        finding.rule for case in report.failures for finding in case.findings if finding.kind == "grammar"
    }
    assert "object.single-terminal" in rules


def test_an_invalid_request_answered_200_is_found() -> None:
    app = broken_app(
        when=lambda method, path: method == "POST" and path == "/v1/assistants",
        accept_invalid=b'{"model": "gpt-4o"}',
    )
    report = _fuzz(app, ["POST /assistants"])
    found = _named(report, kind="status", rule="request.invalid-rejected")
    assert found
    case = next(case for case in report.failures if case.findings[0] in found)
    assert len(case.sequence) == 1 and case.sequence[0].status == 200
    assert found[0].path  # the parameter the request broke
