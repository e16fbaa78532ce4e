"""Running the server for real: uvicorn in a background thread, on a free port of 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from starlette.applications import Starlette

from harness._uvicorn import serve_app_in_thread
from harness.server._app import create_app, is_deterministic, reset_state
from harness.server._clock import Clock, DeterministicClock, seeded_start
from harness.server._faults import FaultConfig


@dataclass(frozen=True)
class RunningServer:
    """A server started by :func:`serve_in_thread`.

    Attributes:
        base_url: The API root to give the SDK, e.g. ``"http://127.0.0.1:54321/v1"``.
        port: The TCP port it listens on.
        app: The Starlette application (its ``state.server`` holds the in-memory state).
    """

    base_url: str
    port: int
    app: Starlette

    def reset(self, seed: int | str, *, clock: Clock | None = None) -> None:
        """Forget every object and restart ids and clock (see :func:`harness.server._app.reset_state`).

        Args:
            seed: The new seed of the id generator; a string seeds the clock's start as well (through
                :func:`~harness.server._clock.seeded_start`) unless ``clock`` is given.
            clock: The new clock.
        """
        if clock is None and isinstance(seed, str):
            clock = DeterministicClock(seeded_start(seed))
        reset_state(self.app, seed, clock=clock)


@contextmanager
def serve_in_thread(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    seed: int = 0,
    api_key: str | None = None,
    clock: Clock | None = None,
    faults: FaultConfig | None = None,
    poll_after_ms: int = 5,
    startup_timeout: float = 10.0,
) -> Iterator[RunningServer]:
    """Serve a fresh app with uvicorn in a daemon thread for the duration of a ``with`` block.

    Args:
        host: The address to bind (loopback by default).
        port: The port; 0 picks a free one.
        seed: See :func:`create_app`.
        api_key: See :func:`create_app`.
        clock: See :func:`create_app`.
        faults: See :func:`create_app`.
        poll_after_ms: See :func:`create_app`.
        startup_timeout: Seconds to wait for the server to accept connections.

    Yields:
        The :class:`RunningServer`; the server stops when the block exits.

    Raises:
        HarnessError: When the server does not start (for example, the port is taken).
    """
    app = create_app(seed=seed, api_key=api_key, clock=clock, faults=faults, poll_after_ms=poll_after_ms)
    with serve_app_in_thread(
        app,
        host=host,
        port=port,
        name="the embedded server",
        startup_timeout=startup_timeout,
        lifespan="off",
        timeout_graceful_shutdown=1,
        # A deterministic server answers the same requests with the same bytes: no wall-clock date.
        date_header=not is_deterministic(clock),
        server_header=False,
    ) as bound:
        yield RunningServer(base_url=f"http://{host}:{bound}/v1", port=bound, app=app)
