"""The recording target: requests for the hosted API sent to another server, at transport level.

A client made without ``base_url`` (a fixture's, or one the application creates at import time, before
any fixture runs) sends to ``https://api.openai.com/v1``. While recording with no ``OPENAI_BASE_URL``
set, :func:`route_default_api` sends those requests to the embedded server instead. The request the
recorder stores keeps the hosted API's URL and ``Host`` header: the patch sits *below* the recorder's, so
a cassette does not depend on the port the embedded server happened to get.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

DEFAULT_API_HOST = "api.openai.com"
"""The host the openai SDK sends to when no ``base_url`` is given."""

_HTTP_MODULES = ("httpx", "httpx2")


@contextlib.contextmanager
def route_default_api(target: Callable[[], str], *, host: str = DEFAULT_API_HOST) -> Iterator[None]:
    """Within the block, send every httpx/httpx2 request for ``host`` to the server ``target()`` names.

    Enter it *before* the recorder, so that the recorder stores the request as the client made it.

    Args:
        target: Returns the base URL to send to (``http://127.0.0.1:PORT/v1``); called on the first
            request routed, so a server is started only when something is really recorded.
        host: The host whose requests are routed.
    """
    lock = threading.Lock()
    resolved: list[tuple[str, str, int | None]] = []

    def destination() -> tuple[str, str, int | None]:
        with lock:
            if not resolved:
                parts = urlsplit(target())
                resolved.append((parts.scheme or "http", parts.hostname or "127.0.0.1", parts.port))
            return resolved[0]

    def rerouted(request: Any) -> None:
        if request.url.host == host:
            scheme, hostname, port = destination()
            request.url = request.url.copy_with(scheme=scheme, host=hostname, port=port)

    with contextlib.ExitStack() as stack:
        for name in _HTTP_MODULES:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            sync_original = module.HTTPTransport.handle_request
            async_original = module.AsyncHTTPTransport.handle_async_request

            def handle_request(transport: Any, request: Any, _original: Any = sync_original) -> Any:
                rerouted(request)
                return _original(transport, request)

            async def handle_async_request(
                transport: Any, request: Any, _original: Any = async_original
            ) -> Any:
                rerouted(request)
                return await _original(transport, request)

            stack.enter_context(mock.patch.object(module.HTTPTransport, "handle_request", handle_request))
            stack.enter_context(
                mock.patch.object(module.AsyncHTTPTransport, "handle_async_request", handle_async_request)
            )
        yield
