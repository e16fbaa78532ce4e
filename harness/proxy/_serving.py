"""Running the proxy: uvicorn in a background thread, with the embedded server as default upstream."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from harness._uvicorn import serve_app_in_thread
from harness.proxy._app import ProxyState, create_proxy_app
from harness.proxy._config import ProxyConfig
from harness.proxy._session import Accepts
from harness.recording._recorder import Checker

REPLAY_ONLY_ORIGIN = "http://127.0.0.1:9"
"""The upstream of a replay-only proxy without ``--upstream``: never contacted (port 9 is discard)."""


@dataclass(frozen=True)
class RunningProxy:
    """A proxy started by :func:`serve_proxy`.

    Attributes:
        url: The proxy's root, e.g. ``"http://127.0.0.1:54321"``; clients use
            ``f"{url}/cassettes/<name>/v1"`` as their base URL.
        port: The TCP port it listens on.
        upstream: Where recordings are made, for messages (the embedded server by default, none when the
            record mode is ``none`` and no upstream was given).
        state: The proxy's cassettes and counters.
    """

    url: str
    port: int
    upstream: str
    state: ProxyState

    def base_url(self, cassette: str) -> str:
        """The base URL that makes a client record into / replay from cassette ``cassette``."""
        return f"{self.url}/cassettes/{cassette}/v1"


def _checker(config: ProxyConfig) -> tuple[Checker | None, Accepts | None]:
    if config.contracts == "off":
        return None, None
    from harness.verify import check_exchange
    from harness.verify._baseline import Baseline

    accepts = Baseline.load(config.baseline).accepts if config.baseline is not None else None
    return check_exchange, accepts


@contextlib.contextmanager
def serve_proxy(
    config: ProxyConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    report: IO[str] | None = None,
    startup_timeout: float = 10.0,
) -> Iterator[RunningProxy]:
    """Run the proxy on ``host:port`` for the duration of a ``with`` block.

    Without ``config.upstream`` the embedded Assistants server is started in-process (seed 0, the
    deterministic clock) and recordings are made against it.

    Args:
        config: The proxy's configuration.
        host: The address to bind (loopback by default).
        port: The port; 0 picks a free one.
        report: Where findings and unmatched requests are written (default: standard error).
        startup_timeout: Seconds to wait for the proxy to accept connections.

    Raises:
        HarnessError: The proxy (or the embedded server) did not start, or the baseline is unreadable.
    """
    with contextlib.ExitStack() as stack:
        upstream = config.upstream
        if config.upstream is None and config.record_mode == "none":
            # Replay only: nothing is ever sent; recorded URIs keep a placeholder host (not matched).
            config = dataclasses.replace(config, upstream=REPLAY_ONLY_ORIGIN)
            upstream = "none (replay only)"
        elif config.upstream is None:
            from harness.server import serve_in_thread

            embedded = stack.enter_context(serve_in_thread())
            config = dataclasses.replace(config, upstream=f"http://127.0.0.1:{embedded.port}")
            upstream = f"{config.upstream} (embedded server)"
        check, accepts = _checker(config)
        state = ProxyState(config, check=check, accepts=accepts, report=report)
        app = create_proxy_app(state)
        bound = stack.enter_context(
            serve_app_in_thread(
                app,
                host=host,
                port=port,
                name="the proxy",
                startup_timeout=startup_timeout,
                shutdown_timeout=15,
                timeout_graceful_shutdown=2,
            )
        )
        yield RunningProxy(url=f"http://{host}:{bound}", port=bound, upstream=str(upstream), state=state)
