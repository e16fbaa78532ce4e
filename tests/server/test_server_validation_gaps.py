"""Request rules the embedded server enforces as the hosted API does: a broken rule is a 400 naming its param.

Covers reasoning efforts, chunking strategies (wherever a request may carry one), file expiration, the size
of file batches, response formats with a JSON Schema, vector store file attributes and message content parts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from harness.server import serve_in_thread

EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
"""Every reasoning effort of the contract (and of the OpenAPI document's ``ReasoningEffort``)."""


@pytest.fixture(scope="module")
def api() -> Iterator[httpx.Client]:
    """A plain HTTP client on one embedded server shared by this module's tests."""
    with serve_in_thread() as running, httpx.Client(base_url=running.base_url) as http:
        yield http


@pytest.fixture(scope="module")
def sdk() -> Iterator[openai.OpenAI]:
    """The official SDK on its own embedded server (for the multipart upload it encodes)."""
    with (
        serve_in_thread() as running,
        openai.OpenAI(base_url=running.base_url, api_key="k", max_retries=0) as c,
    ):
        yield c


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _bad(response: httpx.Response, param: str, code: str | None = None) -> str:
    """Assert a 400 ``invalid_request_error`` naming ``param`` (and ``code``); return its message."""
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param, error
    if code is not None:
        assert error["code"] == code, error
    message: str = error["message"]
    assert message.endswith("."), message
    return message


def _upload(api: httpx.Client, data: dict[str, str] | None = None) -> httpx.Response:
    fields = {"purpose": "assistants", **(data or {})}
    return api.post("/files", data=fields, files={"file": ("notes.txt", b"some notes")})


def _file_id(api: httpx.Client) -> str:
    file_id: str = _ok(_upload(api))["id"]
    return file_id


def _store_id(api: httpx.Client) -> str:
    store_id: str = _ok(api.post("/vector_stores", json={}))["id"]
    return store_id


HELLO = {"role": "user", "content": "Hello"}


def _thread_id(api: httpx.Client) -> str:
    thread_id: str = _ok(api.post("/threads", json={"messages": [HELLO]}))["id"]
    return thread_id


def _assistant_id(api: httpx.Client) -> str:
    assistant_id: str = _ok(api.post("/assistants", json={"model": "gpt-4o"}))["id"]
    return assistant_id


# --- reasoning_effort ---------------------------------------------------------------------------------


@pytest.mark.parametrize("effort", EFFORTS)
def test_every_reasoning_effort_of_the_contract_is_accepted_everywhere(
    api: httpx.Client, effort: str
) -> None:
    assistant = _ok(api.post("/assistants", json={"model": "o3-mini", "reasoning_effort": effort}))
    assert assistant["reasoning_effort"] == effort
    updated = _ok(api.post(f"/assistants/{assistant['id']}", json={"reasoning_effort": effort}))
    assert updated["reasoning_effort"] == effort
    thread = {"id": _thread_id(api)}
    run = _ok(
        api.post(
            f"/threads/{thread['id']}/runs",
            json={"assistant_id": assistant["id"], "reasoning_effort": effort},
        )
    )
    assert run["reasoning_effort"] == effort
    fresh = {"assistant_id": assistant["id"], "thread": {"messages": [HELLO]}, "reasoning_effort": effort}
    assert _ok(api.post("/threads/runs", json=fresh))["reasoning_effort"] == effort


def test_an_unknown_reasoning_effort_is_refused_with_the_supported_values(api: httpx.Client) -> None:
    message = _bad(
        api.post("/assistants", json={"model": "o3-mini", "reasoning_effort": "extreme"}),
        "reasoning_effort",
        "invalid_value",
    )
    assert message == (
        "Invalid value: 'extreme'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', "
        "'xhigh', and 'max'."
    )


# --- chunking_strategy --------------------------------------------------------------------------------

STATIC = {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}}

BROKEN_CHUNKING: list[tuple[Any, str, str]] = [
    ({}, ".type", "missing_required_parameter"),
    ({"type": "fixed"}, ".type", "invalid_value"),
    ({"type": "static"}, ".static", "missing_required_parameter"),
    ({"type": "static", "static": "big"}, ".static", "invalid_type"),
    (
        {"type": "static", "static": {"chunk_overlap_tokens": 0}},
        ".static.max_chunk_size_tokens",
        "missing_required_parameter",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 800}},
        ".static.chunk_overlap_tokens",
        "missing_required_parameter",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 99, "chunk_overlap_tokens": 0}},
        ".static.max_chunk_size_tokens",
        "integer_below_min_value",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 4097, "chunk_overlap_tokens": 0}},
        ".static.max_chunk_size_tokens",
        "integer_above_max_value",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 800.5, "chunk_overlap_tokens": 0}},
        ".static.max_chunk_size_tokens",
        "invalid_type",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": -1}},
        ".static.chunk_overlap_tokens",
        "integer_below_min_value",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 101, "chunk_overlap_tokens": 51}},
        ".static.chunk_overlap_tokens",
        "invalid_value",
    ),
    (
        {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 0, "x": 1}},
        ".static.x",
        "unknown_parameter",
    ),
    ({"type": "auto", "static": STATIC["static"]}, ".static", "unknown_parameter"),
    ("auto", "", "invalid_type"),
]


