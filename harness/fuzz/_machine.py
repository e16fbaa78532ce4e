"""The stateful check: random sequences of Assistants calls against a model of what the server holds.

The machine creates, updates, retrieves, lists and deletes assistants, threads and messages, runs
assistants on threads (polled and streamed), submits tool outputs, cancels runs and pages through every
list, keeping a model of each live object as the server last returned it. After every call it checks:

- the answer keeps its contract, a stream the grammar (``Session.send``);
- a create or update returns the values sent (``write.applies``);
- a retrieve, or a list, returns what the last create or update returned (``retrieve.matches``);
- lists paged in both orders give each live object once, the orders reversed, with correct ``has_more``,
  ``limit`` and cursors (``list.*``);
- a deleted object answers 404 (``delete.gone``);
- run statuses follow the lifecycle (``run.lifecycle``), and a run polled long enough settles
  (``run.terminal``: a bounded number of polls and seconds).

A broken contract or a refused valid request does not stop an example (the session defers it to the
end), so the invariants after it are still checked; the machine only stops relying on that answer. Which
calls it makes can be narrowed to a set of routes (each rule's precondition); what an example created is
deleted at its end. Every streaming entry point is exercised: creating a run, creating a thread and a run,
submitting tool outputs, and cancelling a run while its stream is being read.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Collection
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from harness._errors import HarnessError
from harness.fuzz._checks import Checks, Unanswered, answered, show
from harness.fuzz._http import ApiCall
from harness.fuzz._requests import valid_requests
from harness.fuzz._session import FuzzFailure, Session
from harness.fuzz._state_model import (
    NEXT,
    TERMINAL,
    RunModel,
    ThreadModel,
    first_run,
    reachable,
    run_objects,
)

_TEXT = st.text("abcdefghijklmnopqrstuvwxyz 0123456789", min_size=1, max_size=16)
_ASSISTANT_FIELDS = ("model", "name", "description", "instructions", "metadata")
_STARTING_ASSISTANT = {"model": "gpt-4o", "instructions": "Answer briefly."}
_QUESTION = {"role": "user", "content": "What is 6 * 7?"}

RULE_ROUTES: dict[str, tuple[str, ...]] = {
    "create_assistant": ("POST /assistants",),
    "update_assistant": ("POST /assistants/{assistant_id}",),
    "retrieve_assistant": ("GET /assistants/{assistant_id}",),
    "delete_assistant": ("DELETE /assistants/{assistant_id}",),
    "list_assistants": ("GET /assistants",),
    "create_thread": ("POST /threads",),
    "update_thread": ("POST /threads/{thread_id}",),
    "retrieve_thread": ("GET /threads/{thread_id}",),
    "delete_thread": ("DELETE /threads/{thread_id}",),
    "create_message": ("POST /threads/{thread_id}/messages",),
    "update_message": ("POST /threads/{thread_id}/messages/{message_id}",),
    "retrieve_message": ("GET /threads/{thread_id}/messages/{message_id}",),
    "delete_message": ("DELETE /threads/{thread_id}/messages/{message_id}",),
    "list_messages": ("GET /threads/{thread_id}/messages",),
    "create_run": ("POST /threads/{thread_id}/runs",),
    "poll_run": ("GET /threads/{thread_id}/runs/{run_id}",),
    "submit_tool_outputs": ("POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs",),
    "cancel_run": ("POST /threads/{thread_id}/runs/{run_id}/cancel",),
    "update_run": ("POST /threads/{thread_id}/runs/{run_id}",),
    "list_runs": ("GET /threads/{thread_id}/runs",),
    "list_steps": ("GET /threads/{thread_id}/runs/{run_id}/steps",),
    "create_and_run": ("POST /threads/runs",),
    "await_run": ("GET /threads/{thread_id}/runs/{run_id}",),
    "cancel_while_streaming": (
        "POST /threads/{thread_id}/runs",
        "POST /threads/{thread_id}/runs/{run_id}/cancel",
    ),
}
"""Each rule and the route it calls: a rule runs only when its route is selected. (The start of each
example, which makes an assistant and a thread, and the deletes at its end always run.)"""

MOST_POLLS = 40
"""Polls of one run before ``run.terminal`` fails (the embedded server needs about six)."""
MOST_POLL_SECONDS = 20.0
"""Seconds of polling one run before ``run.terminal`` fails."""
SETTLED = TERMINAL | {"requires_action"}
"""Statuses a run stays in until the client acts: terminal, or waiting for tool outputs."""


def selected(name: str) -> Callable[[Any], bool]:
    """The precondition of rule ``name``: its routes are among the machine's selected routes."""

    def holds(machine: AssistantsMachine) -> bool:
        return machine.routes is None or set(RULE_ROUTES[name]) <= machine.routes

    return holds


