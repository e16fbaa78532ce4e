"""The proxy's ASGI application: cassettes by URL, replay or record, and the admin API.

Every request under ``/cassettes/<name>/v1/...`` (or carrying ``x-harness-cassette``) is looked up in
its cassette with the library's matching and poll order. A recorded answer is replayed (a stream one
event per chunk, each flushed on its own, optionally with its recorded gaps); otherwise, when the record
mode allows it, the request goes upstream and the answer is forwarded chunk by chunk as it arrives while
being teed into the cassette; when it does not, the client gets a 400 that no SDK retries and nothing
reaches the upstream.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import IO, Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from harness._errors import HarnessError
from harness._headers import header, header_lists
from harness.proxy._config import ProxyConfig
from harness.proxy._names import (
    ADMIN_PREFIX,
    CASSETTE_HEADER,
    CassetteNameError,
    cassette_name,
    cassette_path,
    split_target,
)
from harness.proxy._session import Accepts, CassetteSession
from harness.recording._cassette import (
    CassetteNotFoundError,
    CorruptCassetteError,
    Interaction,
)
from harness.recording._locks import CassetteLockedError
from harness.recording._matching import describe_difference, similarity
from harness.recording._recorder import Checker, recording_meta
from harness.recording._redaction import Redactor
from harness.recording._transport import response_chunks
from harness.streams._sse import split_sse_events

# Headers that belong to one connection, not to the exchange; never forwarded, stored or replayed.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
        CASSETTE_HEADER,
    }
)


def _error(status: int, kind: str, message: str, **details: Any) -> JSONResponse:
    """An OpenAI-shaped error that the SDKs surface without retrying."""
    body = {"error": {"type": kind, "message": message, "code": None, "param": None, **details}}
    return JSONResponse(body, status_code=status, headers={"x-should-retry": "false"})


class ProxyState:
    """The cassettes in use and the upstream client, shared by every request of one proxy.

    Args:
        config: The proxy's configuration; ``upstream`` must be set.
        check: The exchange checker, or ``None`` to check nothing.
        accepts: Whether the drift baseline lists a drift finding.
        report: Where findings and unmatched requests are written (default: standard error).
    """

    def __init__(
        self,
        config: ProxyConfig,
        *,
        check: Checker | None = None,
        accepts: Accepts | None = None,
        report: IO[str] | None = None,
    ) -> None:
        self.config = config
        self.redactor = Redactor(config.redaction)
        self._check = check
        self._accepts = accepts
        self._report = report
        self._sessions: dict[str, CassetteSession] = {}
        self._guard = threading.Lock()
        self._client: httpx.AsyncClient | None = None
        self.upstream_requests = 0
        """Requests sent upstream, for the record."""

    def session(self, name: str) -> CassetteSession:
        """The session of cassette ``name``, opened (loaded, locked for recording) on first use."""
        with self._guard:
            session = self._sessions.get(name)
            if session is None:
                session = CassetteSession(
                    name,
                    cassette_path(self.config.cassette_dir, name),
                    record_mode=self.config.record_mode,
                    redactor=self.redactor,
                    contracts=self.config.contracts,
                    check=self._check,
                    accepts=self._accepts,
                    report=self._report,
                )
                self._sessions[name] = session
            return session

    def existing(self, name: str) -> CassetteSession | None:
        """The open session of cassette ``name``, if any."""
        with self._guard:
            return self._sessions.get(name)

    def eject(self, name: str) -> CassetteSession | None:
        """Close and forget the session of ``name``; the next request opens the file afresh."""
        with self._guard:
            session = self._sessions.pop(name, None)
        if session is not None:
            session.close()
        return session

    def client(self) -> httpx.AsyncClient:
        """The upstream client, made on first use inside the server's event loop."""
        if self._client is None:
            timeout = httpx.Timeout(self.config.upstream_timeout, connect=30.0)
            self._client = httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)
        return self._client

    async def aclose(self) -> None:
        """Save and unlock every cassette, and close the upstream client."""
        with self._guard:
            sessions = list(self._sessions.values())
            self._sessions.clear()
        for session in sessions:
            session.close()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def say(self, message: str) -> None:
        """Write one line to the report stream."""
        print(f"harness proxy: {message}", file=self._report or sys.stderr, flush=True)


