"""Values real traffic shows that the documents rule out: the models accept them, and each such choice is
listed as a deviation from the OpenAPI document with its reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from harness.contracts import (
    CreateRunRequest,
    CreateThreadAndRunRequest,
    Run,
    VectorStore,
    VectorStoreFileBatch,
    check_event,
    check_request,
    check_response,
)
from harness.contracts._deviations import DEVIATIONS
from harness.contracts._models import MAX_TOKENS_MIN

Example = Callable[[str], dict[str, Any]]
Page = Callable[..., dict[str, Any]]

RUN_URL = "/v1/threads/thread_1/runs/run_1"
STORE_URL = "/v1/vector_stores/vs_1"
BATCH_URL = "/v1/vector_stores/vs_1/file_batches/vsfb_1"


def _summary(findings: list[Any]) -> list[tuple[str, str, str, str]]:
    return [(f.severity, f.kind, f.path, f.message) for f in findings]


# --- Run.instructions: string or null ------------------------------------------------------------------


def test_run_instructions_may_be_null(example: Example, page: Page) -> None:
    run = example("Run")
    run["instructions"] = None
    assert Run.model_validate(run).instructions is None
    assert check_response("GET", RUN_URL, 200, run) == []
    assert check_response("GET", "/v1/threads/thread_1/runs", 200, page(run)) == []
    assert check_event("thread.run.created", json.dumps(run)) == []


def test_run_instructions_must_still_be_present_and_a_string(example: Example) -> None:
    run = example("Run")
    run["instructions"] = 5
    assert _summary(check_response("GET", RUN_URL, 200, run)) == [
        ("violation", "type", "instructions", "expected a string or null, saw 5")
    ]
    del run["instructions"]
    assert [(f.severity, f.kind) for f in check_response("GET", RUN_URL, 200, run)] == [
        ("violation", "missing")
    ]


# --- VectorStore.name: string or null ------------------------------------------------------------------


def test_vector_store_name_may_be_null(example: Example, page: Page) -> None:
    store = example("VectorStore")
    store["name"] = None
    assert VectorStore.model_validate(store).name is None
    assert check_response("GET", STORE_URL, 200, store) == []
    assert check_response("GET", "/v1/vector_stores", 200, page(store)) == []


def test_vector_store_name_must_still_be_present_and_a_string(example: Example) -> None:
    store = example("VectorStore")
    store["name"] = ["docs"]
    assert [(f.severity, f.kind, f.path) for f in check_response("GET", STORE_URL, 200, store)] == [
        ("violation", "type", "name")
    ]
    del store["name"]
    assert [(f.severity, f.kind, f.path) for f in check_response("GET", STORE_URL, 200, store)] == [
        ("violation", "missing", "name")
    ]


# --- VectorStoreFileBatch.object: both spellings ------------------------------------------------------


@pytest.mark.parametrize("spelling", ["vector_store.file_batch", "vector_store.files_batch"])
def test_file_batches_accept_both_spellings(example: Example, spelling: str) -> None:
    batch = example("VectorStoreFileBatch")
    batch["object"] = spelling
    assert VectorStoreFileBatch.model_validate(batch).object == spelling
    assert check_response("POST", BATCH_URL + "/cancel", 200, batch) == []


def test_file_batches_reject_other_object_names(example: Example) -> None:
    batch = example("VectorStoreFileBatch")
    batch["object"] = "vector_store.batch"
    findings = check_response("GET", BATCH_URL, 200, batch)
    assert [(f.severity, f.kind, f.path) for f in findings] == [("violation", "enum", "object")]
    assert findings[0].expected == ["vector_store.file_batch", "vector_store.files_batch"]


# --- max_prompt_tokens / max_completion_tokens: at least 1 --------------------------------------------


def test_token_limits_start_at_one() -> None:
    assert MAX_TOKENS_MIN == 1


@pytest.mark.parametrize("field", ["max_prompt_tokens", "max_completion_tokens"])
def test_small_token_limits_are_accepted_in_requests_and_runs(example: Example, field: str) -> None:
    request = example("CreateRunRequest")
    request[field] = 16
    assert CreateRunRequest.model_validate(request).model_dump()[field] == 16
    assert check_request("POST", "/v1/threads/thread_1/runs", query=None, body=request) == []
    both = example("CreateThreadAndRunRequest")
    both[field] = 1
    assert CreateThreadAndRunRequest.model_validate(both).model_dump()[field] == 1
    assert check_request("POST", "/v1/threads/runs", query=None, body=both) == []
    run = example("Run")
    run[field] = 16
    assert check_response("GET", RUN_URL, 200, run) == []


@pytest.mark.parametrize("field", ["max_prompt_tokens", "max_completion_tokens"])
def test_token_limits_below_one_are_limit_violations(example: Example, field: str) -> None:
    run = example("Run")
    run[field] = 0
    assert _summary(check_response("GET", RUN_URL, 200, run)) == [
        ("violation", "limit", field, "expected a value >= 1, saw 0")
    ]


# --- each change is a listed deviation with its evidence ----------------------------------------------


@pytest.mark.parametrize(
    ("model", "field", "aspect"),
    [
        ("Run", "instructions", "nullable"),
        ("VectorStore", "name", "nullable"),
        ("VectorStoreFileBatch", "object", "enum"),
        ("Run", "max_prompt_tokens", "limit"),
        ("Run", "max_completion_tokens", "limit"),
        ("CreateRunRequest", "max_prompt_tokens", "limit"),
        ("CreateRunRequest", "max_completion_tokens", "limit"),
        ("CreateThreadAndRunRequest", "max_prompt_tokens", "limit"),
        ("CreateThreadAndRunRequest", "max_completion_tokens", "limit"),
    ],
)
def test_each_real_value_is_a_listed_deviation(model: str, field: str, aspect: str) -> None:
    (deviation,) = [d for d in DEVIATIONS if (d.model, d.field, d.aspect) == (model, field, aspect)]
    assert "real" in deviation.reason
    assert ".yml" in deviation.reason or ".json" in deviation.reason
