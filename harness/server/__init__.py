"""The embedded Assistants-compatible server: Starlette + uvicorn, in memory and deterministic.

``create_app`` builds the ASGI application; ``serve_in_thread`` runs it with uvicorn on 127.0.0.1 for
tests; ``FaultConfig`` describes injected faults. See docs/server.md for the endpoints and behaviour.
"""

from __future__ import annotations

from harness._extras import missing_extra

try:
    from harness.server._app import create_app
    from harness.server._clock import DeterministicClock, wall_clock
    from harness.server._faults import FaultConfig
    from harness.server._serving import RunningServer, serve_in_thread
except ModuleNotFoundError as error:
    raise missing_extra(error, "the embedded Assistants server (harness.server)") from None

__all__ = [
    "DeterministicClock",
    "FaultConfig",
    "RunningServer",
    "create_app",
    "serve_in_thread",
    "wall_clock",
]
