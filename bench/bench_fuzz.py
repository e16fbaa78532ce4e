"""``harness fuzz --stateful`` against Schemathesis, on servers broken in one way each.

Both fuzz the same servers, with the same time budget (``--max-time``, 60 s by default) and one worker:
the embedded server as it is, and the embedded server behind each proxy of ``tests/fuzz/fuzz_servers.py``
(a field dropped, a wrong type, a broken run-status enum, a lying ``has_more``, stream events out of
order, invalid names accepted). Schemathesis runs on the OpenAPI document of ``../shared/openapi``,
filtered to the operations the harness knows (the Assistants API, files and vector stores) and pointed
at the server.

For each server and tool: whether it found the breakage (for Schemathesis, a failure that names the
broken thing and does not also appear on the unbroken server), its requests per second, and the time to
its first such finding. Needs the ``bench`` extra (``pip install -e '.[bench]'``). Run:
``python bench/bench_fuzz.py [--budget SECONDS]``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fuzz"))

from _common import ROOT, table
from fuzz_servers import FOUND_AS, MUTATIONS, broken_app, serve

OPENAPI = ROOT.parent / "shared" / "openapi" / "openapi.json"
HARNESS = Path(sys.executable).with_name("harness")

Failure = dict[str, Any]
"""A Schemathesis failure: ``code``, ``operation``, ``title``, ``message``."""

DETECTS: dict[str, Callable[[Failure], bool]] = {
    "field dropped": lambda f: f["code"] == "ST108" and "created_at" in f["message"],
    "wrong type": lambda f: f["code"] == "ST108" and "yesterday" in f["message"],
    "run status enum": lambda f: f["code"] == "ST108" and "'done'" in f["message"],
    "lying has_more": lambda f: "has_more" in f["message"],
    "events out of order": lambda f: bool(
        re.search(r"thread\.(message|run)\.\w+.*(order|before|after)", f["message"])
    ),
    "invalid accepted": lambda f: f["code"] == "ST201" and f["operation"] == "POST /assistants",
}
"""What counts as Schemathesis finding each breakage."""


def assistants_document(folder: Path) -> Path:
    """The OpenAPI document with only the operations the harness knows."""
    from harness.contracts import ROUTES

    known = {(route.method.lower(), route.template) for route in ROUTES}
    document = json.loads(OPENAPI.read_text())
    paths = {}
    for path, item in document["paths"].items():
        operations = {method: op for method, op in item.items() if (method, path) in known}
        if operations:
            shared = {key: value for key, value in item.items() if key not in ("get", "post", "delete")}
            paths[path] = {**shared, **operations}
    document["paths"] = paths
    target = folder / "assistants-openapi.json"
    target.write_text(json.dumps(document))
    return target


def run_harness(url: str, budget: float, name: str | None) -> dict[str, Any]:
    started = time.monotonic()
    arguments = [str(HARNESS), "fuzz", "--base-url", url, "--stateful", "--seed", "1", "--no-progress"]
    arguments += ["--max-time", str(budget), "--format", "json"]
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=budget * 3, check=False)
    wall = time.monotonic() - started
    if not done.stdout.strip():
        raise SystemExit(f"harness fuzz failed (exit {done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    expected = FOUND_AS.get(name or "", {})
    found = name is not None and any(
        f["severity"] == "violation" and all(f.get(key) == value for key, value in expected.items())
        for f in report["findings"]
    )
    violations = sum(f["severity"] == "violation" for f in report["findings"])
    return {
        "found": found,
        "failures": violations,
        "requests": report["requests"],
        "seconds": wall,
        "first": report["first_failure"] if violations else None,
        "exit": done.returncode,
    }


def run_schemathesis(
    program: str, document: Path, url: str, budget: float, folder: Path
) -> tuple[list[Failure], int, float]:
    """Schemathesis's failures (each with ``at``: seconds from its start), requests sent, and wall time."""
    reports = folder / "schemathesis"
    shutil.rmtree(reports, ignore_errors=True)
    arguments = [program, "run", str(document), "--url", url]
    arguments += ["--max-time", str(int(budget)), "--seed", "1", "--no-color", "--workers", "1"]
    arguments += ["-H", "Authorization: Bearer harness-fuzz", "-H", "OpenAI-Beta: assistants=v2"]
    arguments += ["--report", "ndjson", "--report-dir", str(reports), "--generation-database", "none"]
    started = time.monotonic()  # no example database: each server starts from scratch, as harness fuzz does
    subprocess.run(arguments, capture_output=True, text=True, timeout=budget * 3, check=False, cwd=folder)
    wall = time.monotonic() - started
    failures: list[Failure] = []
    requests = 0
    origin: float | None = None
    for line in next(reports.glob("*.ndjson")).read_text().splitlines():
        event = json.loads(line)
        kind, data = next(iter(event.items()))
        if kind == "EngineStarted":
            origin = data["timestamp"]
        if kind != "ScenarioFinished":
            continue
        requests += _count(data, "interactions")
        for check in _checks(data):
            failure = check["failure_info"]["failure"]
            failures.append({**failure, "at": data["timestamp"] - (origin or data["timestamp"])})
    return failures, requests, wall


