"""``harness fuzz``: generated requests against an Assistants-compatible server, findings as ``verify``'s."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.cli._output import write_report

_DESCRIPTION = """\
Send requests generated from the contract models to every route of an Assistants-compatible server:
valid ones (which must be answered with a 2xx) and ones that break exactly one documented rule (which
must be answered with a 400 naming the parameter). With --stateful, also run random sequences of calls
(create, update, retrieve, list, delete, polled and streamed runs, tool outputs, cancel) against a model
of the server, checking that retrieves and lists agree with what was written, that deleted objects are
gone and that runs follow their lifecycle. Every answer is checked against its contract, every stream
against the grammar. Each failure is shrunk to its shortest reproduction, printed with the command that
reruns the session (the same --seed sends the same requests). Exit status: 0 when nothing fails, 1 on
findings, 2 on usage errors (including a server that does not answer).
"""


def register(subparsers: Any) -> None:
    """Add the ``fuzz`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "fuzz",
        help="fuzz an Assistants-compatible server with requests generated from the contracts",
        description=_DESCRIPTION,
    )
    parser.add_argument(
        "--base-url",
        default="embedded",
        metavar="URL",
        help="API root of the server, e.g. http://127.0.0.1:8000/v1; 'embedded' (default) starts the "
        "embedded server on 127.0.0.1 for the session",
    )
    parser.add_argument(
        "--api-key",
        default=None,
        metavar="KEY",
        help="bearer key to send (default: $OPENAI_API_KEY, else a placeholder the embedded server accepts)",
    )
    parser.add_argument(
        "--routes",
        action="append",
        metavar="ROUTE",
        help="fuzz only these routes: a label ('POST /assistants'), an operation ('runs.create') or a shell "
        "pattern of either ('runs.*'); repeat it or separate with commas (default: every route)",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=25,
        metavar="N",
        help="generated requests per route, and runs of the state machine (default: 25)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="seed of the generated requests; the same seed sends the same requests (default: random, "
        "printed in the report)",
    )
    parser.add_argument(
        "--stateful",
        action="store_true",
        help="also run the stateful check: random sequences of calls against a model of the server",
    )
    parser.add_argument(
        "--steps", type=int, default=20, metavar="N", help="calls per run of the state machine (default: 20)"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on drift too (fields and events the contracts do not know); default: tolerant",
    )
    parser.add_argument(
        "--no-shrink",
        action="store_true",
        help="report failures as first found, without shrinking them to the shortest reproduction",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "junit"),
        default="text",
        help="report format, as for harness verify: text (default), JSON, or JUnit XML",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE, not stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``harness fuzz``."""
    import os

    from harness.fuzz import dumps_report, render_text, run_fuzz

    if args.examples < 1 or args.steps < 1:
        raise HarnessError(f"--examples and --steps must be at least 1, got {args.examples} and {args.steps}")
    if args.output is not None and not args.output.parent.is_dir():
        raise HarnessError(
            f"cannot write the report to {args.output}: the folder {args.output.parent} does not exist"
        )
    routes = [part.strip() for value in args.routes or () for part in value.split(",") if part.strip()]
    report = run_fuzz(
        args.base_url,
        api_key=args.api_key or os.environ.get("OPENAI_API_KEY"),
        routes=routes or None,
        examples=args.examples,
        seed=args.seed,
        stateful=args.stateful,
        steps=args.steps,
        mode="strict" if args.strict else "tolerant",
        shrink=not args.no_shrink,
    )
    write_report(
        args.output,
        args.format,
        text=lambda console: render_text(report, console),
        data=lambda: dumps_report(report, args.format),
    )
    return report.exit_code