@functools.lru_cache(maxsize=512)
def _bodies(label: str, ids: tuple[tuple[str, tuple[str, ...]], ...]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid bodies of a route (cached: building a strategy walks the whole contract tree)."""
    return valid_requests(label, dict(ids)).map(lambda request: request.body or {})


class AssistantsMachine(Checks, RuleBasedStateMachine):
    """The state machine; :func:`machine_factory` makes one per example."""

    def __init__(self, session: Session, ids: dict[str, list[str]], routes: Collection[str] | None) -> None:
        super().__init__()
        self.session = session
        self.fixed_ids = ids
        self.routes = None if routes is None else set(routes)
        self.threads_needed = routes is None or any(
            label.startswith(("POST /threads", "GET /threads")) for label in routes
        )
        self.assistants: dict[str, dict[str, Any]] = {}
        self.threads: dict[str, ThreadModel] = {}
        self.deleted: set[str] = set()
        session.start()

    # -- helpers -----------------------------------------------------------------------------------

    def body(self, data: st.DataObject, label: str, **ids: list[str]) -> dict[str, Any]:
        """A valid body of route ``label`` whose id fields name live objects."""
        known = tuple(sorted((kind, tuple(values)) for kind, values in {**self.fixed_ids, **ids}.items()))
        body: dict[str, Any] = data.draw(_bodies(label, known), label=label.split(" ", 1)[1])
        return body

    def pick(self, data: st.DataObject, ids: list[str], what: str) -> str:
        """One of ``ids`` (drawn by position, so that it shrinks towards the first); none: no-op."""
        if not ids:
            raise Unanswered
        return ids[data.draw(st.integers(0, len(ids) - 1), label=what)]

    # -- assistants --------------------------------------------------------------------------------

    @initialize()
    def start(self) -> None:
        """Every example starts with an assistant that has instructions and (when thread routes are
        selected) a thread with a question, so that runs can start at once."""
        try:
            made = self.send("POST", "/assistants", body=_STARTING_ASSISTANT)
            self.assistants[made["id"]] = made
            if not self.threads_needed:
                return
            made = self.send("POST", "/threads", body={"messages": [_QUESTION]})
            thread = self.threads[made["id"]] = ThreadModel(made["id"], made)
            self.adopt_messages(thread)
        except Unanswered:
            return

    @precondition(selected("create_assistant"))
    @rule(data=st.data())
    @answered
    def create_assistant(self, data: st.DataObject) -> None:
        sent = self.body(data, "POST /assistants")
        made = self.send("POST", "/assistants", body=sent)
        self.assistants[made["id"]] = made
        self.applied(sent, made, _ASSISTANT_FIELDS, "the assistant")

    @precondition(selected("update_assistant"))
    @rule(data=st.data())
    @answered
    def update_assistant(self, data: st.DataObject) -> None:
        assistant = self.pick(data, list(self.assistants), "assistant")
        sent = self.body(data, "POST /assistants/{assistant_id}")
        made = self.send("POST", f"/assistants/{assistant}", body=sent)
        self.assistants[assistant] = made
        self.applied(sent, made, _ASSISTANT_FIELDS, "the assistant")

    @precondition(selected("retrieve_assistant"))
    @rule(data=st.data())
    @answered
    def retrieve_assistant(self, data: st.DataObject) -> None:
        assistant = self.pick(data, list(self.assistants), "assistant")
        self.matches(self.assistants[assistant], self.send("GET", f"/assistants/{assistant}"), "assistant")

    @precondition(selected("delete_assistant"))
    @rule(data=st.data())
    @answered
    def delete_assistant(self, data: st.DataObject) -> None:
        assistant = self.pick(data, list(self.assistants), "assistant")
        answer = self.send("DELETE", f"/assistants/{assistant}")
        del self.assistants[assistant]
        self.gone(f"/assistants/{assistant}", assistant, answer, "assistant")

    @precondition(selected("list_assistants"))
    @rule(data=st.data())
    @answered
    def list_assistants(self, data: st.DataObject) -> None:
        for item in self.full_list(data, "/assistants", list(self.assistants)):
            if item["id"] in self.assistants:
                self.matches(self.assistants[item["id"]], item, "the listed assistant")

    # -- threads and messages ---------------------------------------------------------------------

    def adopt_messages(self, thread: ThreadModel) -> list[dict[str, Any]]:
        """Read a thread's messages into the model (after a create that made some)."""
        listed = self.walk(f"/threads/{thread.id}/messages", 100, "asc")
        thread.messages = {item["id"]: item for item in listed}
        return listed

    @precondition(selected("create_thread"))
    @rule(data=st.data())
    @answered
    def create_thread(self, data: st.DataObject) -> None:
        sent = self.body(data, "POST /threads")
        made = self.send("POST", "/threads", body=sent)
        thread = self.threads[made["id"]] = ThreadModel(made["id"], made)
        self.applied(sent, made, ("metadata",), "the thread")
        roles = [message.get("role") for message in sent.get("messages") or []]
        listed = [item.get("role") for item in self.adopt_messages(thread)]
        if listed != roles:
            self.broken(
                "write.applies",
                f"thread {thread.id} was created with messages of roles {roles}, but lists {listed}",
                path="messages",
                expected=roles,
                seen=listed,
            )

    @precondition(selected("update_thread"))
    @rule(data=st.data())
    @answered
    def update_thread(self, data: st.DataObject) -> None:
        thread = self.threads[self.pick(data, list(self.threads), "thread")]
        sent = self.body(data, "POST /threads/{thread_id}")
        thread.body = self.send("POST", f"/threads/{thread.id}", body=sent)
        self.applied(sent, thread.body, ("metadata",), "the thread")

    @precondition(selected("retrieve_thread"))
    @rule(data=st.data())
    @answered
    def retrieve_thread(self, data: st.DataObject) -> None:
        thread = self.threads[self.pick(data, list(self.threads), "thread")]
        seen = self.send("GET", f"/threads/{thread.id}")
        self.matches(thread.body, seen, "thread")
        thread.body = thread.body or seen

    @precondition(selected("delete_thread"))
    @rule(data=st.data())
    @answered
    def delete_thread(self, data: st.DataObject) -> None:
        thread = self.threads.pop(self.pick(data, list(self.threads), "thread"))
        answer = self.send("DELETE", f"/threads/{thread.id}")
        self.gone(f"/threads/{thread.id}", thread.id, answer, "thread")

    def idle_threads(self) -> list[str]:
        return [key for key, thread in self.threads.items() if thread.idle]

    @precondition(selected("create_message"))
    @rule(data=st.data())
    @answered
    def create_message(self, data: st.DataObject) -> None:
        thread = self.threads[self.pick(data, self.idle_threads(), "thread")]
        sent = self.body(data, "POST /threads/{thread_id}/messages")
        made = self.send("POST", f"/threads/{thread.id}/messages", body=sent)
        thread.messages[made["id"]] = made
        self.applied(sent, made, ("role", "metadata"), "the message")
        text = sent.get("content")
        blocks = made.get("content")
        first = blocks[0] if isinstance(blocks, list) and blocks and isinstance(blocks[0], dict) else {}
        value = (first.get("text") or {}).get("value")
        if isinstance(text, str) and value != text:
            self.broken(
                "write.applies",
                f"the message was sent the text {show(text)} but answered {show(value)}",
                path="content.0.text.value",
                expected=text,
                seen=value,
            )

    def messages(self) -> list[tuple[str, str]]:
        return [(thread.id, message) for thread in self.threads.values() for message in thread.messages]

    def pick_message(self, data: st.DataObject) -> tuple[ThreadModel, str]:
        known = self.messages()
        if not known:
            raise Unanswered
        thread, message = known[data.draw(st.integers(0, len(known) - 1), label="message")]
        return self.threads[thread], message

    @precondition(selected("update_message"))
    @rule(data=st.data())
    @answered
    def update_message(self, data: st.DataObject) -> None:
        thread, message = self.pick_message(data)
        sent = self.body(data, "POST /threads/{thread_id}/messages/{message_id}")
        made = self.send("POST", f"/threads/{thread.id}/messages/{message}", body=sent)
        thread.messages[message] = made
        self.applied(sent, made, ("metadata",), "the message")

    @precondition(selected("retrieve_message"))
    @rule(data=st.data())
    @answered
    def retrieve_message(self, data: st.DataObject) -> None:
        thread, message = self.pick_message(data)
        seen = self.send("GET", f"/threads/{thread.id}/messages/{message}")
        self.matches(thread.messages[message], seen, "message")

    @precondition(selected("delete_message"))
    @rule(data=st.data())
    @answered
    def delete_message(self, data: st.DataObject) -> None:
        thread, message = self.pick_message(data)
        answer = self.send("DELETE", f"/threads/{thread.id}/messages/{message}")
        del thread.messages[message]
        self.gone(f"/threads/{thread.id}/messages/{message}", message, answer, "message")

    @precondition(selected("list_messages"))
    @rule(data=st.data())
    @answered
    def list_messages(self, data: st.DataObject) -> None:
        thread = self.threads[self.pick(data, list(self.threads), "thread")]
        listed = self.full_list(data, f"/threads/{thread.id}/messages", list(thread.messages))
        order = [item["id"] for item in listed if item["id"] in thread.messages]
        if order != list(thread.messages):
            self.broken(
                "list.complete",
                f"thread {thread.id} lists its messages in the order {order}, they were created in the "
                f"order {list(thread.messages)}",
                path="data",
                expected=list(thread.messages),
                seen=order,
            )
        for item in listed:
            self.matches(thread.messages.get(item["id"]), item, "the listed message")
        thread.messages = {item["id"]: item for item in listed}

    # -- runs --------------------------------------------------------------------------------------

    def runnable(self) -> list[str]:
        return [key for key, thread in self.threads.items() if thread.runnable]

    @precondition(selected("create_run"))
    @rule(data=st.data(), stream=st.booleans())
    @answered
    def create_run(self, data: st.DataObject, stream: bool) -> None:
        if not self.assistants:
            raise Unanswered
        thread = self.threads[self.pick(data, self.runnable(), "thread")]
        sent = self.body(data, "POST /threads/{thread_id}/runs", assistant=list(self.assistants))
        sent["stream"] = stream
        self.started(self.session.send("POST", f"/threads/{thread.id}/runs", body=sent), thread, sent)

    def started(self, exchange: ApiCall, thread: ThreadModel, sent: dict[str, Any]) -> None:
        """Follow the run a create (or create-and-run) answered, streamed or not."""
        if not exchange.usable:
            thread.tainted = 200 <= exchange.status < 300
            raise Unanswered("an unusable answer", exchange)
        runs = run_objects(exchange.content) if exchange.streamed else [exchange.json()]
        if not runs or not isinstance(runs[-1], dict):
            thread.tainted = True
            raise Unanswered("no run object in the answer", exchange)
        body = runs[-1]
        run = thread.runs[body["id"]] = RunModel(body["id"], thread.id, body["status"], body)
        if not exchange.streamed and run.status != "queued":
            self.broken(
                "run.lifecycle",
                f"a run was created with status {run.status!r}: expected 'queued'",
                path="status",
                obj="Run",
                expected="queued",
                seen=run.status,
            )
        self.applied(sent, body, ("assistant_id", "metadata", "model"), "the run")

    def runs(self, test: Callable[[RunModel], bool]) -> list[RunModel]:
        return [run for thread in self.threads.values() for run in thread.runs.values() if test(run)]

    def pick_run(self, data: st.DataObject, test: Callable[[RunModel], bool]) -> RunModel:
        runs = self.runs(test)
        if not runs:
            raise Unanswered
        return runs[data.draw(st.integers(0, len(runs) - 1), label="run")]

    def moved(self, run: RunModel, body: dict[str, Any], *, resumed: bool = False) -> None:
        """``run.lifecycle``: the run's new status may follow its last one."""
        before = "queued" if resumed else run.status
        after = str(body.get("status", ""))
        run.status, run.body = after, body
        if after != before and not reachable(before, after):
            self.broken(
                "run.lifecycle",
                f"run {run.id} went from {before!r} to {after!r}",
                path="status",
                obj="Run",
                expected=sorted(NEXT.get(before, ())),
                seen=after,
            )

    @precondition(selected("poll_run"))
    @rule(data=st.data())
    @answered
    def poll_run(self, data: st.DataObject) -> None:
        run = self.pick_run(data, lambda r: True)
        seen = self.send("GET", f"/threads/{run.thread}/runs/{run.id}")
        if run.status in TERMINAL:
            self.matches(run.body, seen, "run")
        self.moved(run, seen)

    @precondition(selected("submit_tool_outputs"))
    @rule(data=st.data(), stream=st.booleans())
    @answered
    def submit_tool_outputs(self, data: st.DataObject, stream: bool) -> None:
        run = self.pick_run(data, lambda r: r.status == "requires_action")
        action = run.body.get("required_action") or {}
        calls = (action.get("submit_tool_outputs") or {}).get("tool_calls") or []
        outputs = [{"tool_call_id": call["id"], "output": data.draw(_TEXT, label="output")} for call in calls]
        sent: dict[str, Any] = {"tool_outputs": outputs, **({"stream": True} if stream else {})}
        path = f"/threads/{run.thread}/runs/{run.id}/submit_tool_outputs"
        exchange = self.session.send("POST", path, body=sent)
        if not exchange.usable:
            self.threads[run.thread].tainted = True
            raise Unanswered("an unusable answer", exchange)
        runs = run_objects(exchange.content) if exchange.streamed else [exchange.json()]
        if runs:
            self.moved(run, runs[-1], resumed=True)

    @precondition(selected("cancel_run"))
    @rule(data=st.data())
    @answered
    def cancel_run(self, data: st.DataObject) -> None:
        run = self.pick_run(data, lambda r: r.status not in TERMINAL and r.status != "cancelling")
        seen = self.send("POST", f"/threads/{run.thread}/runs/{run.id}/cancel")
        if seen.get("status") not in ("cancelling", "cancelled"):
            self.broken(
                "run.lifecycle",
                f"cancelling run {run.id} ({run.status}) answered status {seen.get('status')!r}: expected "
                "'cancelling' or 'cancelled'",
                path="status",
                obj="Run",
                expected=["cancelling", "cancelled"],
                seen=seen.get("status"),
            )
        self.moved(run, seen)

    @precondition(selected("update_run"))
    @rule(data=st.data())
    @answered
    def update_run(self, data: st.DataObject) -> None:
        run = self.pick_run(data, lambda r: r.status in TERMINAL)
        sent = self.body(data, "POST /threads/{thread_id}/runs/{run_id}")
        run.body = self.send("POST", f"/threads/{run.thread}/runs/{run.id}", body=sent)
        self.applied(sent, run.body, ("metadata",), "the run")

    @precondition(selected("list_runs"))
    @rule(data=st.data())
    @answered
    def list_runs(self, data: st.DataObject) -> None:
        thread = self.threads[self.pick(data, list(self.threads), "thread")]
        for item in self.full_list(data, f"/threads/{thread.id}/runs", list(thread.runs)):
            run = thread.runs.get(item["id"])
            if run is not None and run.status in TERMINAL:
                self.matches(run.body, item, "the listed run")

    @precondition(selected("list_steps"))
    @rule(data=st.data())
    @answered
    def list_steps(self, data: st.DataObject) -> None:
        run = self.pick_run(data, lambda r: r.status != "queued")
        for step in self.full_list(data, f"/threads/{run.thread}/runs/{run.id}/steps", []):
            if (step.get("run_id"), step.get("thread_id")) != (run.id, run.thread):
                self.broken(
                    "list.complete",
                    f"step {step.get('id')} listed for run {run.id} belongs to run {step.get('run_id')}",
                    path="data.run_id",
                    expected=run.id,
                    seen=step.get("run_id"),
                )

    def instructed(self) -> list[str]:
        return [key for key, assistant in self.assistants.items() if assistant.get("instructions")]

    @precondition(selected("create_and_run"))
    @rule(data=st.data(), stream=st.booleans())
    @answered
    def create_and_run(self, data: st.DataObject, stream: bool) -> None:
        if not self.instructed():
            raise Unanswered
        sent = self.body(data, "POST /threads/runs", assistant=self.instructed())
        sent["stream"] = stream
        exchange = self.session.send("POST", "/threads/runs", body=sent)
        runs = run_objects(exchange.content) if exchange.streamed else [exchange.json()]
        thread_id = runs[-1].get("thread_id") if runs and isinstance(runs[-1], dict) else None
        if not isinstance(thread_id, str):
            raise Unanswered("no run with a thread_id in the answer", exchange)
        thread = self.threads[thread_id] = ThreadModel(thread_id, None)
        self.started(exchange, thread, sent)
        self.adopt_messages(thread)

    @precondition(selected("await_run"))
    @rule(data=st.data())
    @answered
    def await_run(self, data: st.DataObject) -> None:
        """Poll a run until it settles (``run.terminal``: within :data:`MOST_POLLS` polls and
        :data:`MOST_POLL_SECONDS` seconds)."""
        run = self.pick_run(data, lambda r: r.status not in SETTLED)
        seen = [run.status]
        until = time.monotonic() + MOST_POLL_SECONDS
        for _ in range(MOST_POLLS):
            self.moved(run, self.send("GET", f"/threads/{run.thread}/runs/{run.id}"))
            if seen[-1] != run.status:
                seen.append(run.status)
            if run.status in SETTLED or time.monotonic() > until:
                break
        if run.status not in SETTLED:
            self.broken(
                "run.terminal",
                f"run never reached a terminal status: {MOST_POLLS} polls in at most "
                f"{MOST_POLL_SECONDS:g} s saw the statuses {' -> '.join(seen)}",
                path="status",
                obj="Run",
                expected=sorted(SETTLED),
                seen=seen,
            )

    @precondition(selected("cancel_while_streaming"))
    @rule(data=st.data(), after=st.integers(1, 8))
    @answered
    def cancel_while_streaming(self, data: st.DataObject, after: int) -> None:
        """Start a streamed run and cancel it after ``after`` events, while its stream is being read."""
        if not self.assistants:
            raise Unanswered
        thread = self.threads[self.pick(data, self.runnable(), "thread")]
        sent = self.body(data, "POST /threads/{thread_id}/runs", assistant=list(self.assistants))
        sent["stream"] = True
        cancels: list[ApiCall] = []

        def cancel(events: list[dict[str, Any]]) -> None:
            run = first_run(events)
            if cancels or len(events) < after or run is None:
                return
            path = f"/threads/{thread.id}/runs/{run}/cancel"
            cancels.append(self.session.send("POST", path, expect="racing"))

        exchange = self.session.send("POST", f"/threads/{thread.id}/runs", body=sent, on_event=cancel)
        self.started(exchange, thread, sent)
        if cancels and cancels[0].usable:
            run = next(iter(self.runs(lambda r: r.thread == thread.id and r.status not in TERMINAL)), None)
            answer = cancels[0].json()
            if run is not None and isinstance(answer, dict) and answer.get("status") not in _CANCEL_STATUSES:
                self.broken(
                    "run.lifecycle",
                    f"cancelling run {run.id} answered status {answer.get('status')!r}: expected "
                    "'cancelling' or 'cancelled'",
                    path="status",
                    obj="Run",
                    expected=sorted(_CANCEL_STATUSES),
                    seen=answer.get("status"),
                )

    def teardown(self) -> None:
        """Delete what the example created, then raise the findings it deferred."""
        failing_already = sys.exc_info()[1] is not None
        try:
            for thread in list(self.threads):
                self.session.send("DELETE", f"/threads/{thread}")
            for assistant in list(self.assistants):
                self.session.send("DELETE", f"/assistants/{assistant}")
        except FuzzFailure:
            if not failing_already:
                raise
        self.session.finish()


_CANCEL_STATUSES = frozenset({"cancelling", "cancelled"})


def machine_factory(
    session: Session, routes: Collection[str] | None, ids: dict[str, list[str]]
) -> Callable[[], AssistantsMachine]:
    """A factory of machines sharing ``session`` (what ``run_state_machine_as_test`` calls); each rule
    runs only when its routes are among ``routes`` (all for ``None``).

    Raises:
        HarnessError: ``routes`` leave the machine no rule at all.
    """
    if routes is not None and not any(set(labels) <= set(routes) for labels in RULE_ROUTES.values()):
        raise HarnessError(
            "the stateful check has nothing to do on the selected routes: add one of "
            + ", ".join(sorted({label for labels in RULE_ROUTES.values() for label in labels}))
        )

    def make() -> AssistantsMachine:
        return AssistantsMachine(session, ids, routes)

    return make
