"""The route table and matching of concrete request paths."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from harness.contracts import ROUTES, Route, match_route


def _concrete(route: Route) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: f"{m.group(1).split('_')[0]}_abc123", route.template)


def test_routes_are_unique_and_well_formed() -> None:
    keys = [(route.method, route.template) for route in ROUTES]
    assert len(keys) == len(set(keys))
    assert len({route.operation for route in ROUTES}) == len(ROUTES)
    for route in ROUTES:
        assert route.method in {"GET", "POST", "DELETE"}
        assert route.template.startswith("/")
        assert route.label == f"{route.method} {route.template}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
@pytest.mark.parametrize("prefix", ["", "/v1", "https://api.openai.com/v1", "http://127.0.0.1:8080/openai"])
def test_every_route_matches_its_own_paths(route: Route, prefix: str) -> None:
    path = prefix + _concrete(route)
    matched = match_route(route.method.lower(), path + "?limit=2")
    assert matched is not None
    found, params = matched
    assert found is route
    assert set(params) == set(re.findall(r"\{(\w+)\}", route.template))


def test_path_parameters_are_returned() -> None:
    matched = match_route("POST", "/v1/threads/thread_9/runs/run_7/submit_tool_outputs")
    assert matched is not None
    route, params = matched
    assert route.operation == "runs.submit_tool_outputs"
    assert params == {"thread_id": "thread_9", "run_id": "run_7"}


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [
        ("POST", "/v1/threads/runs", "threads.create_and_run"),
        ("POST", "/v1/threads/thread_1", "threads.update"),
        ("GET", "/v1/threads/runs", "threads.retrieve"),
        ("GET", "/v1/vector_stores/vs_1/files/file_1", "vector_stores.files.retrieve"),
        ("GET", "/v1/files/file_1", "files.retrieve"),
        ("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1/files", "vector_stores.file_batches.list_files"),
        ("POST", "/openai/assistants?api-version=2024-05-01-preview", "assistants.create"),
        ("GET", "https://example.openai.azure.com/openai/threads/t/messages", "messages.list"),
    ],
)
def test_ambiguous_looking_paths_pick_the_right_route(method: str, path: str, operation: str) -> None:
    matched = match_route(method, path)
    assert matched is not None
    assert matched[0].operation == operation


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/v1/chat/completions"),
        ("POST", "/v1/vector_stores/vs_1/search"),
        ("GET", "/v1/vector_stores/vs_1/files/file_1/content"),
        ("PATCH", "/v1/assistants/asst_1"),
        ("GET", "/"),
        ("GET", ""),
    ],
)
def test_paths_outside_the_contract_do_not_match(method: str, path: str) -> None:
    assert match_route(method, path) is None


def test_streaming_routes() -> None:
    streaming = {route.operation for route in ROUTES if route.streams}
    assert streaming == {"runs.create", "threads.create_and_run", "runs.submit_tool_outputs"}


def test_route_models() -> None:
    by_operation = {route.operation: route for route in ROUTES}
    assert by_operation["runs.create"].request_model.__name__ == "CreateRunRequest"  # type: ignore[union-attr]
    assert by_operation["runs.create"].query_model.__name__ == "IncludeQuery"  # type: ignore[union-attr]
    assert by_operation["runs.cancel"].request_model is None
    assert by_operation["files.content"].response_model is None
    assert by_operation["files.create"].multipart
    lists = [route for route in ROUTES if route.operation.endswith(("list", "list_files"))]
    assert all(route.query_model is not None for route in lists)
    assert all(
        route.response_model is not None and route.response_model.__name__.endswith("List") for route in lists
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
def test_every_model_a_route_names_is_a_contract_model(route: Route) -> None:
    """The table names its models (so that checking traffic need not load them): each name must be one."""
    for name, model in (
        (route.request, route.request_model),
        (route.query, route.query_model),
        (route.response, route.response_model),
    ):
        assert (model is None) == (name is None)
        if model is not None:
            assert issubclass(model, BaseModel) and model.__name__ == name


_RESOURCE_WORDS = {s for route in ROUTES for s in route.segments if not s.startswith("{")}
_IDS = st.text(
    alphabet=st.characters(categories=("L", "N"), include_characters="-_"), min_size=1, max_size=24
).filter(lambda text: text not in _RESOURCE_WORDS)


@given(
    route=st.sampled_from(ROUTES),
    ids=st.lists(_IDS, min_size=3, max_size=3),
    prefix=st.sampled_from(["", "/v1"]),
)
@settings(max_examples=200, deadline=None)
def test_any_ids_match_their_route(route: Route, ids: list[str], prefix: str) -> None:
    names = re.findall(r"\{(\w+)\}", route.template)
    values = dict(zip(names, ids, strict=False))
    path = prefix + re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], route.template)
    matched = match_route(route.method, path)
    assert matched is not None
    assert matched[0] is route
    assert matched[1] == values
