"""``harness show CASSETTE``: a cassette as a readable timeline, findings inline."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from harness._errors import HarnessError

_DESCRIPTION = """\
Print a cassette as a timeline: each interaction with its index, method, path, status and timing; each
stream as its events, with runs of deltas collapsed into the text or arguments they add up to; contract
and grammar findings under the interaction or event they concern. Exit status: 0 when nothing violates a
contract, 1 otherwise, 2 on usage errors.
"""


def register(subparsers: Any) -> None:
    """Add the ``show`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "show",
        help="print a cassette as a readable timeline with its findings",
        description=_DESCRIPTION,
    )
    parser.add_argument("cassette", type=Path, metavar="CASSETTE", help="the cassette file to show")
    parser.add_argument(
        "--color",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="force colours on (--color) or off (--no-color); default: colours on a terminal only",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``harness show``."""
    from rich.console import Console

    from harness.verify import render_timeline

    path: Path = args.cassette
    if not path.is_file():
        what = "does not exist"
        if path.exists():
            what = "is a folder" if path.is_dir() else "is not a regular file (a FIFO, socket or device?)"
        raise HarnessError(f"{path} {what}; expected one cassette file (.yaml, .yml or .json)")
    if args.color is None:
        console = Console(highlight=False)
    elif args.color:
        console = Console(highlight=False, force_terminal=True)
    else:
        console = Console(highlight=False, color_system=None)
    findings = render_timeline(path, console)
    return 1 if any(f.severity == "violation" for f in findings) else 0
