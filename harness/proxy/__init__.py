"""``harness proxy``: record and replay over HTTP, for clients in any language.

A client points its base URL at ``http://127.0.0.1:PORT/cassettes/<name>/v1``; the proxy replays from,
or records into, ``<cassette-dir>/<name>.yaml`` with the same format, matching, poll order, scrubbing and
contract checks as the pytest plugin (it is the same code: :mod:`harness.recording`, :mod:`harness.verify`).
"""

from __future__ import annotations

from harness._extras import missing_extra
from harness.recording._locks import CassetteLockedError

try:
    from harness.proxy._app import ProxyState, create_proxy_app
    from harness.proxy._config import Pace, ProxyConfig
    from harness.proxy._names import CASSETTE_HEADER, CassetteNameError, cassette_name, split_target
    from harness.proxy._serving import RunningProxy, serve_proxy
    from harness.proxy._session import CassetteSession
except ModuleNotFoundError as error:
    raise missing_extra(error, "harness proxy") from None

__all__ = [
    "CASSETTE_HEADER",
    "CassetteLockedError",
    "CassetteNameError",
    "CassetteSession",
    "Pace",
    "ProxyConfig",
    "ProxyState",
    "RunningProxy",
    "cassette_name",
    "create_proxy_app",
    "serve_proxy",
    "split_target",
]
