"""``harness contracts``: work with the contract models (``export`` their JSON Schemas)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

DEFAULT_OUT = Path("contracts") / "schemas"


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add ``harness contracts`` and its sub-commands."""
    parser = subparsers.add_parser(
        "contracts",
        help="work with the contract models",
        description="Work with the contract models of the Assistants API.",
    )
    actions = parser.add_subparsers(dest="contracts_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write the JSON Schema of every object, event, request and query",
        description=(
            "Write one JSON Schema file per contract object, stream event, request body and query, "
            "plus index.json (which also lists the routes). Output is deterministic."
        ),
    )
    export.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"directory to write into (default: {DEFAULT_OUT} under the current directory)",
    )
    export.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when the files in DIR differ from the models",
    )
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from harness.contracts._export import export_schemas, stale_files

    out: Path = args.out
    if args.check:
        stale = stale_files(out)
        for name, status in stale.items():
            print(f"{status}: {out / name}")
        if stale:
            print(f"{len(stale)} schema file(s) out of date; run `harness contracts export --out {out}`")
            return 1
        print(f"schemas in {out} match the models")
        return 0
    paths = export_schemas(out)
    print(f"wrote {len(paths)} schema files to {out}", file=sys.stdout)
    return 0
