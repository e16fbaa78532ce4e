"""The stateful check's model of the server: live threads, messages and runs, and the run lifecycle."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

TERMINAL = frozenset({"completed", "incomplete", "cancelled", "failed", "expired"})
"""Run statuses after which a run never changes."""

NEXT: dict[str, frozenset[str]] = {
    "queued": frozenset({"in_progress", "cancelling", "cancelled", "failed", "expired"}),
    "in_progress": frozenset(
        {"requires_action", "cancelling", "completed", "incomplete", "failed", "cancelled", "expired"}
    ),
    "requires_action": frozenset({"cancelling", "cancelled", "failed", "expired"}),
    "cancelling": frozenset({"cancelled", "completed", "incomplete", "failed", "expired"}),
}
"""The statuses a run may take next (tool outputs resume a ``requires_action`` run at ``queued``)."""


def reachable(before: str, after: str) -> bool:
    """Whether a run may go from status ``before`` to ``after``, directly or through others."""
    seen, todo = {before}, [before]
    while todo:
        for status in NEXT.get(todo.pop(), ()):
            if status not in seen:
                seen.add(status)
                todo.append(status)
    return after in seen


def normal(item: Any) -> Any:
    """``item`` with null, empty and absent values made alike, for comparing two views of an object."""
    if isinstance(item, dict):
        kept = {key: normal(value) for key, value in item.items()}
        return {key: value for key, value in kept.items() if value not in (None, {}, [])}
    if isinstance(item, list):
        return [normal(value) for value in item]
    return item


def differences(known: dict[str, Any], seen: dict[str, Any]) -> list[str]:
    """The top-level fields in which two views of an object differ (see :func:`normal`)."""
    return sorted(key for key in set(known) | set(seen) if normal(known.get(key)) != normal(seen.get(key)))


@dataclass
class RunModel:
    """A run as last seen."""

    id: str
    thread: str
    status: str
    body: dict[str, Any]


@dataclass
class ThreadModel:
    """A thread as last seen, with its messages (in creation order) and runs.

    ``tainted`` threads had an answer the model could not follow (a broken stream, a malformed run):
    the machine no longer adds messages or runs to them.
    """

    id: str
    body: dict[str, Any] | None
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs: dict[str, RunModel] = field(default_factory=dict)
    tainted: bool = False

    @property
    def idle(self) -> bool:
        """Whether messages may be added: no run is going and the state is known."""
        return not self.tainted and all(run.status in TERMINAL for run in self.runs.values())

    @property
    def runnable(self) -> bool:
        """Whether a run may start: idle, with a user message to answer."""
        return self.idle and any(message.get("role") == "user" for message in self.messages.values())


def run_objects(content: bytes) -> list[dict[str, Any]]:
    """The run objects of a stream's ``thread.run.*`` events, in order."""
    from harness.streams import iter_events

    runs = []
    for name, data in iter_events(content):
        if (
            name.startswith("thread.run.")
            and not name.startswith("thread.run.step.")
            and isinstance(data, dict)
        ):
            runs.append(data)
    return runs


def first_run(events: list[dict[str, Any]]) -> str | None:
    """The id of the run a stream is about, once one of its ``thread.run.*`` events has arrived."""
    for event in events:
        name = event.get("event") or ""
        if name.startswith("thread.run.") and not name.startswith("thread.run.step."):
            try:
                data = json.loads(event.get("data") or "")
            except ValueError:
                return None
            run = data.get("id") if isinstance(data, dict) else None
            return run if isinstance(run, str) else None
    return None