def _chunking_requests(api: httpx.Client, strategy: Any) -> list[tuple[httpx.Response, str]]:
    """Every request that may carry a chunking strategy, each with the param naming it."""
    store_id = _store_id(api)
    file_id = _file_id(api)
    new_store = {"file_search": {"vector_stores": [{"file_ids": [file_id], "chunking_strategy": strategy}]}}
    nested = "tool_resources.file_search.vector_stores[0].chunking_strategy"
    return [
        (api.post("/vector_stores", json={"chunking_strategy": strategy}), "chunking_strategy"),
        (
            api.post(
                f"/vector_stores/{store_id}/files", json={"file_id": file_id, "chunking_strategy": strategy}
            ),
            "chunking_strategy",
        ),
        (
            api.post(
                f"/vector_stores/{store_id}/file_batches",
                json={"file_ids": [file_id], "chunking_strategy": strategy},
            ),
            "chunking_strategy",
        ),
        (
            api.post(
                f"/vector_stores/{store_id}/file_batches",
                json={"files": [{"file_id": file_id, "chunking_strategy": strategy}]},
            ),
            "files[0].chunking_strategy",
        ),
        (api.post("/threads", json={"tool_resources": new_store}), nested),
        (api.post("/assistants", json={"model": "gpt-4o", "tool_resources": new_store}), nested),
    ]


@pytest.mark.parametrize(("strategy", "suffix", "code"), BROKEN_CHUNKING)
def test_a_broken_chunking_strategy_is_refused_naming_the_param(
    api: httpx.Client, strategy: Any, suffix: str, code: str
) -> None:
    for response, param in _chunking_requests(api, strategy):
        _bad(response, param + suffix, code)


def test_an_overlap_above_half_a_chunk_says_what_it_may_be(api: httpx.Client) -> None:
    strategy = {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 401}}
    message = _bad(
        api.post("/vector_stores", json={"chunking_strategy": strategy}),
        "chunking_strategy.static.chunk_overlap_tokens",
    )
    assert "Expected a value <= 400, but got 401 instead." in message


@pytest.mark.parametrize(
    "strategy",
    [
        {"type": "auto"},
        STATIC,
        {"type": "static", "static": {"max_chunk_size_tokens": 4096, "chunk_overlap_tokens": 0}},
        {"type": "static", "static": {"max_chunk_size_tokens": 101, "chunk_overlap_tokens": 50}},
    ],
)
def test_a_documented_chunking_strategy_is_accepted_everywhere(api: httpx.Client, strategy: Any) -> None:
    for response, _ in _chunking_requests(api, strategy):
        _ok(response)


def test_a_static_strategy_is_what_the_file_reports(api: httpx.Client) -> None:
    store_id = _store_id(api)
    entry = _ok(
        api.post(
            f"/vector_stores/{store_id}/files", json={"file_id": _file_id(api), "chunking_strategy": STATIC}
        )
    )
    assert entry["chunking_strategy"] == STATIC


# --- files.create expires_after ------------------------------------------------------------------------


def test_a_file_expiration_sets_expires_at(sdk: openai.OpenAI) -> None:
    created = sdk.files.create(
        file=("notes.txt", b"some notes"),
        purpose="assistants",
        expires_after={"anchor": "created_at", "seconds": 3600},
    )
    assert created.expires_at == created.created_at + 3600
    assert sdk.files.retrieve(created.id).expires_at == created.expires_at
    forever = sdk.files.create(file=("notes.txt", b"some notes"), purpose="assistants")
    assert forever.expires_at is None


def test_the_longest_file_expiration_is_accepted(api: httpx.Client) -> None:
    body = _ok(_upload(api, {"expires_after[anchor]": "created_at", "expires_after[seconds]": "2592000"}))
    assert body["expires_at"] == body["created_at"] + 2592000


