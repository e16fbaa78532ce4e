"""The examples phase: each route on its own, with generated valid and invalid requests.

For every route that takes a body or a query, Hypothesis draws requests from
:func:`harness.strategies.requests` and :func:`harness.strategies.invalid_requests` and sends them to
objects made once for the route (a file, a vector store, an assistant, a thread with a message, a finished
run and its step, a file batch), which fill the path parameters and the id fields of the bodies. A run is
created on a fresh thread each time, so that earlier runs never block it, and an assistant is updated on a
fresh one, so that an update the server should have refused does not carry over. Valid requests must be
answered with a 2xx, invalid ones with a 400 naming the parameter; every answer must keep its contract.

``submit_tool_outputs`` gets only invalid requests here: valid outputs name the calls of a run waiting
for them, which the stateful check provides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from harness.contracts import Route
from harness.fuzz._coverage import coverage_cases
from harness.fuzz._requests import GeneratedRequest, InvalidRequest, invalid, rule_sites, valid_requests
from harness.fuzz._session import FuzzFailure, Invalid, Session

ONLY_INVALID = frozenset({"runs.submit_tool_outputs"})
"""Operations whose valid requests need a state the examples phase does not make."""
FRESH: dict[str, tuple[str, Callable[[Fixture, Session], str]]] = {}
"""Operations that get a new object for each example (path parameter, maker), so that one example's
request (a run left going, an update the server should have refused) cannot change the next one's."""
_POLLS = 20
_USER_MESSAGE = {"role": "user", "content": "What is 6 * 7?"}


def fuzzable(route: Route) -> bool:
    """Whether the examples phase has requests to send to ``route``."""
    return route.request_model is not None or route.query_model is not None


class Fixture:
    """The objects a route's requests refer to, made on demand through ``session`` and kept."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.made: dict[str, str] = {}

    def get(self, name: str) -> str:
        """The id of the fixture object ``name`` (``assistant_id``, ``thread_id`` …), made if needed."""
        if name not in self.made:
            self.made[name] = _MAKERS[name](self)
        return self.made[name]

    def params(self, route: Route) -> dict[str, str]:
        """The path parameters of ``route``."""
        return {name: self.get(name) for name in _path_names(route)}

    def ids(self, route: Route) -> dict[str, list[str]]:
        """The ids the route's bodies and queries may refer to."""
        ids = {"assistant": [self.get("runner_id")], "file": [self.get("file_id")]}
        ids["vector_store"] = [self.get("vector_store_id")]
        if route.operation == "messages.list":
            ids["run"] = [self.get("run_id")]
        return ids

    def post(
        self, path: str, body: Any, *, form: bool = False, session: Session | None = None
    ) -> dict[str, Any]:
        """POST ``body`` and return the object answered (through ``session``, default the fixture's)."""
        sender = session or self.session
        exchange = sender.send("POST", path, body=body, form=form)
        result = exchange.json()
        if not isinstance(result, dict) or not isinstance(result.get("id"), str):
            sender.fail(
                exchange.failing
                or [
                    sender.finding("write.applies", f"POST {path} created an object without an id", path="id")
                ]
            )
        return result

    def fresh_thread(self, session: Session | None = None) -> str:
        """A new thread with one user message."""
        return str(self.post("/threads", {"messages": [_USER_MESSAGE]}, session=session)["id"])

    def fresh_assistant(self, session: Session | None = None) -> str:
        """A new assistant."""
        return str(self.post("/assistants", {"model": "gpt-4o", "name": "fuzz"}, session=session)["id"])

    def _file(self) -> str:
        content = b"The answer to everything is 42.\nThe harness fuzzes Assistants servers.\n"
        return str(self.post("/files", {"file": content, "purpose": "assistants"}, form=True)["id"])

    def _vector_store(self) -> str:
        return str(self.post("/vector_stores", {"name": "fuzz", "file_ids": [self.get("file_id")]})["id"])

    def _assistant(self) -> str:
        return str(self.post("/assistants", {"model": "gpt-4o", "name": "fuzz"})["id"])

    def _runner(self) -> str:
        body = {"model": "gpt-4o", "name": "fuzz runner", "instructions": "Answer briefly."}
        return str(self.post("/assistants", body)["id"])

    def _thread(self) -> str:
        return self.fresh_thread()

    def _message(self) -> str:
        thread = self.get("thread_id")
        return str(self.post(f"/threads/{thread}/messages", {"role": "user", "content": "Hello"})["id"])

    def _run(self) -> str:
        thread = self.get("thread_id")
        run = self.post(f"/threads/{thread}/runs", {"assistant_id": self.get("runner_id")})
        for _ in range(_POLLS):
            if run.get("status") not in ("queued", "in_progress", "cancelling"):
                break
            run = self.session.send("GET", f"/threads/{thread}/runs/{run['id']}").json()
        return str(run["id"])

    def _step(self) -> str:
        thread, run = self.get("thread_id"), self.get("run_id")
        page = self.session.send("GET", f"/threads/{thread}/runs/{run}/steps", query={"limit": 1}).json()
        data = page.get("data") if isinstance(page, dict) else None
        if not data:
            self.session.violation("list.complete", f"run {run} finished without any step: expected one")
        return str(data[0]["id"])

    def _batch(self) -> str:
        store = self.get("vector_store_id")
        return str(
            self.post(f"/vector_stores/{store}/file_batches", {"file_ids": [self.get("file_id")]})["id"]
        )


