"""``requests`` and ``invalid_requests``: what the contract checks say of the requests they generate."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from harness.contracts import ROUTES, Route, check_request
from harness.fuzz._invalid import INVALID_RULES
from harness.fuzz._requests import rule_sites
from harness.strategies import GeneratedRequest, InvalidRequest, invalid_requests, requests

FAST = settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
WITH_REQUESTS = [
    route for route in ROUTES if route.request_model is not None or route.query_model is not None
]


def _path(route: Route) -> str:
    return route.template.replace("{", "").replace("}", "")


def _violations(route: Route, request: GeneratedRequest) -> list[Any]:
    findings = check_request(route.method, _path(route), query=request.query, body=request.body)
    return [finding for finding in findings if finding.severity == "violation"]


@pytest.mark.parametrize("route", WITH_REQUESTS, ids=lambda route: route.operation)
def test_valid_requests_keep_their_contract(route: Route) -> None:
    @FAST
    @given(requests(route=route.label))
    def check(request: GeneratedRequest) -> None:
        assert request.route == route.label
        assert _violations(route, request) == []
        assert (request.body is None) == (route.request_model is None)

    check()


@pytest.mark.parametrize("route", WITH_REQUESTS, ids=lambda route: route.operation)
def test_invalid_requests_break_exactly_the_named_rule(route: Route) -> None:
    @FAST
    @given(invalid_requests(route=route.label))
    def check(request: InvalidRequest) -> None:
        found = _violations(route, request)
        assert found, f"{request.rule} at {request.path} went unnoticed"
        assert {(finding.kind, finding.path) for finding in found} == {(request.kind, request.path)}
        assert request.rule in INVALID_RULES
        assert request.path.replace(".", "").startswith(request.param.replace("[", "").replace("]", "")[:1])

    check()


def test_every_rule_kind_can_be_broken_somewhere() -> None:
    rules = {site.rule for route in ROUTES for _, site in rule_sites(route)}
    assert rules == set(INVALID_RULES) - {"min_length"}  # no request string has a minimum length


def _draws(strategy: st.SearchStrategy[Any], count: int = 100) -> list[Any]:
    """``count`` examples of ``strategy``, the same ones every run (no shrinking, no database)."""
    seen: list[Any] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate])
    @given(strategy)
    def collect(value: Any) -> None:
        seen.append(value)

    collect()
    return seen


@pytest.mark.parametrize(
    ("rule", "param", "path"),
    [
        ("max_length", "name", "name"),
        ("maximum", "temperature", "temperature"),
        ("max_properties", "metadata", "metadata"),
        ("enum", "tools[0].type", "tools.0.type"),
        ("missing", "model", "model"),
    ],
)
def test_the_api_name_of_the_parameter(rule: str, param: str, path: str) -> None:
    drawn = _draws(invalid_requests(route="POST /assistants", rules=[rule]), 120)  # type: ignore[list-item]
    assert (param, path) in {(request.param, request.path) for request in drawn}
    assert {request.rule for request in drawn} == {rule}


def test_query_parameters_are_broken_as_text() -> None:
    steps = _draws(invalid_requests(route="runs.steps.list", rules=["enum"]))
    include = [request for request in steps if request.param == "include[0]"]
    assert include and all(request.path == "include[].0" for request in include)
    assert all(request.query["include[]"][0] == "not_a_documented_value" for request in include)
    limits = _draws(invalid_requests(route="GET /assistants", rules=["maximum"]), 10)
    assert {(request.param, request.query["limit"]) for request in limits} == {("limit", "101")}


def test_limits_are_met_exactly() -> None:
    bodies = [request.body for request in _draws(requests(route="POST /assistants"), 300)]
    names = [body["name"] for body in bodies if "name" in body]
    assert 256 in {len(name) for name in names} and max(len(name) for name in names) == 256
    pairs = [len(body["metadata"]) for body in bodies if "metadata" in body]
    assert 16 in pairs and max(pairs) == 16
    tools = [len(body["tools"]) for body in bodies if "tools" in body]
    assert 128 in tools and max(tools) == 128
    temperatures = {body["temperature"] for body in bodies if "temperature" in body}
    assert {0, 2} <= temperatures and all(0 <= value <= 2 for value in temperatures)


@FAST
@given(
    requests(route="POST /threads/{thread_id}/runs", ids={"assistant": ["asst_real"], "file": ["file-real"]})
)
def test_ids_fill_the_fields_that_name_objects(request: GeneratedRequest) -> None:
    assert request.body is not None and request.body["assistant_id"] == "asst_real"
    for message in request.body.get("additional_messages") or []:
        for attachment in message.get("attachments") or []:
            assert attachment["file_id"] == "file-real"  # and always present, as the API requires


@FAST
@given(requests(route="POST /assistants", ids={"file": ["file-1"]}))
def test_fields_of_kinds_without_ids_are_left_out(request: GeneratedRequest) -> None:
    assert request.body is not None
    search = (request.body.get("tool_resources") or {}).get("file_search") or {}
    assert "vector_store_ids" not in search


@FAST
@given(requests(route="vector_stores.file_batches.create"))
def test_a_batch_names_file_ids_or_files(request: GeneratedRequest) -> None:
    assert request.body is not None
    assert ("file_ids" in request.body) != ("files" in request.body)


@FAST
@given(st.data())
def test_optional_fields_are_never_null(data: st.DataObject) -> None:
    request = data.draw(requests(route="POST /threads/runs"))

    def nulls(item: Any) -> int:
        if isinstance(item, dict):
            return sum(value is None or nulls(value) for value in item.values())
        if isinstance(item, list):
            return sum(nulls(value) for value in item)
        return 0

    assert nulls(request.body) == 0


def test_path_for_fills_the_template() -> None:
    request = _draws(requests(route="runs.create"), 1)[0]
    assert request.method == "POST" and request.template == "/threads/{thread_id}/runs"
    assert request.path_for(thread_id="thread_1") == "/threads/thread_1/runs"
    with pytest.raises(ValueError, match=r"takes the path parameters \['thread_id'\]"):
        request.path_for(run_id="run_1")


def test_routes_by_operation_name() -> None:
    assert _draws(requests(route="assistants.create"), 1)[0].route == "POST /assistants"


def test_an_unknown_route_lists_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"(?s)unknown route 'POST /assistant'.*POST /assistants  \(assistants.create\)"
    ):
        requests(route="POST /assistant")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: requests(route="POST /assistants", valid="yes"), "valid must be True or False"),  # type: ignore[arg-type]
        (lambda: requests(route="POST /assistants", ids={"robot": ["x"]}), "unknown id kinds"),
        (lambda: requests(route="POST /assistants", ids={"file": "file-1"}), "must be a list of id strings"),
        (lambda: invalid_requests(route="POST /assistants", rules=["sideways"]), "unknown rules"),  # type: ignore[list-item]
        (
            lambda: invalid_requests(route="GET /assistants/{assistant_id}"),
            "has no body or query with a rule",
        ),
    ],
)
def test_arguments_are_checked_eagerly(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_valid_false_gives_invalid_requests() -> None:
    drawn = _draws(requests(route="POST /threads", valid=False), 5)
    assert all(isinstance(request, InvalidRequest) for request in drawn)
