"""The patch on httpx and httpx2 transports through which every SDK request passes.

openai 3.x sends through ``httpx2``, 1.x and 2.x through ``httpx``; both expose the same
``HTTPTransport.handle_request`` / ``AsyncHTTPTransport.handle_async_request``, patched here for the
life of a recorder, so clients that the code under test creates itself are recorded too.

Unlike plain vcrpy, a recorded response is not buffered: its stream is wrapped in a tee that hands each
chunk to the caller as it arrives and stores the whole body when the caller closes the response (early
or not). A transport error that cuts the body (the server dropping the connection) is stored with it,
and replay raises the same error after the same chunks. A replayed event stream is delivered one SSE
event per chunk. Every recorded request has its timeouts capped at the recorder's ``record_timeout``.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import AsyncIterator, Callable, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol
from unittest import mock

from harness._headers import header_lists
from harness.streams._sse import split_sse_events

if TYPE_CHECKING:
    from harness.recording._cassette import Interaction

OnClose = Callable[[bytes, bool, "BaseException | None"], None]
"""Called once with the body read so far, whether the stream was read to its end, and the transport
error that cut it, if one did."""

Finish = Callable[[Any, bytes, bool, "BaseException | None"], None]
"""Called once with the recorded response, its body, whether it was read to its end, and the transport
error that cut it."""

Translate = Callable[[BaseException], BaseException]
"""Turns a transport error met while recording into the error to raise (a timeout names the request)."""

HTTP_MODULES = ("httpx", "httpx2")


class Exchange(Protocol):
    """What the transport patch asks of a recorder."""

    @property
    def record_timeout(self) -> float:
        """Seconds a recorded request may wait for a byte (to connect, send, or read)."""

    def lookup(self, request: dict[str, Any]) -> Interaction | None:
        """The recorded interaction for ``request``, or ``None`` to send it; may raise if neither."""

    def begin(self, request: dict[str, Any]) -> Finish:
        """Start recording ``request``; returns what to call with the response and its body."""

    def served(self, interaction: Interaction) -> None:
        """Note that ``interaction`` was replayed."""

    def locate(self, interaction: Interaction) -> str:
        """Where ``interaction`` is stored, for error messages."""

    def timed_out(self, request: dict[str, Any], error: BaseException) -> BaseException:
        """The error to raise when recording ``request`` timed out."""


def request_mapping(request: Any, body: bytes) -> dict[str, Any]:
    """vcrpy's request mapping for an httpx(2) request."""
    headers = header_lists(request.headers.multi_items())
    return {"method": request.method, "uri": str(request.url), "body": body or None, "headers": headers}


def response_chunks(interaction: Interaction) -> list[bytes]:
    """The chunks a replayed response is delivered in: one per SSE event, else the whole body."""
    body = interaction.response_body
    if interaction.is_stream:
        return list(split_sse_events(body))
    return [body] if body else []


@functools.cache
def stream_classes(module: ModuleType) -> tuple[type[Any], type[Any], type[Any]]:
    """Replay, sync-tee and async-tee stream classes built on ``module``'s (httpx or httpx2) bases."""
    timeout_error = module.TimeoutException
    transport_error = module.TransportError

    class ReplayStream(module.SyncByteStream, module.AsyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, chunks: list[bytes], error: BaseException | None = None) -> None:
            self._chunks = chunks
            self._error = error

        def __iter__(self) -> Iterator[bytes]:
            yield from self._chunks
            if self._error is not None:
                raise self._error

        async def __aiter__(self) -> AsyncIterator[bytes]:
            for chunk in self._chunks:
                yield chunk
            if self._error is not None:
                raise self._error

    class SyncTee(module.SyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, inner: Any, on_close: OnClose, translate: Translate) -> None:
            self._inner = inner
            self._on_close = on_close
            self._translate = translate
            self._chunks: list[bytes] = []
            self._complete = False
            self._closed = False
            self._error: BaseException | None = None

        def __iter__(self) -> Iterator[bytes]:
            try:
                for chunk in self._inner:
                    self._chunks.append(chunk)
                    yield chunk
            except transport_error as error:
                self._error = error
                if isinstance(error, timeout_error):
                    raise self._translate(error) from error
                raise
            self._complete = True

        def close(self) -> None:
            try:
                self._inner.close()
            finally:
                self.finish()

        def finish(self) -> None:
            if not self._closed:
                self._closed = True
                self._on_close(b"".join(self._chunks), self._complete, self._error)

    class AsyncTee(module.AsyncByteStream):  # type: ignore[name-defined,misc]
        def __init__(self, inner: Any, on_close: OnClose, translate: Translate) -> None:
            self._inner = inner
            self._on_close = on_close
            self._translate = translate
            self._chunks: list[bytes] = []
            self._complete = False
            self._closed = False
            self._error: BaseException | None = None

        async def __aiter__(self) -> AsyncIterator[bytes]:
            try:
                async for chunk in self._inner:
                    self._chunks.append(chunk)
                    yield chunk
            except transport_error as error:
                self._error = error
                if isinstance(error, timeout_error):
                    raise self._translate(error) from error
                raise
            self._complete = True

        async def aclose(self) -> None:
            try:
                await self._inner.aclose()
            finally:
                self.finish()

        def finish(self) -> None:
            if not self._closed:
                self._closed = True
                self._on_close(b"".join(self._chunks), self._complete, self._error)

    return ReplayStream, SyncTee, AsyncTee


