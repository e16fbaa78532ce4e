"""``harness fuzz``: generated requests against an Assistants-compatible server, findings as ``verify``'s."""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.cli._output import write_report

DEFAULT_MAX_TIME = 300.0
"""Seconds a session takes at most unless --max-time says otherwise (as harness.fuzz's default)."""

_DESCRIPTION = """\
Send requests generated from the contract models to every route of an Assistants-compatible server:
valid ones (which must be answered with a 2xx) and ones that break exactly one documented rule (which
must be answered with a 400 naming the parameter). The coverage phase breaks every documented rule of
each route once and meets every limit once, in a fixed order; the random phase then draws examples.
With --stateful, also run random sequences of calls
(create, update, retrieve, list, delete, polled and streamed runs, tool outputs, cancel) against a model
of the server, checking that retrieves and lists agree with what was written, that deleted objects are
gone and that runs follow their lifecycle. Every answer is checked against its contract, every stream
against the grammar. Each failure is shrunk to its shortest reproduction, printed with the command that
reruns the session (the same --seed sends the same requests). The session stops after --max-time
seconds, or on Ctrl-C or SIGTERM, and reports what it found until then. While it runs, its progress is
shown on stderr. Exit status: 0 when nothing fails, 1 on findings, 2 on usage errors (including a server
that does not answer).
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
        "--phases",
        metavar="LIST",
        help="phases to run, comma-separated, among coverage, random and stateful (default: coverage,random, "
        "and stateful with --stateful)",
    )
    parser.add_argument(
        "--max-time",
        type=float,
        default=DEFAULT_MAX_TIME,
        metavar="SECONDS",
        help=f"stop the session after this long and report what was found (default: {DEFAULT_MAX_TIME:g})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="wait this long for each response, and for each event of a stream (default: 10)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="fuzz N routes at once; the same seed still sends the same requests per route (default: 1)",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="do not show the progress on stderr while the session runs",
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
    import sys

    from harness.fuzz import dumps_report, render_text, run_fuzz
    from harness.fuzz._progress import Progress, shown

    if args.examples < 1 or args.steps < 1 or args.workers < 1:
        raise HarnessError(
            f"--examples, --steps and --workers must be at least 1, got {args.examples}, {args.steps} and "
            f"{args.workers}"
        )
    if args.max_time <= 0 or args.timeout <= 0:
        raise HarnessError(
            f"--max-time and --timeout must be positive, got {args.max_time} and {args.timeout}"
        )
    if args.output is not None and not args.output.parent.is_dir():
        raise HarnessError(
            f"cannot write the report to {args.output}: the folder {args.output.parent} does not exist"
        )
    routes = [part.strip() for value in args.routes or () for part in value.split(",") if part.strip()]
    phases = [part.strip() for part in args.phases.split(",")] if args.phases else None
    stop = threading.Event()
    progress = Progress()
    with _stopped_by_signals(stop), nullcontext() if args.no_progress else shown(progress, sys.stderr):
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
            timeout=args.timeout,
            phases=phases,
            max_time=args.max_time,
            workers=args.workers,
            stop=stop,
            progress=progress,
        )
    write_report(
        args.output,
        args.format,
        text=lambda console: render_text(report, console),
        data=lambda: dumps_report(report, args.format),
    )
    return report.exit_code


@contextmanager
def _stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """While the block runs, SIGINT (Ctrl-C) and SIGTERM set ``stop`` instead of killing the process, so
    that the session ends at its next request and prints what it found. A second signal kills it."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}

    def handle(number: int, frame: Any) -> None:
        if stop.is_set():
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        stop.set()

    for number in previous:
        signal.signal(number, handle)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
