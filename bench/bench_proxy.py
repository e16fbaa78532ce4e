"""Replay through `harness proxy` vs the in-process recorder (the pytest plugin's core), same cassette.

Usage: python bench/bench_proxy.py [rounds]

The cassette is the TypeScript example's `streamed-run.yaml` (recorded through the proxy by the openai npm
SDK); the client is the Python SDK making the same calls: create an assistant, a thread and a message,
stream a run, list the messages. Rounds alternate between the two replayers; each round starts from a
fresh cassette (the recorder is re-entered, the proxy cassette ejected, which returns its verdict), and
contracts are checked on both sides (tolerant). The proxy runs as its own `harness proxy` process.
Reported: the median time of a whole scenario (and requests per second), and the median time from
asking for the stream to its first event.
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import httpx
import openai

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT, median, table

from harness.recording import Cassette, Recorder, RecorderConfig
from harness.verify import check_exchange

CASSETTES = ROOT / "examples" / "typescript" / "cassettes"
NAME = "streamed-run"


def scenario(client: openai.OpenAI) -> tuple[float, float]:
    """(seconds for the whole scenario, seconds from asking for the stream to its first event)."""
    started = time.perf_counter()
    assistant = client.beta.assistants.create(
        model="gpt-4o", name="Greeter", instructions="Answer in one short sentence."
    )
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread.id, role="user", content="Say hello to the team.")
    asked = time.perf_counter()
    first = 0.0
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        for _ in stream:
            if not first:
                first = time.perf_counter() - asked
    client.beta.threads.messages.list(thread.id, order="asc")
    return time.perf_counter() - started, first


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    cassette = CASSETTES / f"{NAME}.yaml"
    requests = len(Cassette(cassette).interactions)
    proxy = subprocess.Popen(
        [sys.executable, "-m", "harness", "proxy", "--port=0", f"--cassette-dir={CASSETTES}",
         "--upstream=http://127.0.0.1:9", "--contracts=tolerant"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proxy.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", proxy.stdout.readline()).group(0)  # type: ignore[union-attr]
        through_proxy = openai.OpenAI(
            base_url=f"{url}/cassettes/{NAME}/v1", api_key="sk-bench", max_retries=0
        )
        in_process = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-bench", max_retries=0)
        config = RecorderConfig(path=cassette, record_mode="none", contracts="tolerant")

        def with_proxy() -> tuple[float, float]:
            result = scenario(through_proxy)
            verdict = httpx.post(f"{url}/_harness/cassettes/{NAME}/eject").json()
            assert verdict["passed"] and not verdict["unused"], verdict
            return result

        def with_recorder() -> tuple[float, float]:
            with Recorder(config, check=check_exchange) as recorder:
                result = scenario(in_process)
            assert not recorder.failing_findings() and not recorder.errors
            return result

        with_proxy(), with_recorder()  # warm-up: imports, connections
        samples: dict[str, list[tuple[float, float]]] = {"proxy": [], "recorder": []}
        for index in range(rounds):
            order = [("proxy", with_proxy), ("recorder", with_recorder)]
            for label, run in order if index % 2 == 0 else order[::-1]:
                samples[label].append(run())
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
    whole = {label: median([s[0] for s in values]) for label, values in samples.items()}
    first = {label: median([s[1] for s in values]) for label, values in samples.items()}
    print(
        f"python {platform.python_version()}, openai {version('openai')}, httpx {version('httpx')}, "
        f"uvicorn {version('uvicorn')}; {rounds} rounds, {requests} requests per scenario"
    )
    rows = []
    for label, name in (("recorder", "in-process recorder (plugin)"), ("proxy", "harness proxy (HTTP)")):
        rows.append(
            [
                name,
                f"{whole[label] * 1000:.1f} ms",
                f"{requests / whole[label]:.0f}",
                f"{first[label] * 1000:.2f} ms",
                f"{whole[label] / whole['recorder']:.2f}×",
            ]
        )
    print(table(["replayer", "scenario (median)", "requests/s", "first event (median)", "vs recorder"], rows))


if __name__ == "__main__":
    main()
