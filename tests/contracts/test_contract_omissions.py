"""Observed omissions: documented fields that real traffic leaves out are ``missing`` drift, wherever the
object appears (alone, in a list page, as a stream event's data, nested); any other missing field stays a
violation."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

import harness.contracts._models as models
from harness._findings import Finding
from harness.contracts import check_event, check_response, check_stream_events, failing
from harness.contracts._deviations import OBSERVED_OMISSIONS, is_observed_omission
from harness.streams._sse import decode_sse

Example = Callable[[str], dict[str, Any]]
Page = Callable[..., dict[str, Any]]

MESSAGES_URL = "/v1/threads/thread_1/messages"
STEPS_URL = "/v1/threads/thread_1/runs/run_1/steps"


def _missing(findings: list[Finding]) -> list[tuple[str, str, str | None]]:
    return sorted((f.severity, f.path, f.object) for f in findings if f.kind == "missing")


def test_the_list_of_omissions() -> None:
    assert {(o.model, o.field) for o in OBSERVED_OMISSIONS} == {
        ("Message", "status"),
        ("Message", "completed_at"),
        ("Message", "incomplete_at"),
        ("Message", "incomplete_details"),
        ("Message", "attachments"),
        ("RunStep", "expired_at"),
        ("RunStep", "metadata"),
        ("Run", "parallel_tool_calls"),
        ("Thread", "tool_resources"),
        ("VectorStoreFile", "usage_bytes"),
        ("VectorStore", "usage_bytes"),
        ("VectorStore", "status"),
        ("VectorStore", "last_active_at"),
        ("VectorStore", "metadata"),
        ("VectorStoreFileCounts", "in_progress"),
        ("VectorStoreFileCounts", "cancelled"),
    }
    assert len(OBSERVED_OMISSIONS) == len({(o.model, o.field) for o in OBSERVED_OMISSIONS})


@pytest.mark.parametrize("omission", OBSERVED_OMISSIONS, ids=lambda o: f"{o.model}.{o.field}")
def test_each_omission_is_a_required_field_with_its_evidence(omission: Any) -> None:
    model = getattr(models, omission.model)
    assert model.model_fields[omission.field].is_required()
    assert re.search(r"says .+; real traffic shows .+\(.*\.(yml|json)", omission.reason), omission.reason
    assert is_observed_omission(omission.model, omission.field)


def test_is_keyed_on_the_model_not_the_field_name() -> None:
    assert is_observed_omission("RunStep", "metadata")
    assert not is_observed_omission("Run", "metadata")
    assert not is_observed_omission("Assistant", "metadata")
    assert not is_observed_omission("Message", "role")


def test_an_omission_alone_is_drift(example: Example) -> None:
    body = example("Message")
    del body["status"]
    findings = check_response("POST", MESSAGES_URL, 200, body)
    assert [(f.severity, f.kind, f.path, f.object) for f in findings] == [
        ("drift", "missing", "status", "Message")
    ]
    assert (
        findings[0].message
        == "required field 'status' is missing (real Message objects are known to lack it)"
    )
    assert failing(findings, "tolerant") == []
    assert failing(findings, "strict") == findings


def test_an_omission_in_a_list_item_is_drift(example: Example, page: Page) -> None:
    first, second = example("Message"), example("Message")
    second["id"] = "msg_second"
    for name in ("status", "completed_at", "incomplete_at", "incomplete_details"):
        del second[name]
    findings = check_response("GET", MESSAGES_URL, 200, page(first, second))
    assert _missing(findings) == [
        ("drift", "data.1.completed_at", "MessageList"),
        ("drift", "data.1.incomplete_at", "MessageList"),
        ("drift", "data.1.incomplete_details", "MessageList"),
        ("drift", "data.1.status", "MessageList"),
    ]


def test_an_unlisted_missing_field_in_a_list_item_is_a_violation(example: Example, page: Page) -> None:
    step = example("RunStep")
    del step["expired_at"]
    del step["run_id"]
    findings = check_response("GET", STEPS_URL, 200, page(step))
    assert _missing(findings) == [
        ("drift", "data.0.expired_at", "RunStepList"),
        ("violation", "data.0.run_id", "RunStepList"),
    ]
    assert [f.path for f in failing(findings, "tolerant")] == ["data.0.run_id"]


def test_an_omission_in_a_stream_events_data_is_drift(example: Example) -> None:
    step = example("RunStep")
    del step["expired_at"]
    del step["metadata"]
    run = example("Run")
    del run["parallel_tool_calls"]
    text = (
        f"event: thread.run.created\ndata: {json.dumps(run)}\n\n"
        f"event: thread.run.step.created\ndata: {json.dumps(step)}\n\n"
        "event: done\ndata: [DONE]\n\n"
    )
    findings = check_stream_events(decode_sse(text).events)
    assert sorted((f.severity, f.event, f.object, f.path) for f in findings) == [
        ("drift", 0, "thread.run.created", "parallel_tool_calls"),
        ("drift", 1, "thread.run.step.created", "expired_at"),
        ("drift", 1, "thread.run.step.created", "metadata"),
    ]


def test_an_unlisted_missing_field_in_a_stream_event_is_a_violation(example: Example) -> None:
    run = example("Run")
    del run["status"]
    del run["parallel_tool_calls"]
    findings = check_event("thread.run.in_progress", json.dumps(run))
    assert _missing(findings) == [
        ("drift", "parallel_tool_calls", "thread.run.in_progress"),
        ("violation", "status", "thread.run.in_progress"),
    ]


def test_an_omission_of_a_nested_object_is_drift_in_every_parent(example: Example) -> None:
    store = example("VectorStore")
    del store["file_counts"]["cancelled"]
    batch = example("VectorStoreFileBatch")
    del batch["file_counts"]["in_progress"]
    store_findings = check_response("GET", "/v1/vector_stores/vs_1", 200, store)
    batch_findings = check_response("GET", "/v1/vector_stores/vs_1/file_batches/vsfb_1", 200, batch)
    assert _missing(store_findings) == [("drift", "file_counts.cancelled", "VectorStore")]
    assert _missing(batch_findings) == [("drift", "file_counts.in_progress", "VectorStoreFileBatch")]


def test_a_nested_field_of_the_same_name_elsewhere_stays_a_violation(example: Example) -> None:
    store = example("VectorStore")
    del store["file_counts"]["total"]
    del store["usage_bytes"]
    findings = check_response("GET", "/v1/vector_stores/vs_1", 200, store)
    assert _missing(findings) == [
        ("drift", "usage_bytes", "VectorStore"),
        ("violation", "file_counts.total", "VectorStore"),
    ]


@pytest.mark.parametrize(
    ("url", "contract", "field"),
    [
        ("/v1/threads/thread_1", "Thread", "metadata"),
        ("/v1/threads/thread_1/runs/run_1", "Run", "status"),
        ("/v1/threads/thread_1/runs/run_1", "Run", "instructions"),
        ("/v1/threads/thread_1/messages/msg_1", "Message", "role"),
        ("/v1/assistants/asst_1", "Assistant", "metadata"),
        ("/v1/vector_stores/vs_1/files/file_1", "VectorStoreFile", "status"),
    ],
)
def test_unlisted_missing_fields_stay_violations(
    example: Example, url: str, contract: str, field: str
) -> None:
    body = example(contract)
    del body[field]
    findings = check_response("GET", url, 200, body)
    assert [(f.severity, f.kind, f.path) for f in findings] == [("violation", "missing", field)]
    assert failing(findings, "tolerant") == findings


@pytest.mark.parametrize(
    ("url", "contract", "field"),
    [
        ("/v1/threads/thread_1", "Thread", "tool_resources"),
        ("/v1/threads/thread_1/messages/msg_1", "Message", "attachments"),
        ("/v1/vector_stores/vs_1/files/file_1", "VectorStoreFile", "usage_bytes"),
        ("/v1/vector_stores/vs_1", "VectorStore", "last_active_at"),
    ],
)
def test_listed_omissions_are_drift(example: Example, url: str, contract: str, field: str) -> None:
    body = example(contract)
    del body[field]
    findings = check_response("GET", url, 200, body)
    assert [(f.severity, f.kind, f.path, f.object) for f in findings] == [
        ("drift", "missing", field, contract)
    ]
