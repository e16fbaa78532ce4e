"""Routes for assistants, threads and messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.server import _requests as rq
from harness.server import _validation as v
from harness.server._errors import bad_request
from harness.server._http import json_body, respond, state
from harness.server._objects import new_message
from harness.server._state import Obj, Store, deleted, list_body, message_view, paginate, public
from harness.server._vectors import stores_from_resources


def _assistant_resources(store: Store, tools: list[Obj], resources: Mapping[str, Any] | None) -> Obj:
    stored = stores_from_resources(store, resources)
    if any(t["type"] == "code_interpreter" for t in tools) and "code_interpreter" not in stored:
        stored = {"code_interpreter": {"file_ids": []}, **stored}
    return stored


async def create_assistant(request: Request) -> Response:
    store = state(request).store
    params = v.check_object("", await json_body(request), rq.ASSISTANT_FIELDS, required=("model",))
    tools = list(params.get("tools") or [])
    assistant: Obj = {
        "id": store.ids.new("assistant"),
        "object": "assistant",
        "created_at": store.now(),
        "name": params.get("name"),
        "description": params.get("description"),
        "model": params["model"],
        "instructions": params.get("instructions"),
        "tools": tools,
        "top_p": float(params["top_p"]) if params.get("top_p") is not None else 1.0,
        "temperature": float(params["temperature"]) if params.get("temperature") is not None else 1.0,
        "reasoning_effort": params.get("reasoning_effort"),
        "tool_resources": _assistant_resources(store, tools, params.get("tool_resources")),
        "metadata": dict(params.get("metadata") or {}),
        "response_format": params.get("response_format") or "auto",
    }
    store.assistants[assistant["id"]] = assistant
    return respond(public(assistant))


async def retrieve_assistant(request: Request) -> Response:
    return respond(public(state(request).store.assistant(request.path_params["assistant_id"])))


async def update_assistant(request: Request) -> Response:
    store = state(request).store
    assistant = store.assistant(request.path_params["assistant_id"])
    params = v.check_object("", await json_body(request), rq.ASSISTANT_FIELDS)
    for key, value in params.items():
        if key == "tool_resources":
            continue
        if key in ("temperature", "top_p"):
            assistant[key] = float(value) if value is not None else 1.0
        elif key == "response_format":
            assistant[key] = value or "auto"
        elif key == "metadata":
            assistant[key] = dict(value or {})
        else:
            assistant[key] = value
    if "tool_resources" in params or "tools" in params:
        resources = params["tool_resources"] if "tool_resources" in params else assistant["tool_resources"]
        assistant["tool_resources"] = _assistant_resources(store, assistant["tools"], resources)
    return respond(public(assistant))


async def list_assistants(request: Request) -> Response:
    store = state(request).store
    limit, order, after, before = rq.list_query(request.query_params)
    page, more = paginate(
        list(store.assistants.values()), limit=limit, order=order, after=after, before=before
    )
    return respond(list_body([public(a) for a in page], more))


async def delete_assistant(request: Request) -> Response:
    store = state(request).store
    assistant_id = request.path_params["assistant_id"]
    store.assistant(assistant_id)
    del store.assistants[assistant_id]
    return respond(deleted(assistant_id, "assistant"))


def check_attachments(store: Store, message: Mapping[str, Any], param: str) -> None:
    """400 when a message attaches a file that does not exist."""
    for index, attachment in enumerate(message.get("attachments") or []):
        if attachment["file_id"] not in store.files:
            raise bad_request(
                f"File '{attachment['file_id']}' not found.", param=f"{param}attachments[{index}].file_id"
            )


def create_thread_object(store: Store, params: Mapping[str, Any], *, run_thread: bool = False) -> Obj:
    """A new thread with its initial messages (validated ``params``)."""
    for index, message in enumerate(params.get("messages") or []):
        check_attachments(store, message, f"messages[{index}].")
    resources = stores_from_resources(store, params.get("tool_resources"))
    if run_thread and "code_interpreter" not in resources:
        resources = {"code_interpreter": {"file_ids": []}, **resources}
    thread: Obj = {
        "id": store.ids.new("thread"),
        "object": "thread",
        "created_at": store.now(),
        "metadata": dict(params.get("metadata") or {}),
        "tool_resources": resources,
    }
    store.threads[thread["id"]] = thread
    store.messages[thread["id"]] = []
    store.runs[thread["id"]] = []
    for message in params.get("messages") or []:
        new_message(
            store,
            thread["id"],
            role=message["role"],
            content=message["content"],
            attachments=message.get("attachments"),
            metadata=message.get("metadata"),
        )
    return thread


async def create_thread(request: Request) -> Response:
    store = state(request).store
    params = v.check_object("", await json_body(request), rq.THREAD_FIELDS)
    return respond(public(create_thread_object(store, params)))


async def retrieve_thread(request: Request) -> Response:
    view = public(state(request).store.thread(request.path_params["thread_id"]))
    # Real drift: a retrieved thread shows an empty code_interpreter resource that create and update omit.
    view["tool_resources"] = {"code_interpreter": {"file_ids": []}, **view["tool_resources"]}
    return respond(view)


async def update_thread(request: Request) -> Response:
    store = state(request).store
    thread = store.thread(request.path_params["thread_id"])
    params = v.check_object("", await json_body(request), rq.THREAD_UPDATE_FIELDS)
    if "metadata" in params:
        thread["metadata"] = dict(params["metadata"] or {})
    if "tool_resources" in params:
        thread["tool_resources"] = stores_from_resources(store, params["tool_resources"])
    return respond(public(thread))


async def delete_thread(request: Request) -> Response:
    store = state(request).store
    thread_id = request.path_params["thread_id"]
    store.thread(thread_id)
    del store.threads[thread_id]
    store.messages.pop(thread_id, None)
    for run in store.runs.pop(thread_id, []):
        store.steps.pop(run["id"], None)
    return respond(deleted(thread_id, "thread"))


async def create_message(request: Request) -> Response:
    store = state(request).store
    thread_id = request.path_params["thread_id"]
    store.thread(thread_id)
    params = v.check_object("", await json_body(request), rq.MESSAGE_FIELDS, required=("role", "content"))
    active = store.active_run(thread_id)
    if active is not None:
        raise bad_request(f"Can't add messages to {thread_id} while a run {active['id']} is active.")
    check_attachments(store, params, "")
    message = new_message(
        store,
        thread_id,
        role=params["role"],
        content=params["content"],
        attachments=params.get("attachments"),
        metadata=params.get("metadata"),
    )
    return respond(message_view(message))


async def list_messages(request: Request) -> Response:
    store = state(request).store
    thread_id = request.path_params["thread_id"]
    store.thread(thread_id)
    limit, order, after, before = rq.list_query(request.query_params)
    items = store.messages.get(thread_id, [])
    run_id = request.query_params.get("run_id")
    if run_id is not None:
        items = [m for m in items if m["run_id"] == run_id]
    page, more = paginate(items, limit=limit, order=order, after=after, before=before)
    return respond(list_body([message_view(m) for m in page], more))


async def retrieve_message(request: Request) -> Response:
    store = state(request).store
    return respond(
        message_view(store.message(request.path_params["thread_id"], request.path_params["message_id"]))
    )


async def update_message(request: Request) -> Response:
    store = state(request).store
    message = store.message(request.path_params["thread_id"], request.path_params["message_id"])
    params = v.check_object("", await json_body(request), rq.METADATA_ONLY)
    if "metadata" in params:
        message["metadata"] = dict(params["metadata"] or {})
    return respond(message_view(message))


async def delete_message(request: Request) -> Response:
    store = state(request).store
    thread_id = request.path_params["thread_id"]
    message = store.message(thread_id, request.path_params["message_id"])
    store.messages[thread_id].remove(message)
    return respond(deleted(message["id"], "thread.message"))


ROUTES = [
    Route("/v1/assistants", create_assistant, methods=["POST"]),
    Route("/v1/assistants", list_assistants, methods=["GET"]),
    Route("/v1/assistants/{assistant_id}", retrieve_assistant, methods=["GET"]),
    Route("/v1/assistants/{assistant_id}", update_assistant, methods=["POST"]),
    Route("/v1/assistants/{assistant_id}", delete_assistant, methods=["DELETE"]),
    Route("/v1/threads", create_thread, methods=["POST"]),
    Route("/v1/threads/{thread_id}", retrieve_thread, methods=["GET"]),
    Route("/v1/threads/{thread_id}", update_thread, methods=["POST"]),
    Route("/v1/threads/{thread_id}", delete_thread, methods=["DELETE"]),
    Route("/v1/threads/{thread_id}/messages", create_message, methods=["POST"]),
    Route("/v1/threads/{thread_id}/messages", list_messages, methods=["GET"]),
    Route("/v1/threads/{thread_id}/messages/{message_id}", retrieve_message, methods=["GET"]),
    Route("/v1/threads/{thread_id}/messages/{message_id}", update_message, methods=["POST"]),
    Route("/v1/threads/{thread_id}/messages/{message_id}", delete_message, methods=["DELETE"]),
]