def _recorded_error(module: ModuleType, interaction: Interaction, exchange: Exchange) -> BaseException | None:
    """The transport error that cut a recorded response, rebuilt from its ``harness: error`` note."""
    error = interaction.meta.get("error")
    if not isinstance(error, dict):
        return None
    where = exchange.locate(interaction)
    kind = getattr(module, str(error.get("type")), None)
    if not (isinstance(kind, type) and issubclass(kind, module.TransportError)):
        kind = module.TransportError
    message = str(error.get("message") or "")
    return kind(f"{message} (replayed: {where} ends with this {error.get('type')})")  # type: ignore[no-any-return]


def _replayed(module: ModuleType, interaction: Interaction, exchange: Exchange) -> Any:
    response = interaction.response or {}
    status = response.get("status") or {}
    # Bytes, so that a header with non-ASCII text (``filename="résumé.txt"``) replays as it recorded.
    headers = [
        (str(name).encode("utf-8"), str(value).encode("utf-8"))
        for name, values in (response.get("headers") or {}).items()
        for value in (values if isinstance(values, list) else [values])
    ]
    reason = str(status.get("message") or "")
    replay_stream, _, _ = stream_classes(module)
    return module.Response(
        int(status.get("code", 200)),
        headers=headers,
        stream=replay_stream(response_chunks(interaction), _recorded_error(module, interaction, exchange)),
        extensions={"reason_phrase": reason.encode("ascii", errors="replace")} if reason else {},
    )


def _cap_timeouts(request: Any, seconds: float) -> None:
    """Lower each of the request's timeouts (connect, read, write, pool) to at most ``seconds``."""
    current = request.extensions.get("timeout") or {}
    capped = {}
    for name in ("connect", "read", "write", "pool"):
        value = current.get(name)
        capped[name] = seconds if value is None else min(float(value), seconds)
    request.extensions = {**request.extensions, "timeout": capped}


@contextlib.contextmanager
def patch_transports(exchange: Exchange, tees: list[Any]) -> Iterator[list[str]]:
    """Route every httpx/httpx2 request through ``exchange`` within the block.

    Yields the names of the HTTP modules that were patched. ``tees`` collects the recording streams
    so that the caller can finish those the code under test never closed.
    """
    with contextlib.ExitStack() as stack:
        patched: list[str] = []
        for name in HTTP_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            stack.enter_context(
                mock.patch.object(
                    module.HTTPTransport, "handle_request", _sync_handler(exchange, module, tees)
                )
            )
            stack.enter_context(
                mock.patch.object(
                    module.AsyncHTTPTransport,
                    "handle_async_request",
                    _async_handler(exchange, module, tees),
                )
            )
            patched.append(name)
        yield patched


def _sync_handler(exchange: Exchange, module: ModuleType, tees: list[Any]) -> Callable[..., Any]:
    original = module.HTTPTransport.handle_request
    _, sync_tee, _ = stream_classes(module)

    def handle_request(transport: Any, request: Any) -> Any:
        __tracebackhide__ = True
        stored = request_mapping(request, request.read())
        interaction = exchange.lookup(stored)
        if interaction is not None:
            exchange.served(interaction)
            return _replayed(module, interaction, exchange)
        finish = exchange.begin(stored)
        _cap_timeouts(request, exchange.record_timeout)
        try:
            response = original(transport, request)
        except module.TimeoutException as error:
            raise exchange.timed_out(stored, error) from error
        tee = sync_tee(
            response.stream,
            lambda body, complete, error: finish(response, body, complete, error),
            lambda error: exchange.timed_out(stored, error),
        )
        response.stream = tee
        tees.append(tee)
        return response

    return handle_request


def _async_handler(exchange: Exchange, module: ModuleType, tees: list[Any]) -> Callable[..., Any]:
    original = module.AsyncHTTPTransport.handle_async_request
    _, _, async_tee = stream_classes(module)

    async def handle_async_request(transport: Any, request: Any) -> Any:
        __tracebackhide__ = True
        stored = request_mapping(request, await request.aread())
        interaction = exchange.lookup(stored)
        if interaction is not None:
            exchange.served(interaction)
            return _replayed(module, interaction, exchange)
        finish = exchange.begin(stored)
        _cap_timeouts(request, exchange.record_timeout)
        try:
            response = await original(transport, request)
        except module.TimeoutException as error:
            raise exchange.timed_out(stored, error) from error
        tee = async_tee(
            response.stream,
            lambda body, complete, error: finish(response, body, complete, error),
            lambda error: exchange.timed_out(stored, error),
        )
        response.stream = tee
        tees.append(tee)
        return response

    return handle_async_request
