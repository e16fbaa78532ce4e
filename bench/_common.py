"""Shared helpers of the benchmark scripts: versions, timing, exit-code checks and a small table printer."""

from __future__ import annotations

import platform
import statistics
import subprocess
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_CASSETTES = ROOT.parent / "shared" / "real-cassettes"

warnings.filterwarnings(
    "ignore", message=r"(deprecated|The Assistants API is deprecated in favor of the Responses API)$"
)


def print_versions(*names: str) -> None:
    """Print the Python version and the installed version of each distribution in ``names``."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"python {platform.python_version()}"]
    for name in ("assistants-harness", *names):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} absent")
    print("versions: " + ", ".join(parts))


def checked(command: list[str], *, allowed: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess[str]:
    """Run ``command``; raise when its exit code is not one of ``allowed`` (a benchmark of a failing run
    measures nothing)."""
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode not in allowed:
        raise SystemExit(
            f"{' '.join(command)} exited {completed.returncode} (expected {allowed}):\n"
            f"{completed.stderr[-2000:]}"
        )
    return completed


def timed(function: Callable[[], object], *, repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    results = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        results.append(time.perf_counter() - started)
    return results


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    return "\n".join([line, rule, *body])
