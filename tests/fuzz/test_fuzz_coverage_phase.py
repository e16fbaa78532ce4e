"""The coverage phase: every documented rule of a route broken once and every limit met once, the same
requests whatever the seed, so a server that accepts one kind of invalid value is caught by one request."""

from __future__ import annotations

from itertools import islice

import pytest
from fuzz_servers import MUTATIONS, broken_app, serve

from harness.contracts import ROUTES
from harness.fuzz import run_fuzz
from harness.fuzz._coverage import count_cases, coverage_cases

_IDS = {"assistant": ["asst_1"], "file": ["file-1"], "vector_store": ["vs_1"]}


def _route(label: str) -> object:
    return next(route for route in ROUTES if route.label == label)


def test_every_rule_of_a_route_is_broken_once_and_every_limit_met_once() -> None:
    route = _route("POST /assistants")
    cases = list(coverage_cases(route, _IDS))  # type: ignore[arg-type]
    names = [case.name for case in cases]
    assert len(names) == len(set(names)) == count_cases(route, _IDS)  # type: ignore[arg-type]
    assert {"missing model", "type model", "max_length name", "max_length name (met)"} <= set(names)
    assert any(name.startswith("enum tools[]<") for name in names) and "max_properties metadata" in names
    too_long = next(case for case in cases if case.name == "max_length name")
    at_limit = next(case for case in cases if case.name == "max_length name (met)")
    assert len(too_long.body["name"]) == 257 and too_long.invalid is not None
    assert too_long.invalid.param == "name" and too_long.invalid.rule == "max_length"
    assert len(at_limit.body["name"]) == 256 and at_limit.invalid is None
    metadata = next(case for case in cases if case.name == "max_properties metadata (met)")
    assert len(metadata.body["metadata"]) == 16


def test_the_cases_are_the_same_on_every_call() -> None:
    route = _route("POST /threads/{thread_id}/runs")
    first = [(case.name, case.body, case.query) for case in islice(coverage_cases(route, _IDS), 30)]  # type: ignore[arg-type]
    again = [(case.name, case.body, case.query) for case in islice(coverage_cases(route, _IDS), 30)]  # type: ignore[arg-type]
    assert first == again and len(first) == 30


@pytest.mark.parametrize("seed", [1, 987654])
def test_an_accepted_invalid_value_is_found_with_a_one_request_reproduction(seed: int) -> None:
    with serve(broken_app(**MUTATIONS["invalid accepted"])) as url:
        report = run_fuzz(url, routes=["assistants.create"], seed=seed, phases=["coverage"], max_time=60)
    assert report.exit_code == 1
    (case,) = [case for case in report.failures if case.source == "coverage POST /assistants"]
    finding = case.findings[0]
    assert (finding.rule, finding.path, finding.kind) == ("request.invalid-rejected", "name", "status")
    assert len(case.sequence) == 1 and len(case.sequence[0].body["name"]) == 257
    assert case.sequence[0].status == 200
    assert "coverage: max_length name" in case.program
    sent, total = report.coverage["POST /assistants"]
    assert sent == total > 40


def test_the_embedded_server_keeps_every_rule_of_the_coverage_phase() -> None:
    routes = ["assistants.create", "messages.list"]
    report = run_fuzz(routes=routes, seed=3, phases=["coverage"], max_time=120)
    assert report.exit_code == 0, [case.title for case in report.failures]
    assert all(sent == total > 0 for sent, total in report.coverage.values())
    assert report.sources == [f"coverage {route}" for route in report.routes]
