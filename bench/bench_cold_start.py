"""Whole-process time of a downstream pytest session that replays real recordings: harness vs plain vcrpy.

A downstream project's suite is generated in a temporary folder: one ``@pytest.mark.vcr`` test per replay,
each sending the requests of one real recording (``../shared/real-cassettes/traceloop__openllmetry``,
read in place: 4 polled loops, 3 streamed runs and one tool-call loop, all recorded by vcrpy through
pytest-recording) with httpx, after importing the openai SDK as such a suite does. The same suite runs
in two virtual environments built under ``--venvs`` (default ``/tmp/bench-cold-start``), neither with
Hypothesis:

- ``harness``: ``pip install assistants-harness`` (this checkout, no extra: a session that replays needs
  none) and nothing else; ``vcr`` markers replay through the harness, contracts and grammar on;
- ``vcrpy``: ``pip install pytest vcrpy pytest-recording openai httpx``.

Sessions alternate (harness, vcrpy, harness, ...); the figure is the median wall time of the whole
``python -m pytest`` process, for a small session (8 replays) and a large one (200 replays). As on a
user's machine, bytecode caches are written: a first, untimed session per side writes the suite's own
``.pyc`` files and the harness's compiled contracts (``harness/contracts/_compiled.py``). The small
session is also timed as the first one after installing the harness, its compiled contracts removed
before each harness session (``--no-first``: skip that series).

    python bench/bench_cold_start.py [--rounds 5] [--venvs /tmp/bench-cold-start]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REAL_CASSETTES, ROOT, median, table

SOURCE = REAL_CASSETTES / "traceloop__openllmetry"
TARGETS = {8: 1.10, 200: 1.0}

CONFTEST = """
import openai  # noqa: F401  (the suite under test uses the SDK; both sides pay for importing it)
import pytest

@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {folder!r}

@pytest.fixture(scope="module")
def vcr_config():
    return {{"filter_headers": ["authorization"]}}
"""

TEST = """
import httpx
import pytest

from replay_cases import CASES

CLIENT = httpx.Client()

def replay(name):
    for method, uri, body, status in CASES[name]:
        answer = CLIENT.request(method, uri, content=body, headers={"content-type": "application/json"})
        answer.read()
        assert answer.status_code == status
"""

CASE = """
@pytest.mark.vcr
@pytest.mark.default_cassette({name!r})
def test_replay_{number:03d}():
    replay({name!r})
"""


def _requests(path: Path) -> list[tuple[str, str, str | None, int]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for interaction in document["interactions"]:
        request = interaction["request"]
        body = request.get("body")
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        cases.append(
            (request["method"], request["uri"], body or None, interaction["response"]["status"]["code"])
        )
    return cases


def write_suite(folder: Path, replays: int) -> None:
    """A downstream suite of ``replays`` tests cycling over the real recordings."""
    cassettes = sorted(SOURCE.glob("*.yaml"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conftest.py").write_text(CONFTEST.format(folder=str(SOURCE)))
    cases = {path.name: _requests(path) for path in cassettes}
    # The data sits beside the tests, as a suite keeps it: failure reports stay cheap to render.
    (folder / "replay_cases.py").write_text(f"CASES = {cases!r}\n")
    body = TEST
    for number in range(replays):
        body += CASE.format(name=cassettes[number % len(cassettes)].name, number=number)
    (folder / "test_replays.py").write_text(body)
    (folder / "pytest.ini").write_text("[pytest]\n")


def build_venvs(venvs: Path, reinstall: bool) -> dict[str, Path]:
    """The two environments, created when missing; the harness is reinstalled from this checkout."""
    pythons = {}
    packages = {"harness": [], "vcrpy": ["pytest", "vcrpy", "pytest-recording", "openai", "httpx"]}
    for name, requirements in packages.items():
        folder = venvs / name
        python = folder / "bin" / "python"
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
            if requirements:
                subprocess.run([str(python), "-m", "pip", "install", "-q", *requirements], check=True)
        if name == "harness" and (reinstall or not (folder / "bin" / "harness").exists()):
            if not (folder / "bin" / "harness").exists():
                subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)],
                check=True,
            )
        # Neither side has Hypothesis (its pytest plugin imports all of it in every session); the harness
        # side has none of its extras either, as `pip install assistants-harness` leaves it.
        absent = ["hypothesis"] + (["syrupy", "starlette", "uvicorn"] if name == "harness" else [])
        code = f"import importlib.util as u; print(*[m for m in {absent!r} if u.find_spec(m)])"
        found = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
        if found.stdout.strip():
            raise SystemExit(
                f"{folder} has {found.stdout.strip()} installed, which `pip install "
                f"{'assistants-harness' if name == 'harness' else ' '.join(requirements)}` does not install: "
                f"remove {folder} and run again to rebuild it"
            )
        pythons[name] = python
    return pythons


def versions(python: Path) -> str:
    code = (
        "import importlib.metadata as m, json\n"
        "names = ['pytest', 'vcrpy', 'pytest-recording', 'assistants-harness', 'openai', 'httpx',\n"
        "         'pydantic']\n"
        "found = {}\n"
        "for n in names:\n"
        "    try: found[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(found))\n"
    )
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True, cwd="/")
    return ", ".join(f"{name} {version}" for name, version in json.loads(result.stdout).items())


def drop_compiled_contracts(python: Path) -> int:
    """Remove the harness's compiled contracts from the environment of ``python`` (as a fresh install)."""
    code = (
        "import pathlib, harness.contracts._compiled as c\n"
        "path = c.cache_path()\n"
        "found = list(path.parent.glob('contracts-*.pickle')) if path else []\n"
        "[f.unlink() for f in found]\n"
        "print(len(found))\n"
    )
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True, cwd="/", env=environment
    )
    return int(result.stdout)


