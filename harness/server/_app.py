"""The Starlette application: routes, bearer-key check, fault injection and response headers."""

from __future__ import annotations

import time
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from harness.server import _files, _resources, _run_routes
from harness.server._clock import Clock, DeterministicClock
from harness.server._errors import ApiError, invalid_url, missing_key, wrong_key
from harness.server._faults import FAULT_HEADER, FaultConfig, FaultCounter
from harness.server._http import ServerState, error_response
from harness.server._ids import IdGenerator
from harness.server._runs import RunEngine
from harness.server._state import Store

#: Value of the ``openai-version`` response header.
OPENAI_VERSION = "2020-10-01"


class _Gate:
    """ASGI middleware: checks the key, injects faults, adds the API's response headers."""

    def __init__(self, app: ASGIApp, server: ServerState, *, timed: bool = True) -> None:
        self.app = app
        self.server = server
        self.timed = timed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = self.server.store.ids.request_id()
        poll = str(self.server.poll_after_ms).encode()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                if self.timed:
                    elapsed = str(max(int((time.perf_counter() - started) * 1000), 1)).encode()
                else:  # a deterministic server answers with the same headers every time
                    elapsed = str(1 + int(request_id[-2:], 16) % 40).encode()
                headers = list(message.get("headers", []))
                headers += [
                    (b"openai-version", OPENAI_VERSION.encode()),
                    (b"openai-processing-ms", elapsed),
                    (b"openai-poll-after-ms", poll),
                    (b"x-request-id", request_id.encode()),
                ]
                message = {**message, "headers": headers}
            await send(message)

        request = Request(scope)
        error = self._refuse(request)
        if error is not None:
            await error_response(error)(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    def _refuse(self, request: Request) -> ApiError | None:
        if self.server.api_key is not None:
            header = request.headers.get("authorization", "")
            scheme, _, key = header.partition(" ")
            if scheme.lower() != "bearer" or not key.strip():
                return missing_key()
            if key.strip() != self.server.api_key:
                return wrong_key(key.strip())
        spec = request.headers.get(FAULT_HEADER)
        fault: FaultConfig | None = None
        key = ""
        if spec:
            try:
                fault = FaultConfig.parse(spec)
            except ValueError as problem:
                return ApiError(400, str(problem), param=FAULT_HEADER)
            key = f"{spec}|{request.method}|{request.url.path}"
        elif self.server.faults is not None:
            fault, key = self.server.faults, "server"
        if fault is None or not self.server.counter.applies(key, fault):
            return None
        if fault.status is not None:
            return fault.error()
        request.scope["harness.stream_fault"] = fault
        return None


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(invalid_url(request.method, request.url.path))


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, HTTPException) and exc.status_code in (404, 405):
        return error_response(invalid_url(request.method, request.url.path))
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return error_response(ApiError(status, str(getattr(exc, "detail", exc))))


def create_app(
    *,
    seed: int = 0,
    api_key: str | None = None,
    clock: Clock | None = None,
    faults: FaultConfig | None = None,
    poll_after_ms: int = 5,
) -> Starlette:
    """The embedded Assistants-compatible server as an ASGI application.

    Args:
        seed: Seeds the id generator: the same seed and requests give the same ids.
        api_key: When set, requests must send ``Authorization: Bearer <api_key>`` (401 otherwise);
            when ``None`` any key, or none, is accepted.
        clock: Returns Unix seconds for every timestamp; default :class:`DeterministicClock` (starts at
            1_700_000_000 and advances one second per read).
        faults: A fault applied to every request (see :class:`FaultConfig`); requests may also ask for
            one with the ``x-harness-fault`` header.
        poll_after_ms: The ``openai-poll-after-ms`` header value, which the SDK's polling helpers obey.

    Returns:
        A Starlette application; its ``state.server`` holds the in-memory state.
    """
    store = Store(ids=IdGenerator(seed), clock=clock or DeterministicClock())
    server = ServerState(
        store=store, engine=RunEngine(store), faults=faults, poll_after_ms=poll_after_ms, api_key=api_key
    )
    handlers: dict[Any, Any] = {
        ApiError: _api_error,
        HTTPException: _http_error,
        404: _not_found,
        405: _not_found,
    }
    app = Starlette(
        routes=[*_run_routes.ROUTES, *_resources.ROUTES, *_files.ROUTES], exception_handlers=handlers
    )
    app.state.server = server
    app.add_middleware(_Gate, server=server, timed=not is_deterministic(clock))
    return app


def is_deterministic(clock: Clock | None) -> bool:
    """Whether ``clock`` is the deterministic one (``None`` means the default, which is)."""
    return clock is None or isinstance(clock, DeterministicClock)


def reset_state(app: Starlette, seed: int | str, *, clock: Clock | None = None) -> None:
    """Empty the app's store and restart its ids and clock, as if the app had just been created.

    The pytest plugin calls this before each test that records against the embedded server, with the
    test's node id as the seed, so a recording depends on nothing but the test itself. The fault
    counters start again too; the key, faults and poll interval are kept.

    Args:
        app: An app made by :func:`create_app`.
        seed: The new seed of the id generator.
        clock: The new clock; default: a :class:`DeterministicClock` starting at ``EPOCH``.
    """
    server: ServerState = app.state.server
    store = Store(ids=IdGenerator(seed), clock=clock or DeterministicClock())
    server.store = store
    server.engine = RunEngine(store)
    server.counter = FaultCounter()
