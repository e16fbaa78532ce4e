"""The in-memory store of every object, list pagination, and the views the API returns.

Objects are kept as dictionaries in the shape the hosted API returns them, plus a few private fields
(starting with ``_``) that views strip. Lists keep creation order; :func:`paginate` pages them the way
the API does (``limit`` default 20, ``order`` default ``desc``, ``after``/``before`` cursors).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.server._clock import Clock
from harness.server._errors import not_found
from harness.server._ids import IdGenerator

Obj = dict[str, Any]

#: Run statuses after which a run no longer changes.
TERMINAL = frozenset({"completed", "incomplete", "cancelled", "failed", "expired"})
#: Run statuses that block new runs and new messages on the thread.
ACTIVE = frozenset({"queued", "in_progress", "requires_action", "cancelling"})

_MESSAGE_STREAM_ONLY = ("status", "incomplete_details", "incomplete_at", "completed_at")


@dataclass
class Store:
    """All server state, keyed by id; lists are in creation order."""

    ids: IdGenerator
    clock: Clock
    assistants: dict[str, Obj] = field(default_factory=dict)
    threads: dict[str, Obj] = field(default_factory=dict)
    messages: dict[str, list[Obj]] = field(default_factory=dict)
    runs: dict[str, list[Obj]] = field(default_factory=dict)
    steps: dict[str, list[Obj]] = field(default_factory=dict)
    files: dict[str, Obj] = field(default_factory=dict)
    file_bytes: dict[str, bytes] = field(default_factory=dict)
    vector_stores: dict[str, Obj] = field(default_factory=dict)
    vector_store_files: dict[str, list[Obj]] = field(default_factory=dict)
    file_batches: dict[str, Obj] = field(default_factory=dict)

    def now(self) -> int:
        """The clock's next timestamp."""
        return self.clock()

    def assistant(self, assistant_id: str) -> Obj:
        """The assistant, or a 404."""
        found = self.assistants.get(assistant_id)
        if found is None:
            raise not_found("assistant", assistant_id)
        return found

    def thread(self, thread_id: str) -> Obj:
        """The thread, or a 404."""
        found = self.threads.get(thread_id)
        if found is None:
            raise not_found("thread", thread_id)
        return found

    def message(self, thread_id: str, message_id: str) -> Obj:
        """The message of the thread, or a 404."""
        self.thread(thread_id)
        for message in self.messages.get(thread_id, []):
            if message["id"] == message_id:
                return message
        raise not_found("message", message_id)

    def run(self, thread_id: str, run_id: str) -> Obj:
        """The run of the thread, or a 404."""
        self.thread(thread_id)
        for run in self.runs.get(thread_id, []):
            if run["id"] == run_id:
                return run
        raise not_found("run", run_id)

    def step(self, run_id: str, step_id: str) -> Obj:
        """The step of the run, or a 404."""
        for step in self.steps.get(run_id, []):
            if step["id"] == step_id:
                return step
        raise not_found("step", step_id)

    def file(self, file_id: str) -> Obj:
        """The file, or a 404."""
        found = self.files.get(file_id)
        if found is None:
            raise not_found("file", file_id)
        return found

    def vector_store(self, vector_store_id: str) -> Obj:
        """The vector store, or a 404."""
        found = self.vector_stores.get(vector_store_id)
        if found is None:
            raise not_found("vector_store", vector_store_id)
        return found

    def active_run(self, thread_id: str) -> Obj | None:
        """The thread's run that is still going, if any."""
        return next((r for r in self.runs.get(thread_id, []) if r["status"] in ACTIVE), None)


def public(obj: Obj) -> Obj:
    """A deep copy without private (``_``-prefixed) fields."""
    return {key: copy.deepcopy(value) for key, value in obj.items() if not key.startswith("_")}


def message_view(message: Obj, *, stream: bool = False) -> Obj:
    """A message as returned: REST responses lack ``status`` and its timestamps, stream events have them."""
    view = public(message)
    if not stream:
        for key in _MESSAGE_STREAM_ONLY:
            view.pop(key, None)
    return view


def step_view(step: Obj, *, include_content: bool) -> Obj:
    """A run step as returned; file search result ``content`` only when ``include[]`` asks for it."""
    view = public(step)
    if not include_content:
        for call in view["step_details"].get("tool_calls", []):
            for result in call.get("file_search", {}).get("results", []) or []:
                result.pop("content", None)
    return view


def deleted(object_id: str, kind: str) -> Obj:
    """The ``{"id", "object": "<kind>.deleted", "deleted": true}`` answer of a delete."""
    return {"id": object_id, "object": f"{kind}.deleted", "deleted": True}


def paginate(
    items: Sequence[Obj],
    *,
    limit: int,
    order: str,
    after: str | None,
    before: str | None,
) -> tuple[list[Obj], bool]:
    """One page of ``items`` (in creation order) as the API pages lists.

    Returns:
        The page's items and ``has_more``.
    """
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [item["id"] for item in ordered]
    start, end = 0, len(ordered)
    if after is not None:
        start = ids.index(after) + 1 if after in ids else len(ordered)
    if before is not None:
        end = ids.index(before) if before in ids else 0
    window = ordered[start:end]
    if before is not None and after is None:
        page = window[-limit:]
        return page, len(window) > limit
    return window[:limit], len(window) > limit


def list_body(data: list[Obj], has_more: bool) -> Obj:
    """The ``{"object": "list", …}`` body of a list response."""
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }
