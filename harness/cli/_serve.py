"""``harness serve``: run the embedded Assistants-compatible server."""

from __future__ import annotations

import argparse

from harness._errors import HarnessError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``serve`` sub-command."""
    parser = subparsers.add_parser(
        "serve",
        help="run the embedded Assistants-compatible server",
        description="Serve an in-memory, deterministic Assistants API v2 at http://HOST:PORT/v1.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8000, help="port to listen on; 0 picks a free one (default: 8000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the id generator (default: 0)")
    parser.add_argument(
        "--api-key",
        default=None,
        help="require 'Authorization: Bearer KEY' (default: accept any key or none)",
    )
    parser.add_argument(
        "--clock",
        choices=("deterministic", "real"),
        default="deterministic",
        help="timestamps from a deterministic clock (from 1700000000, +1 s per read) or the wall clock",
    )
    parser.add_argument(
        "--poll-after-ms", type=int, default=5, help="value of the openai-poll-after-ms header (default: 5)"
    )
    parser.add_argument(
        "--fault",
        default=None,
        metavar="SPEC",
        help="inject a fault into every request, e.g. '429;retry-after=0;times=2', '500', 'cut-after=5', "
        "'slow=50' (see docs/server.md)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    from harness._extras import missing_extra
    from harness.server import FaultConfig, create_app, wall_clock

    try:
        import uvicorn
    except ModuleNotFoundError as error:
        raise missing_extra(error, "harness serve") from None

    try:
        faults = FaultConfig.parse(args.fault) if args.fault else None
    except ValueError as error:
        raise HarnessError(str(error)) from None
    if args.port < 0 or args.port > 65535:
        raise HarnessError(f"--port must be between 0 and 65535, got {args.port}")
    app = create_app(
        seed=args.seed,
        api_key=args.api_key,
        clock=wall_clock if args.clock == "real" else None,
        faults=faults,
        poll_after_ms=args.poll_after_ms,
    )
    print(
        f"harness serve: Assistants API at http://{args.host}:{args.port}/v1 (seed {args.seed})", flush=True
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", lifespan="off")
    return 0
