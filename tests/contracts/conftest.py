"""Valid example objects of every contract, made up for the tests (no recorded values)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

T0 = 1_700_000_000

_FUNCTION_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather of a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        "strict": False,
    },
}
_TOOLS = [
    {"type": "code_interpreter"},
    {
        "type": "file_search",
        "file_search": {"max_num_results": 5, "ranking_options": {"ranker": "auto", "score_threshold": 0.5}},
    },
    _FUNCTION_TOOL,
]
_USAGE = {"completion_tokens": 5, "prompt_tokens": 10, "total_tokens": 15}

ASSISTANT = {
    "id": "asst_example",
    "object": "assistant",
    "created_at": T0,
    "name": "Tutor",
    "description": None,
    "model": "gpt-4o",
    "instructions": "Answer briefly.",
    "tools": _TOOLS,
    "metadata": {"team": "docs"},
    "tool_resources": {
        "code_interpreter": {"file_ids": ["file_example"]},
        "file_search": {"vector_store_ids": ["vs_example"]},
    },
    "temperature": 1,
    "top_p": 1.0,
    "response_format": "auto",
}
THREAD = {
    "id": "thread_example",
    "object": "thread",
    "created_at": T0,
    "tool_resources": None,
    "metadata": {},
}
MESSAGE = {
    "id": "msg_example",
    "object": "thread.message",
    "created_at": T0,
    "thread_id": "thread_example",
    "status": "completed",
    "incomplete_details": None,
    "completed_at": T0 + 5,
    "incomplete_at": None,
    "role": "assistant",
    "content": [
        {
            "type": "text",
            "text": {
                "value": "See [1] and sandbox:/a.png",
                "annotations": [
                    {
                        "type": "file_citation",
                        "text": "[1]",
                        "file_citation": {"file_id": "file_cited"},
                        "start_index": 4,
                        "end_index": 7,
                    },
                    {
                        "type": "file_path",
                        "text": "sandbox:/a.png",
                        "file_path": {"file_id": "file_made"},
                        "start_index": 12,
                        "end_index": 26,
                    },
                ],
            },
        },
        {"type": "image_file", "image_file": {"file_id": "file_image", "detail": "low"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "auto"}},
        {"type": "refusal", "refusal": "I cannot help with that."},
    ],
    "assistant_id": "asst_example",
    "run_id": "run_example",
    "attachments": [{"file_id": "file_attached", "tools": [{"type": "file_search"}]}],
    "metadata": None,
}
RUN = {
    "id": "run_example",
    "object": "thread.run",
    "created_at": T0,
    "thread_id": "thread_example",
    "assistant_id": "asst_example",
    "status": "requires_action",
    "required_action": {
        "type": "submit_tool_outputs",
        "submit_tool_outputs": {
            "tool_calls": [
                {
                    "id": "call_example",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                }
            ]
        },
    },
    "last_error": None,
    "expires_at": T0 + 600,
    "started_at": T0 + 1,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": None,
    "incomplete_details": None,
    "model": "gpt-4o",
    "instructions": "Answer briefly.",
    "tools": [_FUNCTION_TOOL],
    "metadata": {},
    "usage": None,
    "max_prompt_tokens": 1000,
    "max_completion_tokens": None,
    "truncation_strategy": {"type": "last_messages", "last_messages": 10},
    "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    "parallel_tool_calls": True,
    "response_format": {
        "type": "json_schema",
        "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": True},
    },
    "temperature": 0.5,
    "top_p": None,
}
RUN_STEP = {
    "id": "step_example",
    "object": "thread.run.step",
    "created_at": T0,
    "assistant_id": "asst_example",
    "thread_id": "thread_example",
    "run_id": "run_example",
    "type": "tool_calls",
    "status": "completed",
    "step_details": {
        "type": "tool_calls",
        "tool_calls": [
            {
                "id": "call_code",
                "type": "code_interpreter",
                "code_interpreter": {
                    "input": "print(1)",
                    "outputs": [
                        {"type": "logs", "logs": "1"},
                        {"type": "image", "image": {"file_id": "file_plot"}},
                    ],
                },
            },
            {
                "id": "call_search",
                "type": "file_search",
                "file_search": {
                    "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
                    "results": [
                        {
                            "file_id": "file_doc",
                            "file_name": "doc.md",
                            "score": 0.9,
                            "content": [{"type": "text", "text": "chunk"}],
                        }
                    ],
                },
            },
            {
                "id": "call_function",
                "type": "function",
                "function": {"name": "get_weather", "arguments": "{}", "output": None},
            },
        ],
    },
    "last_error": None,
    "expired_at": None,
    "cancelled_at": None,
    "failed_at": None,
    "completed_at": T0 + 3,
    "metadata": None,
    "usage": _USAGE,
}
MESSAGE_CREATION_STEP = {
    **RUN_STEP,
    "type": "message_creation",
    "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_example"}},
}
MESSAGE_DELTA = {
    "id": "msg_example",
    "object": "thread.message.delta",
    "delta": {
        "role": "assistant",
        "content": [
            {
                "index": 0,
                "type": "text",
                "text": {
                    "value": "Hel",
                    "annotations": [
                        {
                            "index": 0,
                            "type": "file_citation",
                            "text": "[1]",
                            "file_citation": {"file_id": "file_cited", "quote": "q"},
                            "start_index": 0,
                            "end_index": 3,
                        },
                        {"index": 1, "type": "file_path", "file_path": {"file_id": "file_made"}},
                    ],
                },
            },
            {"index": 1, "type": "image_file", "image_file": {"file_id": "file_image"}},
            {"index": 2, "type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
            {"index": 3, "type": "refusal", "refusal": "No"},
        ],
    },
}
STEP_DELTA = {
    "id": "step_example",
    "object": "thread.run.step.delta",
    "delta": {
        "step_details": {
            "type": "tool_calls",
            "tool_calls": [
                {
                    "index": 0,
                    "id": "call_code",
                    "type": "code_interpreter",
                    "code_interpreter": {
                        "input": "pri",
                        "outputs": [
                            {"index": 0, "type": "logs", "logs": "1"},
                            {"index": 1, "type": "image", "image": {"file_id": "file_plot"}},
                        ],
                    },
                },
                {"index": 1, "id": "call_search", "type": "file_search", "file_search": {}},
                {"index": 2, "type": "function", "function": {"arguments": '{"ci'}},
            ],
        }
    },
}
MESSAGE_CREATION_DELTA = {
    "id": "step_example",
    "object": "thread.run.step.delta",
    "delta": {
        "step_details": {"type": "message_creation", "message_creation": {"message_id": "msg_example"}}
    },
}
FILE = {
    "id": "file_example",
    "object": "file",
    "bytes": 120,
    "created_at": T0,
    "filename": "notes.md",
    "purpose": "assistants",
    "status": "processed",
    "expires_at": None,
    "status_details": None,
}
_COUNTS = {"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0, "total": 1}
VECTOR_STORE = {
    "id": "vs_example",
    "object": "vector_store",
    "created_at": T0,
    "name": "Docs",
    "usage_bytes": 1024,
    "file_counts": _COUNTS,
    "status": "completed",
    "last_active_at": T0,
    "metadata": {},
    "expires_after": {"anchor": "last_active_at", "days": 7},
    "expires_at": None,
}
VECTOR_STORE_FILE = {
    "id": "file_example",
    "object": "vector_store.file",
    "usage_bytes": 1024,
    "created_at": T0,
    "vector_store_id": "vs_example",
    "status": "completed",
    "last_error": None,
    "chunking_strategy": {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    },
    "attributes": {"lang": "en", "pages": 3, "draft": False},
}
FILE_BATCH = {
    "id": "vsfb_example",
    "object": "vector_store.file_batch",
    "created_at": T0,
    "vector_store_id": "vs_example",
    "status": "in_progress",
    "file_counts": _COUNTS,
}
ERROR = {
    "error": {"message": "No thread found.", "type": "invalid_request_error", "param": None, "code": None}
}


def _page(*items: dict[str, Any]) -> dict[str, Any]:
    """A list page of ``items``."""
    return {
        "object": "list",
        "data": list(items),
        "first_id": items[0]["id"] if items else None,
        "last_id": items[-1]["id"] if items else None,
        "has_more": False,
    }


def _deleted(object_name: str, identifier: str) -> dict[str, Any]:
    """A deletion confirmation."""
    return {"id": identifier, "object": object_name, "deleted": True}


REQUESTS: dict[str, dict[str, Any]] = {
    "CreateAssistantRequest": {
        "model": "gpt-4o",
        "name": "Tutor",
        "description": "Explains maths",
        "instructions": "Answer briefly.",
        "reasoning_effort": "low",
        "tools": _TOOLS,
        "tool_resources": {
            "code_interpreter": {"file_ids": ["file_example"]},
            "file_search": {
                "vector_stores": [
                    {
                        "file_ids": ["file_example"],
                        "chunking_strategy": {"type": "auto"},
                        "metadata": {"k": "v"},
                    }
                ]
            },
        },
        "metadata": {"team": "docs"},
        "temperature": 0.2,
        "top_p": 0.9,
        "response_format": {"type": "json_object"},
    },
    "CreateThreadRequest": {
        "messages": [
            {
                "role": "user",
                "content": "Hello",
                "attachments": [{"file_id": "file_example", "tools": [{"type": "code_interpreter"}]}],
            },
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {
                        "type": "image_url",
                        "image_url": {"url": "https://example.com/a.png", "detail": "high"},
                    },
                    {"type": "image_file", "image_file": {"file_id": "file_image"}},
                ],
            },
        ],
        "tool_resources": {"file_search": {"vector_store_ids": ["vs_example"]}},
        "metadata": {"topic": "1"},
    },
    "CreateRunRequest": {
        "assistant_id": "asst_example",
        "model": "gpt-4o",
        "instructions": None,
        "additional_instructions": "Be nice.",
        "additional_messages": [{"role": "assistant", "content": "Earlier answer"}],
        "tools": [{"type": "code_interpreter"}],
        "metadata": {"topic": "xyz"},
        "temperature": 0.8,
        "stream": True,
        "max_prompt_tokens": 10_000,
        "max_completion_tokens": 2000,
        "truncation_strategy": {"type": "auto"},
        "tool_choice": "required",
        "parallel_tool_calls": True,
        "response_format": "auto",
    },
    "CreateThreadAndRunRequest": {
        "assistant_id": "asst_example",
        "thread": {"messages": [{"role": "user", "content": "Explain quantum physics"}]},
        "tool_choice": "auto",
        "temperature": 0.7,
    },
    "SubmitToolOutputsRunRequest": {
        "tool_outputs": [{"tool_call_id": "call_example", "output": '{"temp": 20}'}],
        "stream": False,
    },
    "CreateVectorStoreRequest": {
        "name": "Docs",
        "file_ids": ["file_example"],
        "expires_after": {"anchor": "last_active_at", "days": 30},
        "chunking_strategy": {
            "type": "static",
            "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0},
        },
        "metadata": {},
    },
    "CreateVectorStoreFileRequest": {"file_id": "file_example", "attributes": {"lang": "en"}},
    "CreateVectorStoreFileBatchRequest": {
        "file_ids": ["file_a", "file_b"],
        "chunking_strategy": {"type": "auto"},
    },
}

_OBJECTS: dict[str, dict[str, Any]] = {
    "Assistant": ASSISTANT,
    "Thread": THREAD,
    "Message": MESSAGE,
    "Run": RUN,
    "RunStep": RUN_STEP,
    "MessageDeltaEvent": MESSAGE_DELTA,
    "RunStepDeltaEvent": STEP_DELTA,
    "FileObject": FILE,
    "VectorStore": VECTOR_STORE,
    "VectorStoreFile": VECTOR_STORE_FILE,
    "VectorStoreFileBatch": FILE_BATCH,
    "ErrorResponse": ERROR,
    "MessageCreationStep": MESSAGE_CREATION_STEP,
    "MessageCreationDelta": MESSAGE_CREATION_DELTA,
    **REQUESTS,
}


@pytest.fixture
def example() -> Callable[[str], dict[str, Any]]:
    """A fresh (deep-copied) valid example of the named contract, e.g. ``example("Run")``."""

    def make(name: str) -> dict[str, Any]:
        return copy.deepcopy(_OBJECTS[name])

    return make


@pytest.fixture
def page() -> Callable[..., dict[str, Any]]:
    """Build a list page: ``page(item, ...)``; ``page()`` is the empty page."""
    return _page


@pytest.fixture
def deleted() -> Callable[[str, str], dict[str, Any]]:
    """Build a deletion confirmation: ``deleted("assistant.deleted", "asst_1")``."""
    return _deleted
