"""Builders of API objects in the exact key order and shape of the real recordings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.server._run_objects import TextBlock
from harness.server._state import Obj, Store

#: How long an active run may live before it expires, in seconds (the API uses ten minutes).
RUN_TTL = 600


def usage(prompt: int, completion: int) -> Obj:
    """A usage object; ``total_tokens`` is the sum of the other two."""
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_token_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def content_blocks(content: str | Sequence[Mapping[str, Any]]) -> list[Obj]:
    """Message content parts as stored: plain text becomes one text block."""
    if isinstance(content, str):
        return [TextBlock(value=content).to_json()]
    blocks: list[Obj] = []
    for part in content:
        if part["type"] == "text":
            blocks.append(TextBlock(value=part.get("text", "")).to_json())
        elif part["type"] == "image_url":
            image = part.get("image_url", {})
            blocks.append(
                {
                    "type": "image_url",
                    "image_url": {"url": image.get("url"), "detail": image.get("detail", "auto")},
                }
            )
        else:
            image = part.get("image_file", {})
            blocks.append(
                {
                    "type": "image_file",
                    "image_file": {"file_id": image.get("file_id"), "detail": image.get("detail", "auto")},
                }
            )
    return blocks


def message_text(message: Obj) -> str:
    """The text of a message's text blocks."""
    return "\n".join(block["text"]["value"] for block in message["content"] if block["type"] == "text")


def new_message(
    store: Store,
    thread_id: str,
    *,
    role: str,
    content: str | Sequence[Mapping[str, Any]],
    attachments: Sequence[Obj] | None = None,
    metadata: Mapping[str, str] | None = None,
    assistant_id: str | None = None,
    run_id: str | None = None,
    status: str = "completed",
) -> Obj:
    """A message appended to the thread."""
    created = store.now()
    message: Obj = {
        "id": store.ids.new("message"),
        "object": "thread.message",
        "created_at": created,
        "assistant_id": assistant_id,
        "thread_id": thread_id,
        "run_id": run_id,
        "status": status,
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": created if status == "completed" else None,
        "role": role,
        "content": content_blocks(content),
        "attachments": [dict(a, tools=list(a.get("tools") or [])) for a in (attachments or [])],
        "metadata": dict(metadata or {}),
    }
    store.messages.setdefault(thread_id, []).append(message)
    return message


def new_step(store: Store, run: Obj, *, kind: str, details: Obj) -> Obj:
    """A run step in progress, appended to the run's steps."""
    step: Obj = {
        "id": store.ids.new("step"),
        "object": "thread.run.step",
        "created_at": store.now(),
        "run_id": run["id"],
        "assistant_id": run["assistant_id"],
        "thread_id": run["thread_id"],
        "type": kind,
        "status": "in_progress",
        "cancelled_at": None,
        "completed_at": None,
        "expires_at": run["expires_at"],
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
    }
    store.steps.setdefault(run["id"], []).append(step)
    return step


def new_run(
    store: Store, *, thread_id: str, assistant: Obj, params: Mapping[str, Any], streamed: bool
) -> Obj:
    """A queued run: parameters from the request, defaults from the assistant."""
    created = store.now()
    instructions = params.get("instructions")
    if instructions is None:
        instructions = assistant.get("instructions")
    extra = params.get("additional_instructions")
    if extra:
        instructions = f"{instructions}\n\n{extra}" if instructions else extra
    tools = params.get("tools")
    truncation = params.get("truncation_strategy") or {"type": "auto"}
    return {
        "id": store.ids.new("run"),
        "object": "thread.run",
        "created_at": created,
        "assistant_id": assistant["id"],
        "thread_id": thread_id,
        "status": "queued",
        "started_at": None,
        "expires_at": created + RUN_TTL,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": None,
        "required_action": None,
        "last_error": None,
        "model": params.get("model") or assistant["model"],
        "instructions": instructions,
        "tools": list(tools) if tools is not None else list(assistant["tools"]),
        "tool_resources": {"code_interpreter": {"file_ids": []}} if streamed else {},
        "metadata": dict(params.get("metadata") or {}),
        "temperature": _float(params.get("temperature"), assistant.get("temperature")),
        "top_p": _float(params.get("top_p"), assistant.get("top_p")),
        "reasoning_effort": params.get("reasoning_effort"),
        "max_completion_tokens": params.get("max_completion_tokens"),
        "max_prompt_tokens": params.get("max_prompt_tokens"),
        "truncation_strategy": {"type": truncation["type"], "last_messages": truncation.get("last_messages")},
        "incomplete_details": None,
        "usage": None,
        "response_format": params.get("response_format") or assistant.get("response_format") or "auto",
        "tool_choice": params.get("tool_choice") or "auto",
        "parallel_tool_calls": params.get("parallel_tool_calls", True),
    }


def _float(value: Any, fallback: Any) -> float:
    chosen = value if value is not None else fallback
    return float(chosen) if chosen is not None else 1.0
