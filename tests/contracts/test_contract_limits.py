"""Documented limits: the boundary value passes, the value just past it is a ``limit`` violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from harness.contracts import check_request, check_response

Example = Callable[[str], dict[str, Any]]


def _set(body: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = body
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def _pairs(count: int) -> dict[str, str]:
    return {f"k{index}": "v" for index in range(count)}


CODE = {"type": "code_interpreter"}

# (contract, path in the body, valid boundary value, just-invalid value, path of the finding)
REQUEST_LIMITS: list[tuple[str, str, Any, Any, str]] = [
    ("CreateAssistantRequest", "name", "n" * 256, "n" * 257, "name"),
    ("CreateAssistantRequest", "description", "d" * 512, "d" * 513, "description"),
    ("CreateAssistantRequest", "instructions", "i" * 256_000, "i" * 256_001, "instructions"),
    ("CreateAssistantRequest", "metadata", _pairs(16), _pairs(17), "metadata"),
    ("CreateAssistantRequest", "metadata", {"k" * 64: "v"}, {"k" * 65: "v"}, "metadata." + "k" * 65),
    ("CreateAssistantRequest", "metadata", {"k": "v" * 512}, {"k": "v" * 513}, "metadata.k"),
    ("CreateAssistantRequest", "temperature", 2, 2.01, "temperature"),
    ("CreateAssistantRequest", "temperature", 0, -0.01, "temperature"),
    ("CreateAssistantRequest", "top_p", 1, 1.01, "top_p"),
    ("CreateAssistantRequest", "top_p", 0, -0.5, "top_p"),
    ("CreateAssistantRequest", "tools", [CODE] * 128, [CODE] * 129, "tools"),
    (
        "CreateAssistantRequest",
        "tool_resources.code_interpreter.file_ids",
        ["f"] * 20,
        ["f"] * 21,
        "tool_resources.code_interpreter.file_ids",
    ),
    (
        "CreateAssistantRequest",
        "tool_resources.file_search",
        {"vector_store_ids": ["vs_1"]},
        {"vector_store_ids": ["vs_1", "vs_2"]},
        "tool_resources.file_search.vector_store_ids",
    ),
    (
        "CreateAssistantRequest",
        "tools.1.file_search.max_num_results",
        1,
        0,
        "tools.1.file_search.max_num_results",
    ),
    (
        "CreateAssistantRequest",
        "tools.1.file_search.max_num_results",
        50,
        51,
        "tools.1.file_search.max_num_results",
    ),
    (
        "CreateAssistantRequest",
        "tools.1.file_search.ranking_options.score_threshold",
        1,
        1.5,
        "tools.1.file_search.ranking_options.score_threshold",
    ),
    ("CreateRunRequest", "tools", [CODE] * 20, [CODE] * 21, "tools"),
    # The documents say >= 256; the real API accepted 16 (see _deviations.py), so the limit is >= 1.
    ("CreateRunRequest", "max_prompt_tokens", 1, 0, "max_prompt_tokens"),
    ("CreateRunRequest", "max_completion_tokens", 16, 0, "max_completion_tokens"),
    ("CreateThreadAndRunRequest", "max_prompt_tokens", 1, 0, "max_prompt_tokens"),
    ("CreateThreadAndRunRequest", "max_completion_tokens", 1, -5, "max_completion_tokens"),
    (
        "CreateRunRequest",
        "truncation_strategy",
        {"type": "last_messages", "last_messages": 1},
        {"type": "last_messages", "last_messages": 0},
        "truncation_strategy.last_messages",
    ),
    ("CreateRunRequest", "temperature", 2, 3, "temperature"),
    ("CreateThreadAndRunRequest", "tools", [CODE] * 20, [CODE] * 21, "tools"),
    ("CreateThreadRequest", "messages.0.metadata", _pairs(16), _pairs(17), "messages.0.metadata"),
    ("CreateThreadRequest", "messages.1.content", [{"type": "text", "text": "x"}], [], "messages.1.content"),
    ("CreateVectorStoreRequest", "expires_after.days", 365, 366, "expires_after.days"),
    ("CreateVectorStoreRequest", "expires_after.days", 1, 0, "expires_after.days"),
    (
        "CreateVectorStoreRequest",
        "chunking_strategy.static.max_chunk_size_tokens",
        4096,
        4097,
        "chunking_strategy.static.max_chunk_size_tokens",
    ),
    (
        "CreateVectorStoreRequest",
        "chunking_strategy.static.max_chunk_size_tokens",
        100,
        99,
        "chunking_strategy.static.max_chunk_size_tokens",
    ),
    ("CreateVectorStoreRequest", "file_ids", ["f"] * 500, ["f"] * 501, "file_ids"),
    ("CreateVectorStoreFileRequest", "attributes", _pairs(16), _pairs(17), "attributes"),
    ("CreateVectorStoreFileRequest", "attributes", {"k": "v" * 512}, {"k": "v" * 513}, "attributes.k"),
    ("CreateVectorStoreFileBatchRequest", "file_ids", ["f"] * 2000, ["f"] * 2001, "file_ids"),
    ("CreateVectorStoreFileBatchRequest", "file_ids", ["f"], [], "file_ids"),
]

_ROUTES = {
    "CreateAssistantRequest": "/v1/assistants",
    "CreateRunRequest": "/v1/threads/thread_1/runs",
    "CreateThreadAndRunRequest": "/v1/threads/runs",
    "CreateThreadRequest": "/v1/threads",
    "CreateVectorStoreRequest": "/v1/vector_stores",
    "CreateVectorStoreFileRequest": "/v1/vector_stores/vs_1/files",
    "CreateVectorStoreFileBatchRequest": "/v1/vector_stores/vs_1/file_batches",
}


@pytest.mark.parametrize(("contract", "path", "valid", "invalid", "where"), REQUEST_LIMITS)
def test_request_limits(
    example: Example, contract: str, path: str, valid: Any, invalid: Any, where: str
) -> None:
    body = example(contract)
    _set(body, path, valid)
    assert check_request("POST", _ROUTES[contract], query=None, body=body) == []
    _set(body, path, invalid)
    findings = check_request("POST", _ROUTES[contract], query=None, body=body)
    assert [(f.kind, f.severity, f.path, f.object) for f in findings] == [
        ("limit", "violation", where, contract)
    ]


# Objects carry the same limits as the requests that create them.
RESPONSE_LIMITS: list[tuple[str, str, str, Any, Any]] = [
    ("/v1/assistants/a", "Assistant", "name", "n" * 256, "n" * 257),
    ("/v1/assistants/a", "Assistant", "description", "d" * 512, "d" * 513),
    ("/v1/assistants/a", "Assistant", "tools", [CODE] * 128, [CODE] * 129),
    ("/v1/assistants/a", "Assistant", "temperature", 2.0, 2.5),
    ("/v1/threads/t/runs/r", "Run", "tools", [CODE] * 128, [CODE] * 129),
    ("/v1/threads/t/runs/r", "Run", "max_prompt_tokens", 1, 0),
    ("/v1/threads/t/runs/r", "Run", "max_completion_tokens", 16, 0),
    (
        "/v1/threads/t/runs/r/steps/s",
        "RunStep",
        "step_details.tool_calls.1.file_search.results.0.score",
        1,
        1.2,
    ),
    ("/v1/threads/t/messages/m", "Message", "content.0.text.annotations.0.start_index", 0, -1),
]


@pytest.mark.parametrize(("url", "contract", "path", "valid", "invalid"), RESPONSE_LIMITS)
def test_response_limits(
    example: Example, url: str, contract: str, path: str, valid: Any, invalid: Any
) -> None:
    body = example(contract)
    _set(body, path, valid)
    assert check_response("GET", url, 200, body) == []
    _set(body, path, invalid)
    findings = check_response("GET", url, 200, body)
    assert [(f.kind, f.path) for f in findings] == [("limit", path)]


QUERY_LIMITS: list[tuple[str, str, str, str, str]] = [
    ("/v1/assistants", "limit", "1", "0", "limit"),
    ("/v1/assistants", "limit", "100", "101", "limit"),
    ("/v1/threads/t/messages", "limit", "100", "101", "limit"),
    ("/v1/threads/t/runs/r/steps", "limit", "20", "1000", "limit"),
    ("/v1/files", "limit", "10000", "10001", "limit"),
    ("/v1/assistants", "order", "asc", "up", "enum"),
    ("/v1/vector_stores/vs/files", "filter", "failed", "broken", "enum"),
]


@pytest.mark.parametrize(("url", "name", "valid", "invalid", "kind"), QUERY_LIMITS)
def test_query_limits(url: str, name: str, valid: str, invalid: str, kind: str) -> None:
    assert check_request("GET", url, query={name: valid}, body=None) == []
    findings = check_request("GET", url, query={name: invalid}, body=None)
    assert [(f.kind, f.path) for f in findings] == [(kind, name)]


def test_limit_messages_say_what_was_expected_and_seen(example: Example) -> None:
    body = example("CreateAssistantRequest")
    body["name"] = "n" * 300
    body["metadata"] = _pairs(17)
    body["temperature"] = 2.5
    findings = {f.path: f for f in check_request("POST", "/assistants", query=None, body=body)}
    assert findings["name"].message == "expected at most 256 characters, saw 300"
    assert findings["name"].expected == 256
    assert findings["metadata"].message == "expected at most 16 pairs, saw 17"
    assert findings["temperature"].message == "expected a value <= 2, saw 2.5"
    assert findings["temperature"].seen == 2.5
