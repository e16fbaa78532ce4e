"""uvicorn in a daemon thread: the one way the embedded server and the proxy are served in-process."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from harness._errors import HarnessError
from harness._extras import missing_extra


@contextlib.contextmanager
def serve_app_in_thread(
    app: Any,
    *,
    host: str,
    port: int,
    name: str,
    startup_timeout: float,
    shutdown_timeout: float = 10.0,
    **options: Any,
) -> Iterator[int]:
    """Serve the ASGI ``app`` on ``host:port`` from a daemon thread for the duration of the block.

    Args:
        app: The ASGI application.
        host: The interface to bind.
        port: The port; 0 picks a free one.
        name: What is served, for the thread's name and the error (``"the embedded server"``).
        startup_timeout: Seconds to wait for the server to accept connections.
        shutdown_timeout: Seconds to wait for the thread to end when the block exits.
        **options: Further ``uvicorn.Config`` options.

    Yields:
        The port bound.

    Raises:
        HarnessError: When the server does not start (for example, the port is taken).
    """
    try:
        import uvicorn
    except ModuleNotFoundError as error:
        raise missing_extra(error, name) from None

    options.setdefault("log_level", "critical")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, **options))
    thread = threading.Thread(target=server.run, name=f"harness: {name}", daemon=True)
    thread.start()
    deadline = time.monotonic() + startup_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise HarnessError(
                f"{name} did not start on {host}:{port} within {startup_timeout} s; "
                "choose another port (0 picks a free one)"
            )
        time.sleep(0.005)
    try:
        yield int(server.servers[0].sockets[0].getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=shutdown_timeout)
