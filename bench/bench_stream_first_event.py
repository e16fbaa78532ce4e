"""Recording a streamed run: how long until the caller sees the first event.

Usage: python bench/bench_stream_first_event.py [--rounds N]

A local server sends a run stream of 20 events, one every 50 ms. The caller iterates the SDK stream
(`runs.create(stream=True)`); we time the first event and the whole stream, live (no recorder), while
the harness records, and while plain vcrpy records.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import openai
import vcr

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from _common import median, print_versions, table

from harness.recording import Recorder, RecorderConfig
from tests.stub_api import StubAPI

ROUNDS = 30


def consume(base_url: str) -> tuple[float, float]:
    sdk = openai.OpenAI(base_url=base_url, api_key="sk-bench", max_retries=0)
    started = time.perf_counter()
    first = 0.0
    stream = sdk.beta.threads.runs.create(
        thread_id="thread_1", assistant_id="asst_1", stream=True, metadata={"deltas": "16"}
    )
    for index, _event in enumerate(stream):
        if index == 0:
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    sdk.close()
    return first, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds; each runs all three once")
    args = parser.parse_args()
    print_versions("openai", "httpx", "httpx2", "vcrpy")
    folder = Path(tempfile.mkdtemp())
    results: dict[str, list[tuple[float, float]]] = {"live": [], "harness": [], "plain vcrpy": []}
    with StubAPI(event_pause=0.05) as stub:
        consume(stub.base_url)  # warm up imports and the connection pool
        for round_number in range(args.rounds):
            order = ["live", "harness", "plain vcrpy"]
            shift = round_number % len(order)  # rotate, so no recorder always runs after another
            for name in order[shift:] + order[:shift]:
                if name == "live":
                    results[name].append(consume(stub.base_url))
                elif name == "harness":
                    path = folder / f"harness-{round_number}.yaml"
                    with Recorder(RecorderConfig(path=path, record_mode="all", contracts="off")):
                        results[name].append(consume(stub.base_url))
                else:
                    with vcr.use_cassette(str(folder / f"vcrpy-{round_number}.yaml"), record_mode="all"):
                        results[name].append(consume(stub.base_url))
    live_first = median([first for first, _ in results["live"]])
    rows = []
    for name, samples in results.items():
        first = median([f for f, _ in samples])
        total = median([t for _, t in samples])
        rows.append([name, f"{first * 1000:.1f} ms", f"{total * 1000:.0f} ms", f"{first / live_first:.2f}×"])
    print(f"medians of {args.rounds} rounds, each side once per round in rotating order")
    print(table(["while", "first event", "whole stream", "first event vs live"], rows))


if __name__ == "__main__":
    main()
