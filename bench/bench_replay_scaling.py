"""Replay cost per interaction as the cassette grows: the harness vs plain vcrpy.

Usage: python bench/bench_replay_scaling.py [--rounds N] [--sample N]

Cassettes of 10, 1 000 and 10 000 distinct GET interactions are written once; then a sample of their
requests is replayed through an httpx2 client (the transport openai 3.x uses) and the cost per request
is reported. The harness keys its lookups; vcrpy scans every interaction for each request. Each side
loads and replays every cassette the same number of times (rounds, in alternating order); medians are
reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import vcr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, print_versions, table

from harness._yaml import dump_yaml
from harness.recording import Recorder, RecorderConfig

SIZES = (10, 1_000, 10_000)
SAMPLE = 200
ROUNDS = 3


def write_cassette(path: Path, size: int) -> None:
    interactions = []
    for number in range(size):
        body = json.dumps({"id": f"asst_{number:06d}", "object": "assistant"}, indent=2)
        interactions.append(
            {
                "request": {
                    "body": None,
                    "headers": {"accept": ["application/json"]},
                    "method": "GET",
                    "uri": f"https://api.openai.com/v1/assistants/asst_{number:06d}",
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"content-type": ["application/json"]},
                    "body": {"string": body},
                },
            }
        )
    path.write_text(dump_yaml({"interactions": interactions, "version": 1}))


def replay_cost(size: int, numbers: list[int], enter: object) -> tuple[float, float]:
    """(seconds to load the cassette, seconds per replayed request)."""
    with httpx2.Client() as http:  # built outside the timing: it loads TLS certificates
        started = time.perf_counter()
        with enter:  # type: ignore[attr-defined]
            loaded = time.perf_counter()
            for number in numbers:
                assert http.get(f"https://api.openai.com/v1/assistants/asst_{number:06d}").status_code == 200
            finished = time.perf_counter()
    return loaded - started, (finished - loaded) / len(numbers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help="loads and replays of each cassette, per side"
    )
    parser.add_argument("--sample", type=int, default=SAMPLE, help="requests replayed per load")
    args = parser.parse_args()
    print_versions("httpx2", "vcrpy")
    folder = Path(tempfile.mkdtemp())
    rows = []
    warm = folder / "warm.yaml"
    write_cassette(warm, 3)
    replay_cost(3, [0, 1, 2], Recorder(RecorderConfig(path=warm, contracts="off")))
    replay_cost(3, [0, 1, 2], vcr.use_cassette(str(warm), record_mode="none"))
    for size in SIZES:
        path = folder / f"c{size}.yaml"
        write_cassette(path, size)
        step = max(size // args.sample, 1)
        numbers = list(range(0, size, step))[: args.sample]
        config = RecorderConfig(path=path, record_mode="none", contracts="off", unused="ignore")
        harness: list[tuple[float, float]] = []
        vcrpy: list[tuple[float, float]] = []
        for round_number in range(args.rounds):
            order = ["harness", "vcrpy"] if round_number % 2 == 0 else ["vcrpy", "harness"]
            for side in order:
                if side == "harness":
                    harness.append(replay_cost(size, numbers, Recorder(config)))
                else:
                    cassette = vcr.use_cassette(str(path), record_mode="none")
                    vcrpy.append(replay_cost(size, numbers, cassette))
        h_load, h_each = (median([sample[i] for sample in harness]) for i in (0, 1))
        v_load, v_each = (median([sample[i] for sample in vcrpy]) for i in (0, 1))
        rows.append(
            [
                f"{size:,}",
                f"{h_each * 1e6:.0f} µs",
                f"{v_each * 1e6:.0f} µs",
                f"{v_each / h_each:.1f}×",
                f"{h_load:.2f} s",
                f"{v_load:.2f} s",
            ]
        )
    print(f"medians of {args.rounds} rounds per side, {args.sample} requests replayed per round")
    print(
        table(
            [
                "interactions",
                "harness / request",
                "vcrpy / request",
                "vcrpy ÷ harness",
                "harness load",
                "vcrpy load",
            ],
            rows,
        )
    )


if __name__ == "__main__":
    main()
