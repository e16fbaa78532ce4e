"""Replay cost per interaction as the cassette grows: the harness vs plain vcrpy.

Usage: python bench/bench_replay_scaling.py

Cassettes of 10, 1 000 and 10 000 distinct GET interactions are written once; then a sample of their
requests is replayed through an httpx2 client (the transport openai 3.x uses) and the cost per request
is reported. The harness keys its lookups; vcrpy scans every interaction for each request.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import httpx2
import vcr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import table

from harness._yaml import dump_yaml
from harness.recording import Recorder, RecorderConfig

SIZES = (10, 1_000, 10_000)
SAMPLE = 200


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
    folder = Path(tempfile.mkdtemp())
    rows = []
    warm = folder / "warm.yaml"
    write_cassette(warm, 3)
    replay_cost(3, [0, 1, 2], Recorder(RecorderConfig(path=warm, contracts="off")))
    replay_cost(3, [0, 1, 2], vcr.use_cassette(str(warm), record_mode="none"))
    for size in SIZES:
        path = folder / f"c{size}.yaml"
        write_cassette(path, size)
        step = max(size // SAMPLE, 1)
        numbers = list(range(0, size, step))[:SAMPLE]
        config = RecorderConfig(path=path, record_mode="none", contracts="off", unused="ignore")
        h_load, h_each = replay_cost(size, numbers, Recorder(config))
        v_load, v_each = replay_cost(size, numbers, vcr.use_cassette(str(path), record_mode="none"))
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
