"""``harness demo``: the whole harness in one command, with no key and no network."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = subparsers.add_parser(
        "demo",
        help="record the seed's scenarios against the embedded server, replay them offline, verify them",
        description=(
            "Start the embedded Assistants server, record each scenario of the API reference into a "
            "cassette, stop the server, replay every cassette offline, and check contracts and stream "
            "grammar. Exit 0 only when every scenario is clean."
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("demo-cassettes"),
        metavar="DIR",
        help="folder for the recorded cassettes (default: ./demo-cassettes)",
    )
    parser.add_argument(
        "--live",
        action="store_true",
        help="record against OPENAI_BASE_URL with OPENAI_API_KEY instead of the embedded server",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="PATH",
        help="the project's drift baseline, added to the built-in one (default: "
        "contracts/drift-baseline.yaml when it exists)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo, drawing progress and the summary table with rich."""
    import warnings

    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn
    from rich.table import Table

    from harness._findings import format_findings
    from harness.demo import SCENARIOS, run_demo
    from harness.verify import DEFAULT_BASELINE, load_baseline

    warnings.filterwarnings(
        "ignore",
        message=r"(deprecated|The Assistants API is deprecated in favor of the Responses API)$",
        category=DeprecationWarning,
    )
    console = Console()
    if not console.is_terminal:
        console = Console(width=110)  # piped or captured: wide enough for the whole summary table
    baseline_path: Path | None = args.baseline
    if baseline_path is None and DEFAULT_BASELINE.is_file():
        baseline_path = DEFAULT_BASELINE
    baseline = load_baseline(baseline_path, required=args.baseline is not None)

    stages = {"record": "recording", "replay": "replaying offline", "verify": "verifying", "done": "done"}
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task("starting the embedded server", total=len(SCENARIOS) * 3)

        def progress(scenario: str, stage: str) -> None:
            bar.update(task, description=f"{scenario}: {stages.get(stage, stage)}", advance=1)

        reports = run_demo(args.out, live=args.live, baseline=baseline, progress=progress)

    table = Table(title=f"harness demo — cassettes in {args.out}")
    for column in ("scenario", "interactions", "events", "record", "replay", "findings", "result"):
        table.add_column(
            column, justify="left" if column in ("scenario", "result") else "right", no_wrap=True
        )
    for report in reports:
        table.add_row(
            report.name,
            str(report.interactions),
            str(report.events),
            f"{report.record_seconds * 1000:.0f} ms",
            f"{report.replay_seconds * 1000:.0f} ms",
            str(len(report.findings)),
            "[green]clean[/green]" if report.ok else "[red]FAILED[/red]",
        )
    console.print(table)
    failed = [report for report in reports if not report.ok]
    for report in failed:
        console.print(f"[bold red]{report.name}[/bold red]: {report.error or 'contract findings'}")
        if report.findings:
            console.print(
                format_findings(report.findings, limit=10), markup=False, highlight=False, soft_wrap=True
            )
    drift = sum(report.drift for report in reports)
    note = f" ({drift} accepted drift findings per the {baseline.describe()} baseline)"
    if failed:
        console.print(f"{len(failed)} of {len(reports)} scenarios failed.{note if drift else ''}")
        return 1
    console.print(f"All {len(reports)} scenarios recorded, replayed offline and verified clean.{note}")
    return 0