def session(python: Path, folder: Path, expected: int) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one whole ``python -m pytest`` process."""
    # As on a user's machine: bytecode caches are written (pytest caches its rewritten modules, the
    # plugin's package among them, only then), and no OPENAI_/PYTEST_ settings leak in.
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "PYTEST_")) and key != "PYTHONDONTWRITEBYTECODE"
    }
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    counts = {word: int(number) for number, word in re.findall(r"(\d+) (passed|failed|error)", summary)}
    # Every replay passes on both sides (the 2024 recordings are Assistants v1 traffic, which the v2
    # contracts do not judge, as in ``harness verify``); anything else stops the benchmark.
    if result.returncode != 0 or counts.get("passed") != expected:
        raise SystemExit(f"{python} failed on {folder}:\n{result.stdout[-3000:]}\n{result.stderr[-2000:]}")
    return elapsed, cpu


def measure(
    pythons: dict[str, Path], folder: Path, replays: int, rounds: int, *, first: bool
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall and CPU seconds of ``rounds`` alternating sessions per side; with ``first``, each harness
    session starts without compiled contracts, as the first session after installing."""
    wall: dict[str, list[float]] = {name: [] for name in pythons}
    cpu: dict[str, list[float]] = {name: [] for name in pythons}
    for _ in range(rounds):
        for name, python in pythons.items():
            if first and name == "harness" and drop_compiled_contracts(python) < 1:
                raise SystemExit("the previous harness session wrote no compiled contracts")
            elapsed, used = session(python, folder, replays)
            wall[name].append(elapsed)
            cpu[name].append(used)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5, help="sessions per side and size (default 5)")
    parser.add_argument("--venvs", type=Path, default=Path("/tmp/bench-cold-start"))
    parser.add_argument("--no-reinstall", action="store_true", help="keep the installed harness as it is")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(TARGETS), help="replays per session")
    parser.add_argument("--no-first", action="store_true", help="skip the first-session series")
    args = parser.parse_args()
    if not SOURCE.is_dir():
        raise SystemExit(f"{SOURCE} is missing: the benchmark replays the real recordings in place")
    pythons = build_venvs(args.venvs, reinstall=not args.no_reinstall)
    for name, python in pythons.items():
        print(f"{name}: {versions(python)}")
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        for replays in args.sizes:
            folder = Path(temporary) / f"suite_{replays}"
            write_suite(folder, replays)
            for python in pythons.values():  # warm the file cache, the .pyc files, the compiled contracts
                session(python, folder, replays)
            series = [(str(replays), False, TARGETS.get(replays, 1.0))]
            if replays == min(args.sizes) and not args.no_first:
                series.append((f"{replays}, first session after install", True, None))
            for label, first, target in series:
                wall, cpu = measure(pythons, folder, replays, args.rounds, first=first)
                for kind, figures in (("wall", wall), ("CPU", cpu)):
                    harness, vcrpy = median(figures["harness"]), median(figures["vcrpy"])
                    ratio = harness / vcrpy
                    verdict = (
                        "" if target is None else f"≤ {target:.2f}× {'met' if ratio <= target else 'NOT met'}"
                    )
                    rows.append([label, kind, f"{harness:.2f} s", f"{vcrpy:.2f} s", f"{ratio:.2f}×", verdict])
    load = os.getloadavg()[0]
    print(f"\nmedians of {args.rounds} alternating whole-process sessions (load average {load:.1f})\n")
    print(
        table(["replays", "time", "harness", "vcrpy + pytest-recording", "harness ÷ vcrpy", "target"], rows)
    )


if __name__ == "__main__":
    main()
