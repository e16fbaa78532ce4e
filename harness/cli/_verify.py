"""``harness verify PATH...``: check cassettes against the contracts and the stream grammar."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from harness._errors import HarnessError
from harness.cli._output import write_report

_DESCRIPTION = """\
Check every interaction of the given cassettes (vcrpy YAML/JSON, Ruby VCR YAML, Azure SDK test-proxy
JSON; folders are walked) against the request and response contracts, every streamed body event by
event and against the stream grammar. Exit status: 0 when nothing fails, 1 when a violation (or new
drift, or in --strict mode any drift) was found, 2 on usage errors.
"""


def register(subparsers: Any) -> None:
    """Add the ``verify`` sub-command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verify",
        help="check cassettes against the contracts and the stream grammar",
        description=_DESCRIPTION,
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="cassette files or folders")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail on any drift (unknown fields and events), baselined or not; default: tolerant",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "junit"),
        default="text",
        help="report format: grouped text for people (default), JSON, or JUnit XML for CI",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="PATH",
        help="the project's drift baseline, added to the built-in one (default: "
        "contracts/drift-baseline.yaml when it exists)",
    )
    parser.add_argument(
        "--no-baseline",
        action="store_true",
        help="ignore every drift baseline, the built-in one too: every finding counts as new",
    )
    parser.add_argument(
        "--update-baseline",
        action="store_true",
        help="write the drift found now to the baseline file, keeping the reasons already written",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE, not stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Handle ``harness verify``."""

    from harness.verify import (
        DEFAULT_BASELINE,
        Baseline,
        builtin_baseline,
        dumps_report,
        load_baseline,
        render_text,
        verify,
    )

    if args.no_baseline and (args.baseline is not None or args.update_baseline):
        raise HarnessError(
            "--no-baseline cannot be combined with --baseline or --update-baseline; drop one of them"
        )
    baseline_path: Path | None = None if args.no_baseline else (args.baseline or DEFAULT_BASELINE)
    baseline: Baseline | None = None
    if baseline_path is not None:
        # The built-in baseline plus the project's file; an explicit --baseline that is missing is an
        # error (unless it is about to be written).
        baseline = load_baseline(baseline_path, required=bool(args.baseline and not args.update_baseline))
    if args.output is not None and not args.output.parent.is_dir():
        raise HarnessError(
            f"cannot write the report to {args.output}: the folder {args.output.parent} does not exist"
        )

    report = verify(args.paths, mode="strict" if args.strict else "tolerant", baseline=baseline)
    if args.update_baseline:
        assert baseline_path is not None
        updated = Baseline.from_findings(report.findings, previous=baseline)
        updated.write(baseline_path)
        report = report.against(builtin_baseline().merged(updated))
        missing = sum(not entry.reason for entry in updated.entries.values())
        note = f"; {missing} without a reason: write one for each" if missing else ""
        print(
            f"wrote {len(updated.entries)} accepted drift entries to {baseline_path}{note}", file=sys.stderr
        )

    write_report(
        args.output,
        args.format,
        text=lambda console: render_text(report, console),
        data=lambda: dumps_report(report, args.format),
    )
    return report.exit_code
