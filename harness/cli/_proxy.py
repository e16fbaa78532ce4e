"""``harness proxy``: record and replay over HTTP for clients in any language."""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path
from types import FrameType

from harness._errors import HarnessError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``proxy`` sub-command."""
    parser = subparsers.add_parser(
        "proxy",
        help="record and replay cassettes over HTTP, for any SDK or language",
        description=(
            "Serve http://HOST:PORT/cassettes/<name>/v1: each client that uses it as its base URL replays "
            "from (or records into) <cassette-dir>/<name>.yaml, with the pytest plugin's format, matching, "
            "poll order, scrubbing and contract checks. See docs/proxy.md."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=8010, help="port to listen on; 0 picks a free one (default: 8010)"
    )
    parser.add_argument(
        "--cassette-dir",
        type=Path,
        default=Path("cassettes"),
        help="folder that cassette names are resolved in (default: ./cassettes)",
    )
    parser.add_argument(
        "--record-mode",
        default="none",
        choices=("none", "once", "new_episodes", "all", "rewrite"),
        help="none (default) replays only; once records missing cassettes; new_episodes appends what is "
        "not recorded; all re-sends everything; rewrite starts every cassette afresh",
    )
    parser.add_argument(
        "--upstream",
        default=None,
        metavar="URL",
        help="where to record, e.g. https://api.openai.com (default: the embedded server, in-process)",
    )
    parser.add_argument(
        "--api-key",
        default=None,
        help="send 'Authorization: Bearer KEY' upstream instead of the client's own header",
    )
    parser.add_argument(
        "--contracts",
        default="tolerant",
        choices=("off", "tolerant", "strict"),
        help="check traffic: off, tolerant (violations fail, default) or strict (drift fails too, "
        "unless the drift baseline lists it)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="drift baseline for --contracts strict (default: contracts/drift-baseline.yaml when it exists)",
    )
    parser.add_argument(
        "--pace",
        default="instant",
        choices=("instant", "recorded"),
        help="replay stream events at once (default) or with the gaps recorded between them",
    )
    parser.add_argument(
        "--redact-header",
        action="append",
        default=[],
        metavar="NAME",
        help="scrub this header too (repeatable; as the cassette_redact_headers ini option)",
    )
    parser.add_argument(
        "--redact-pattern",
        action="append",
        default=[],
        metavar="REGEX",
        help="scrub every match of this regular expression (repeatable; cassette_redact_patterns)",
    )
    parser.add_argument(
        "--redact-json-path",
        action="append",
        default=[],
        metavar="PATH",
        help="scrub this dotted JSON path in bodies (repeatable; cassette_redact_json_paths)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM); every cassette is saved on the way out."""
    from harness.proxy import ProxyConfig, serve_proxy
    from harness.recording import RedactionRules
    from harness.recording._redaction import Redactor
    from harness.verify._baseline import DEFAULT_BASELINE

    if args.port < 0 or args.port > 65535:
        raise HarnessError(f"--port must be between 0 and 65535, got {args.port}")
    baseline: Path | None = args.baseline
    if baseline is None and DEFAULT_BASELINE.is_file():
        baseline = DEFAULT_BASELINE
    redaction = RedactionRules(
        headers=tuple(args.redact_header),
        patterns=tuple(args.redact_pattern),
        json_paths=tuple(args.redact_json_path),
    )
    Redactor(redaction)  # a bad rule is a usage error now, not at the first request
    config = ProxyConfig(
        cassette_dir=args.cassette_dir,
        record_mode=args.record_mode,
        upstream=args.upstream,
        api_key=args.api_key,
        contracts=args.contracts,
        redaction=redaction,
        pace=args.pace,
        baseline=baseline,
    )
    stop = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        with serve_proxy(config, host=args.host, port=args.port) as proxy:
            print(
                f"harness proxy: listening on {proxy.url} (base URL {proxy.url}/cassettes/<name>/v1; "
                f"cassettes in {config.cassette_dir}, record mode {config.record_mode}, "
                f"upstream {proxy.upstream})",
                flush=True,
            )
            try:
                while not stop.wait(0.2):
                    pass
            except KeyboardInterrupt:
                pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
