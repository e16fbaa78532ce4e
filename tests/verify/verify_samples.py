"""Small cassettes and objects for the verify tests, written on the spot (no real recording is copied)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

CassetteWriter = Callable[..., Path]
"""What the ``write_cassette`` fixture returns."""

REAL_CASSETTES = Path(__file__).resolve().parents[2].parent / "shared" / "real-cassettes"
THREAD = {
    "id": "thread_sample1",
    "object": "thread",
    "created_at": 1700000000,
    "tool_resources": {},
    "metadata": {},
}
"""A thread as the contract describes it."""

ASSISTANT = {
    "id": "asst_sample1",
    "object": "assistant",
    "created_at": 1700000000,
    "name": "Sample",
    "description": None,
    "model": "gpt-4o",
    "instructions": "Answer briefly.",
    "tools": [],
    "metadata": {},
}
"""An assistant as the contract describes it."""


def interaction(
    method: str,
    path: str,
    response: Any,
    *,
    status: int = 200,
    request: Any = None,
    content_type: str = "application/json",
    response_headers: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """One vcrpy interaction; ``response`` is a JSON value, or text/bytes stored as they are."""
    if isinstance(response, str | bytes):
        body: Any = response
    else:
        body = json.dumps(response)
    headers = {"Content-Type": [content_type], **(response_headers or {})}
    return {
        "request": {
            "method": method,
            "uri": f"https://api.openai.com/v1{path}",
            "body": None if request is None else json.dumps(request),
            "headers": {"Content-Type": ["application/json"], "OpenAI-Beta": ["assistants=v2"]},
        },
        "response": {
            "status": {"code": status, "message": "OK"},
            "headers": headers,
            "body": {"string": body},
        },
    }


def sse(*events: tuple[str, Any]) -> str:
    """An SSE body of ``(event, data)`` pairs; dict data is JSON-encoded."""
    parts = []
    for name, data in events:
        text = data if isinstance(data, str) else json.dumps(data)
        parts.append(f"event: {name}\ndata: {text}\n\n")
    return "".join(parts)