def _checks(item: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(item, dict):
        if item.get("failure_info"):
            found.append(item)
        for value in item.values():
            found += _checks(value)
    elif isinstance(item, list):
        for value in item:
            found += _checks(value)
    return found


def _count(item: Any, key: str) -> int:
    if isinstance(item, dict):
        own = len(item[key]) if isinstance(item.get(key), dict | list) else 0
        return own + sum(_count(value, key) for k, value in item.items() if k != key)
    if isinstance(item, list):
        return sum(_count(value, key) for value in item)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per server and tool (default 60)")
    parser.add_argument(
        "--schemathesis",
        default=shutil.which("schemathesis") or str(Path(sys.executable).with_name("schemathesis")),
        help="the schemathesis program (default: the one on PATH, else beside this Python)",
    )
    options = parser.parse_args()
    budget, program = options.budget, options.schemathesis
    import hypothesis

    import harness

    theirs = subprocess.run([program, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    print(
        f"harness {harness.__version__} (hypothesis {hypothesis.__version__}), {theirs}, "
        f"python {sys.version.split()[0]}; budget {budget:g} s per server and tool"
    )
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        document = assistants_document(folder)
        baseline: set[tuple[str, str]] = set()
        for name in [None, *MUTATIONS]:
            app = broken_app(**MUTATIONS[name]) if name else broken_app(when=lambda method, path: False)
            with serve(app) as url:
                ours = run_harness(url, budget, name)
            with serve(app) as url:
                failures, requests, wall = run_schemathesis(program, document, url, budget, folder)
            if name is None:
                baseline = {(f["code"], f["operation"]) for f in failures}
                theirs_found = False
                first = None
            else:
                detect = DETECTS[name]
                hits = [f for f in failures if detect(f) and (f["code"], f["operation"]) not in baseline]
                theirs_found = bool(hits)
                first = min(f["at"] for f in hits) if hits else None
            label = name or "none (embedded server)"
            rows.append(
                [
                    label,
                    _verdict(ours["found"], name, ours["failures"]),
                    f"{ours['requests'] / ours['seconds']:.0f}",
                    _seconds(ours["first"] if ours["found"] else None),
                    _verdict(theirs_found, name, len(failures)),
                    f"{requests / wall:.0f}",
                    _seconds(first),
                ]
            )
            print(f"  {label}: harness {ours}; schemathesis {len(failures)} failures, {requests} requests")
    headers = [
        "broken server",
        "harness found",
        "req/s",
        "first finding",
        "Schemathesis found",
        "req/s",
        "first finding",
    ]
    print(table(headers, rows))


def _verdict(found: bool, name: str | None, failures: int) -> str:
    if name is None:
        return f"{failures} failures (false alarms)" if failures else "clean"
    return "yes" if found else "no"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


if __name__ == "__main__":
    main()