@pytest.mark.parametrize(
    ("fields", "param", "code"),
    [
        ({"expires_after[seconds]": "3600"}, "expires_after.anchor", "missing_required_parameter"),
        ({"expires_after[anchor]": "created_at"}, "expires_after.seconds", "missing_required_parameter"),
        (
            {"expires_after[anchor]": "last_active_at", "expires_after[seconds]": "3600"},
            "expires_after.anchor",
            "invalid_value",
        ),
        (
            {"expires_after[anchor]": "created_at", "expires_after[seconds]": "3599"},
            "expires_after.seconds",
            "integer_below_min_value",
        ),
        (
            {"expires_after[anchor]": "created_at", "expires_after[seconds]": "2592001"},
            "expires_after.seconds",
            "integer_above_max_value",
        ),
        (
            {"expires_after[anchor]": "created_at", "expires_after[seconds]": "an hour"},
            "expires_after.seconds",
            "invalid_type",
        ),
        (
            {
                "expires_after[anchor]": "created_at",
                "expires_after[seconds]": "3600",
                "expires_after[days]": "1",
            },
            "expires_after.days",
            "unknown_parameter",
        ),
        ({"expires_after": "soon"}, "expires_after", "invalid_type"),
    ],
)
def test_a_broken_file_expiration_is_refused_naming_the_param(
    api: httpx.Client, fields: dict[str, str], param: str, code: str
) -> None:
    _bad(_upload(api, fields), param, code)


# --- file_batches.create size ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["file_ids", "files"])
def test_a_file_batch_needs_at_least_one_file(api: httpx.Client, field: str) -> None:
    message = _bad(
        api.post(f"/vector_stores/{_store_id(api)}/file_batches", json={field: []}), field, "empty_array"
    )
    assert "Expected an array with minimum length 1" in message


@pytest.mark.parametrize("field", ["file_ids", "files"])
def test_a_file_batch_holds_at_most_2000_files(api: httpx.Client, field: str) -> None:
    ids = [f"file-{index}" for index in range(2001)]
    items: list[Any] = ids if field == "file_ids" else [{"file_id": file_id} for file_id in ids]
    store = _store_id(api)
    message = _bad(
        api.post(f"/vector_stores/{store}/file_batches", json={field: items}), field, "array_above_max_length"
    )
    assert "maximum length 2000, but got an array with length 2001" in message
    # 2000 passes the size rule: the first (unknown) file is what is refused then
    _bad(
        api.post(f"/vector_stores/{store}/file_batches", json={"file_ids": ids[:2000]}),
        "file_ids[0]",
        "file_not_found",
    )


# --- response_format ----------------------------------------------------------------------------------

SCHEMA = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
GOOD_FORMATS: list[Any] = [
    "auto",
    {"type": "text"},
    {"type": "json_object"},
    {"type": "json_schema", "json_schema": {"name": "answer"}},
    {
        "type": "json_schema",
        "json_schema": {"name": "a-B_9" * 12 + "abcd", "description": "d", "schema": SCHEMA, "strict": True},
    },
    {"type": "json_schema", "json_schema": {"name": "answer", "strict": None}},
]
BROKEN_FORMATS: list[tuple[Any, str, str]] = [
    ("json", "response_format", "invalid_value"),
    (5, "response_format", "invalid_type"),
    ({}, "response_format.type", "missing_required_parameter"),
    ({"type": "xml"}, "response_format.type", "invalid_value"),
    ({"type": "json_schema"}, "response_format.json_schema", "missing_required_parameter"),
    ({"type": "json_schema", "json_schema": "answer"}, "response_format.json_schema", "invalid_type"),
    (
        {"type": "json_schema", "json_schema": {}},
        "response_format.json_schema.name",
        "missing_required_parameter",
    ),
    ({"type": "json_schema", "json_schema": {"name": 5}}, "response_format.json_schema.name", "invalid_type"),
    (
        {"type": "json_schema", "json_schema": {"name": "a" * 65}},
        "response_format.json_schema.name",
        "invalid_value",
    ),
    (
        {"type": "json_schema", "json_schema": {"name": "my answer"}},
        "response_format.json_schema.name",
        "invalid_value",
    ),
    (
        {"type": "json_schema", "json_schema": {"name": ""}},
        "response_format.json_schema.name",
        "invalid_value",
    ),
    (
        {"type": "json_schema", "json_schema": {"name": "a", "description": 5}},
        "response_format.json_schema.description",
        "invalid_type",
    ),
    (
        {"type": "json_schema", "json_schema": {"name": "a", "schema": "object"}},
        "response_format.json_schema.schema",
        "invalid_type",
    ),
    (
        {"type": "json_schema", "json_schema": {"name": "a", "strict": "yes"}},
        "response_format.json_schema.strict",
        "invalid_type",
    ),
    (
        {"type": "json_schema", "json_schema": {"name": "a", "format": "json"}},
        "response_format.json_schema.format",
        "unknown_parameter",
    ),
    ({"type": "text", "json_schema": {"name": "a"}}, "response_format.json_schema", "unknown_parameter"),
]