def create_proxy_app(state: ProxyState) -> Starlette:
    """The proxy's Starlette application over ``state``."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.aclose()

    async def admin(request: Request) -> Response:
        return await _admin(state, request)

    async def proxy(request: Request) -> Response:
        return await _proxy(state, request)

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(
        routes=[
            Route(f"/{ADMIN_PREFIX}" + "/{rest:path}", admin, methods=["GET", "POST"]),
            Route("/{rest:path}", proxy, methods=methods),
        ],
        lifespan=lifespan,
    )


# -- the admin API ---------------------------------------------------------------------------------


async def _admin(state: ProxyState, request: Request) -> Response:
    raw = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1").split("?")[0]
    rest = raw[len(f"/{ADMIN_PREFIX}/") :]
    if rest in ("", "health"):
        return JSONResponse(
            {
                "status": "ok",
                "cassette_dir": str(state.config.cassette_dir),
                "record_mode": state.config.record_mode,
                "upstream": state.config.upstream,
            }
        )
    if not rest.startswith("cassettes/"):
        return _error(404, "harness_not_found", f"no admin route {raw}; see docs/proxy.md")
    name_part = rest[len("cassettes/") :]
    eject = request.method == "POST"
    if eject:
        if not name_part.endswith("/eject"):
            return _error(404, "harness_not_found", f"POST {raw}: expected /_harness/cassettes/<name>/eject")
        name_part = name_part[: -len("/eject")]
    try:
        name = cassette_name(name_part)
        if eject:
            session = state.eject(name)
            if session is None:
                return _error(
                    404,
                    "harness_unknown_cassette",
                    f"no client has used cassette {name!r} since the proxy started or since its last eject",
                )
            return JSONResponse(session.verdict())
        session = state.existing(name) or state.session(name)
    except HarnessError as error:
        return _harness_error(error)
    return JSONResponse(session.verdict())


def _harness_error(error: HarnessError) -> JSONResponse:
    if isinstance(error, CassetteNameError):
        return _error(400, "harness_bad_cassette_name", str(error))
    if isinstance(error, CassetteNotFoundError):
        return _error(404, "harness_cassette_not_found", str(error))
    if isinstance(error, CorruptCassetteError):
        return _error(400, "harness_corrupt_cassette", str(error))
    if isinstance(error, CassetteLockedError):
        return _error(423, "harness_cassette_busy", str(error))
    return _error(400, "harness_error", str(error))


# -- proxying --------------------------------------------------------------------------------------


def _request_headers(request: Request) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in request.headers.raw:
        key = name.decode("latin-1").lower()
        if key not in _HOP_BY_HOP:
            headers.setdefault(key, []).append(value.decode("utf-8", errors="replace"))
    return headers


async def _proxy(state: ProxyState, request: Request) -> Response:
    raw = request.scope.get("raw_path") or request.url.path.encode()
    path = raw.decode("latin-1").split("?")[0]
    try:
        target = split_target(path, request.headers.get(CASSETTE_HEADER))
        session = state.session(target.name)
    except HarnessError as error:
        return _harness_error(error)
    query = request.url.query
    uri = state.config.upstream_origin + target.path + (f"?{query}" if query else "")
    headers = _request_headers(request)
    body = await request.body()
    stored = {"method": request.method, "uri": uri, "body": body or None, "headers": headers}
    cassette = session.cassette
    with session.lock:
        key = cassette.key_for(stored)
        if cassette.replay_only and not cassette.existed:
            return _harness_error(cassette.not_found(key))
        interaction = cassette.lookup(key)
        if interaction is None and cassette.replay_only:
            return _unmatched(state, session, key)
        if interaction is None:
            recording = cassette.start_recording(stored)
    if interaction is not None:
        session.check(interaction)
        return _replay(interaction, state.config.pace == "recorded")
    return await _forward(state, session, recording, stored, body)


def _unmatched(state: ProxyState, session: CassetteSession, key: Any) -> JSONResponse:
    cassette = session.cassette
    error = cassette.unmatched(key)
    session.unmatched.append(key.describe())
    closest: dict[str, Any] | None = None
    if cassette.interactions:
        best = max(cassette.interactions, key=lambda item: similarity(item.key, key))
        closest = {
            "interaction": cassette.interactions.index(best),
            "request": best.key.describe(),
            "differences": describe_difference(best.key, key),
        }
    state.say(f"FAIL unmatched request, cassette {session.name!r}:\n{error}")
    return _error(
        400,
        "harness_unmatched_request",
        str(error),
        cassette=session.name,
        cassette_path=str(cassette.path),
        request=key.describe(),
        closest=closest,
    )


def _response_headers(stored: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    raw: list[tuple[bytes, bytes]] = []
    for name, values in stored.items():
        if name.lower() in _HOP_BY_HOP:
            continue
        for value in values if isinstance(values, list) else [values]:
            text = str(value)
            if "\r" in text or "\n" in text:
                continue
            raw.append((name.lower().encode("latin-1", errors="replace"), text.encode("utf-8")))
    return raw


def _replay(interaction: Interaction, paced: bool) -> Response:
    response = interaction.response or {}
    status = int((response.get("status") or {}).get("code", 200))
    headers = _response_headers(response.get("headers") or {})
    if not interaction.is_stream:
        replayed = Response(interaction.response_body, status_code=status)
        replayed.raw_headers = [*headers, (b"content-length", str(len(interaction.response_body)).encode())]
        return replayed
    chunks = response_chunks(interaction)
    offsets = interaction.meta.get("event_offsets_ms")
    delays: list[float] | None = None
    if paced and isinstance(offsets, list) and len(offsets) == len(chunks):
        delays = [float(offset) / 1000 for offset in offsets]

    async def events() -> AsyncIterator[bytes]:
        started = time.perf_counter()
        for index, chunk in enumerate(chunks):
            if delays is not None:
                wait = started + delays[index] - time.perf_counter()
                if wait > 0:
                    await asyncio.sleep(wait)
            yield chunk

    streamed = StreamingResponse(events(), status_code=status)
    streamed.raw_headers = headers
    return streamed


def _forward_headers(state: ProxyState, headers: dict[str, list[str]]) -> list[tuple[str, str]]:
    forwarded = [
        (name, value) for name, values in headers.items() if name not in ("host",) for value in values
    ]
    if state.config.api_key:
        forwarded = [(name, value) for name, value in forwarded if name != "authorization"]
        forwarded.append(("authorization", f"Bearer {state.config.api_key}"))
    return forwarded


async def _forward(
    state: ProxyState,
    session: CassetteSession,
    recording: Interaction,
    stored: dict[str, Any],
    body: bytes,
) -> Response:
    client = state.client()
    outgoing = client.build_request(
        str(stored["method"]),
        str(stored["uri"]),
        headers=_forward_headers(state, stored["headers"]),
        content=body,
    )
    started = time.perf_counter()
    state.upstream_requests += 1
    try:
        upstream = await client.send(outgoing, stream=True)
    except httpx.HTTPError as error:
        with session.lock:
            session.cassette.interactions.remove(recording)
        state.say(f"upstream {state.config.upstream} failed for {recording.key.describe()}: {error!r}")
        return _error(
            502,
            "harness_upstream_unreachable",
            f"the proxy could not reach the upstream {state.config.upstream}: {type(error).__name__}: "
            f"{error}. Check --upstream, or replay with --record-mode none.",
        )
    finish = _finisher(session, recording, upstream, started)

    async def relay() -> AsyncIterator[bytes]:
        chunks: list[bytes] = []
        times: list[float] = []
        complete = False
        try:
            async for chunk in upstream.aiter_raw():
                times.append(time.perf_counter())
                chunks.append(chunk)
                yield chunk
            complete = True
        finally:
            finish(chunks, times, complete)
            with contextlib.suppress(Exception):
                await upstream.aclose()

    relayed = StreamingResponse(relay(), status_code=upstream.status_code)
    relayed.raw_headers = [
        (name.lower(), value)
        for name, value in upstream.headers.raw
        if name.decode("latin-1").lower() not in _HOP_BY_HOP
    ]
    return relayed


def _finisher(
    session: CassetteSession, recording: Interaction, upstream: httpx.Response, started: float
) -> Callable[[list[bytes], list[float], bool], None]:
    done = False

    def finish(chunks: list[bytes], times: list[float], complete: bool) -> None:
        nonlocal done
        if done:
            return
        done = True
        body = b"".join(chunks)
        headers = header_lists(upstream.headers.multi_items())
        duration = round((time.perf_counter() - started) * 1000, 1)
        meta: dict[str, Any] = {"duration_ms": duration, **recording_meta(body, complete)}
        streamed = "text/event-stream" in (header(headers, "content-type") or "")
        if streamed and not header(headers, "content-encoding"):
            meta["event_offsets_ms"] = _event_offsets(body, chunks, times, started)
        with session.lock:
            session.cassette.finish_recording(
                recording,
                status=upstream.status_code,
                reason=upstream.reason_phrase,
                headers=headers,
                body=body,
                meta=meta,
            )
        session.recorded(recording)

    return finish


def _event_offsets(body: bytes, chunks: list[bytes], times: list[float], started: float) -> list[float]:
    """For each event of ``body``, the milliseconds from the request to the chunk that completed it."""
    offsets: list[float] = []
    received = 0
    chunk_index = 0
    end = 0
    for event in split_sse_events(body):
        end += len(event)
        while chunk_index < len(chunks) and received < end:
            received += len(chunks[chunk_index])
            chunk_index += 1
        moment = times[chunk_index - 1] if chunk_index else started
        offsets.append(round((moment - started) * 1000, 1))
    return offsets
