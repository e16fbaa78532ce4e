"""``workers``: routes fuzzed in parallel send the same requests per route as one at a time."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fuzz_servers import serve
from starlette.types import Receive, Scope, Send

from harness.fuzz import run_fuzz
from harness.server import create_app


class _Recording:
    """The embedded server, keeping the query and body of every request to /v1/assistants."""

    def __init__(self) -> None:
        self.app = create_app(seed=0)
        self.seen: dict[str, list[bytes]] = defaultdict(list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/v1/assistants":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []

        async def keep() -> Any:
            message = await receive()
            chunks.append(message.get("body", b""))
            return message

        await self.app(scope, keep, send)
        self.seen[scope["method"]].append(scope["query_string"] + b" " + b"".join(chunks))


def _requests(workers: int) -> dict[str, list[bytes]]:
    server = _Recording()
    with serve(server) as url:
        report = run_fuzz(
            url,
            routes=["assistants.*", "threads.create"],
            examples=10,
            seed=6,
            phases=["random"],
            workers=workers,
        )
    assert report.exit_code == 0
    return {method: sorted(bodies) for method, bodies in server.seen.items()}


def test_two_workers_send_the_same_requests_per_route_as_one() -> None:
    alone, parallel = _requests(1), _requests(2)
    assert alone == parallel
    assert len(alone["GET"]) >= 10 and len(alone["POST"]) >= 10
