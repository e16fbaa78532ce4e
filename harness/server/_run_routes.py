"""Routes for runs, run steps and create-and-run (streamed and not)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.server import _requests as rq
from harness.server import _validation as v
from harness.server._errors import bad_request
from harness.server._http import include_content, json_body, respond, state
from harness.server._objects import new_message, new_run
from harness.server._resources import check_attachments, create_thread_object
from harness.server._state import TERMINAL, Obj, list_body, paginate, public, step_view
from harness.server._streaming import EventStream

Event = tuple[str, Obj]


def _stream_fault(request: Request) -> Any:
    return request.scope.get("harness.stream_fault")


def _start_run(request: Request, thread: Obj, params: Mapping[str, Any], *, streamed: bool) -> Obj:
    server = state(request)
    store = server.store
    assistant = store.assistant(params["assistant_id"])
    active = store.active_run(thread["id"])
    if active is not None:
        raise bad_request(f"Thread {thread['id']} already has an active run {active['id']}.")
    for index, message in enumerate(params.get("additional_messages") or []):
        check_attachments(store, message, f"additional_messages[{index}].")
    has_user = any(m["role"] == "user" for m in store.messages.get(thread["id"], [])) or any(
        m["role"] == "user" for m in params.get("additional_messages") or []
    )
    instructions = (
        params.get("instructions") or params.get("additional_instructions") or assistant.get("instructions")
    )
    if not has_user and not instructions:
        raise bad_request(
            "Run creation requires a Thread with a user message or an assistant with instructions.",
            code="invalid_thread",
        )
    for message in params.get("additional_messages") or []:
        new_message(
            store,
            thread["id"],
            role=message["role"],
            content=message["content"],
            attachments=message.get("attachments"),
            metadata=message.get("metadata"),
        )
    run = new_run(store, thread_id=thread["id"], assistant=assistant, params=params, streamed=streamed)
    server.engine.start(run, include_content=include_content(request))
    return run


def _run_response(request: Request, run: Obj, streamed: bool, first: Iterable[Event] = ()) -> Response:
    if not streamed:
        return respond(public(run))
    engine = state(request).engine
    events = itertools.chain(first, [("thread.run.created", public(run))], engine.events(run))
    return EventStream(events, fault=_stream_fault(request))


async def create_run(request: Request) -> Response:
    store = state(request).store
    thread = store.thread(request.path_params["thread_id"])
    params = v.check_object("", await json_body(request), rq.RUN_FIELDS, required=("assistant_id",))
    include_content(request)
    streamed = bool(params.get("stream"))
    run = _start_run(request, thread, params, streamed=streamed)
    return _run_response(request, run, streamed)


async def create_thread_and_run(request: Request) -> Response:
    store = state(request).store
    params = v.check_object(
        "", await json_body(request), rq.THREAD_AND_RUN_FIELDS, required=("assistant_id",)
    )
    store.assistant(params["assistant_id"])
    thread_params = dict(params.get("thread") or {})
    if params.get("tool_resources") is not None:
        thread_params.setdefault("tool_resources", params["tool_resources"])
    streamed = bool(params.get("stream"))
    thread = create_thread_object(store, thread_params, run_thread=True)
    run = _start_run(request, thread, params, streamed=streamed)
    return _run_response(request, run, streamed, first=[("thread.created", public(thread))])


async def list_runs(request: Request) -> Response:
    store = state(request).store
    thread_id = request.path_params["thread_id"]
    store.thread(thread_id)
    limit, order, after, before = rq.list_query(request.query_params)
    page, more = paginate(store.runs.get(thread_id, []), limit=limit, order=order, after=after, before=before)
    return respond(list_body([public(r) for r in page], more))


async def retrieve_run(request: Request) -> Response:
    server = state(request)
    run = server.store.run(request.path_params["thread_id"], request.path_params["run_id"])
    if run["status"] not in TERMINAL and run["status"] != "requires_action":
        server.engine.advance(run)
    return respond(public(run))


async def update_run(request: Request) -> Response:
    store = state(request).store
    run = store.run(request.path_params["thread_id"], request.path_params["run_id"])
    params = v.check_object("", await json_body(request), rq.METADATA_ONLY)
    if run["status"] in ("queued", "in_progress", "cancelling"):
        raise bad_request(f"Cannot update run with status '{run['status']}'.")
    if "metadata" in params:
        run["metadata"] = dict(params["metadata"] or {})
    return respond(public(run))


async def cancel_run(request: Request) -> Response:
    server = state(request)
    run = server.store.run(request.path_params["thread_id"], request.path_params["run_id"])
    server.engine.cancel(run)
    return respond(public(run))


async def submit_tool_outputs(request: Request) -> Response:
    server = state(request)
    run = server.store.run(request.path_params["thread_id"], request.path_params["run_id"])
    params = v.check_object("", await json_body(request), rq.TOOL_OUTPUTS_FIELDS, required=("tool_outputs",))
    server.engine.submit(run, params["tool_outputs"])
    if params.get("stream"):
        return EventStream(server.engine.events(run), fault=_stream_fault(request))
    server.engine.advance(run)
    return respond(public(run))


async def list_steps(request: Request) -> Response:
    store = state(request).store
    run = store.run(request.path_params["thread_id"], request.path_params["run_id"])
    include = include_content(request)
    limit, order, after, before = rq.list_query(request.query_params)
    page, more = paginate(
        store.steps.get(run["id"], []), limit=limit, order=order, after=after, before=before
    )
    return respond(list_body([step_view(s, include_content=include) for s in page], more))


async def retrieve_step(request: Request) -> Response:
    store = state(request).store
    run = store.run(request.path_params["thread_id"], request.path_params["run_id"])
    include = include_content(request)
    return respond(step_view(store.step(run["id"], request.path_params["step_id"]), include_content=include))


ROUTES = [
    Route("/v1/threads/runs", create_thread_and_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs", create_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs", list_runs, methods=["GET"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}", retrieve_run, methods=["GET"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}", update_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/cancel", cancel_run, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", submit_tool_outputs, methods=["POST"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/steps", list_steps, methods=["GET"]),
    Route("/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}", retrieve_step, methods=["GET"]),
]
