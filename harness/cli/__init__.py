"""The ``harness`` command: a thin front-end that turns options into calls of the library.

Each sub-command lives in its own module with a ``register(subparsers)`` function that adds its parser
and sets ``handler`` to a function from the parsed arguments to an exit code. Sub-command modules import
the library lazily, inside their handlers, so that ``harness --help`` stays fast.

Exit codes: 0 success, 1 findings (verification failed), 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from harness._errors import HarnessError

_COMMANDS = ("_verify", "_show", "_contracts", "_serve", "_fuzz", "_demo", "_proxy")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="harness",
        description="Record, replay and verify OpenAI Assistants API v2 traffic.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMANDS:
        try:
            module = importlib.import_module(f"harness.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"harness.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def _version() -> str:
    """The installed distribution's version (``0+unknown`` when running from a bare source tree)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("assistants-harness")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``harness`` command with ``argv`` (default: ``sys.argv[1:]``) and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except HarnessError as error:
        print(f"harness {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