_MAKERS: dict[str, Callable[[Fixture], str]] = {
    "file_id": Fixture._file,
    "vector_store_id": Fixture._vector_store,
    "assistant_id": Fixture._assistant,
    "runner_id": Fixture._runner,
    "thread_id": Fixture._thread,
    "message_id": Fixture._message,
    "run_id": Fixture._run,
    "step_id": Fixture._step,
    "batch_id": Fixture._batch,
}


FRESH.update(
    {
        "runs.create": ("thread_id", Fixture.fresh_thread),
        "assistants.update": ("assistant_id", Fixture.fresh_assistant),
    }
)


def _path_names(route: Route) -> list[str]:
    return [segment[1:-1] for segment in route.segments if segment.startswith("{")]


def send_request(
    route: Route,
    session: Session,
    fixture: Fixture,
    request: GeneratedRequest,
    params: dict[str, str],
) -> None:
    """Send one generated request of ``route`` as a new example, judged as valid or invalid."""
    session.start()
    path_params = dict(params)
    if route.operation in FRESH:
        name, make = FRESH[route.operation]
        path_params[name] = make(fixture, session)
    expect = Invalid(param=request.param, rule=request.rule) if isinstance(request, InvalidRequest) else None
    session.send(
        route.method,
        request.path_for(**path_params),
        body=request.body,
        query=request.query,
        form=route.multipart,
        invalid=expect,
    )


def route_test(route: Route, session: Session, fixture: Fixture) -> Callable[[], None]:
    """The Hypothesis test of one route (undecorated by settings: the caller adds them)."""
    ids = fixture.ids(route)
    params = fixture.params(route)
    choices: list[st.SearchStrategy[GeneratedRequest]] = []
    if route.operation not in ONLY_INVALID:
        choices.append(valid_requests(route, ids))
    if rule_sites(route, ids):
        choices.append(invalid(route, ids=ids))
    requests = st.one_of(*choices)

    @given(request=requests)
    def check_route(request: GeneratedRequest) -> None:
        send_request(route, session, fixture, request, params)

    return check_route


def coverage_walk(route: Route, session: Session, fixture: Fixture) -> Iterator[int]:
    """Send the coverage requests of ``route`` one by one; yields after each how many were sent.

    Each request is an example of its own: a failing one is kept in ``session.failed`` (its reproduction
    is that request) and the walk goes on.
    """
    ids = fixture.ids(route)
    params = fixture.params(route)
    valid = route.operation not in ONLY_INVALID
    for sent, case in enumerate(coverage_cases(route, ids, valid=valid), 1):
        request = case.invalid or GeneratedRequest(route.label, case.body, case.query)
        try:
            send_request(route, session, fixture, request, params)
        except FuzzFailure as failure:
            failure.add_note(f"coverage: {case.name}")
            session.failed.append(failure)
        yield sent