def _format_requests(api: httpx.Client, response_format: Any) -> list[httpx.Response]:
    assistant_id = _assistant_id(api)
    thread_id = _thread_id(api)
    return [
        api.post("/assistants", json={"model": "gpt-4o", "response_format": response_format}),
        api.post(f"/assistants/{assistant_id}", json={"response_format": response_format}),
        api.post(
            f"/threads/{thread_id}/runs",
            json={"assistant_id": assistant_id, "response_format": response_format},
        ),
        api.post(
            "/threads/runs",
            json={
                "assistant_id": assistant_id,
                "thread": {"messages": [HELLO]},
                "response_format": response_format,
            },
        ),
    ]


@pytest.mark.parametrize(("response_format", "param", "code"), BROKEN_FORMATS)
def test_a_broken_response_format_is_refused_naming_the_param(
    api: httpx.Client, response_format: Any, param: str, code: str
) -> None:
    for response in _format_requests(api, response_format):
        _bad(response, param, code)


@pytest.mark.parametrize("response_format", GOOD_FORMATS)
def test_a_documented_response_format_is_accepted_and_echoed(api: httpx.Client, response_format: Any) -> None:
    for response in _format_requests(api, response_format):
        assert _ok(response)["response_format"] == response_format


# --- neighbours the same rules reach ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attributes", "param", "code"),
    [
        ({f"k{index}": "v" for index in range(17)}, "attributes", "object_above_max_properties"),
        ({"k" * 65: "v"}, "attributes", "string_above_max_length"),
        ({"k": "v" * 513}, "attributes.k", "string_above_max_length"),
        ({"k": ["v"]}, "attributes.k", "invalid_type"),
    ],
)
def test_vector_store_file_attributes_keep_their_limits(
    api: httpx.Client, attributes: dict[str, Any], param: str, code: str
) -> None:
    store_id = _store_id(api)
    file_id = _file_id(api)
    _bad(
        api.post(f"/vector_stores/{store_id}/files", json={"file_id": file_id, "attributes": attributes}),
        param,
        code,
    )
    good = {"region": "eu", "year": 2024, "score": 0.5, "public": True}
    entry = _ok(api.post(f"/vector_stores/{store_id}/files", json={"file_id": file_id, "attributes": good}))
    assert entry["attributes"] == good
    _bad(api.post(f"/vector_stores/{store_id}/files/{file_id}", json={"attributes": attributes}), param, code)


@pytest.mark.parametrize("kind", ["text", "image_file", "image_url"])
def test_a_content_part_carries_the_member_its_type_names(api: httpx.Client, kind: str) -> None:
    alone = {"role": "user", "content": [{"type": kind}]}
    missing = f"messages[0].content[0].{kind}"
    _bad(api.post("/threads", json={"messages": [alone]}), missing, "missing_required_parameter")
    members = {
        "text": "hi",
        "image_file": {"file_id": "file-1"},
        "image_url": {"url": "https://x.test/a.png"},
    }
    other = next(name for name in members if name != kind)
    mixed = {"role": "user", "content": [{"type": kind, kind: members[kind], other: members[other]}]}
    _bad(
        api.post("/threads", json={"messages": [mixed]}),
        f"messages[0].content[0].{other}",
        "unknown_parameter",
    )


def test_the_sdk_sends_and_reads_the_newer_values(client: openai.OpenAI) -> None:
    response_format: Any = {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": SCHEMA, "strict": True},
    }
    assistant = client.beta.assistants.create(
        model="gpt-4o", response_format=response_format, reasoning_effort="max"
    )
    assert getattr(assistant, "reasoning_effort", None) == "max"
    assert client.beta.assistants.retrieve(assistant.id).response_format == assistant.response_format
    assert getattr(assistant.response_format, "type", None) == "json_schema"


def test_a_forced_function_follows_the_function_name_rule(api: httpx.Client) -> None:
    assistant_id = _assistant_id(api)
    choice = {"type": "function", "function": {"name": "look up"}}
    response = api.post(
        f"/threads/{_thread_id(api)}/runs", json={"assistant_id": assistant_id, "tool_choice": choice}
    )
    _bad(response, "tool_choice.function.name", "invalid_value")
