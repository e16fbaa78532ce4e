"""Replaying a real create_and_poll recording: the harness vs plain vcrpy, same SDK calls.

Usage: python bench/bench_replay_polling.py [--repeat N]   (needs ../shared/real-cassettes)

Both replayers run the scenario the same number of times (default 3); medians are reported.

The recording (`test_new_assistant_with_polling`) holds 17 polls of one run and no poll-after header,
so the SDK waits its default second between polls unless the replayer says otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import openai
import vcr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REAL_CASSETTES, median, print_versions, table, timed

from harness.recording import Recorder, RecorderConfig

NAME = (
    "traceloop__openllmetry/packages__opentelemetry-instrumentation-openai__tests__traces__cassettes__"
    "test_assistant__test_new_assistant_with_polling.yaml"
)


def scenario() -> str:
    sdk = openai.OpenAI(api_key="replay", base_url="https://api.openai.com/v1")
    assistant = sdk.beta.assistants.create(
        name="Math Tutor",
        instructions="You are a personal math tutor. Write and run code to answer math questions.",
        tools=[{"type": "code_interpreter"}],
        model="gpt-4o-mini",
    )
    thread = sdk.beta.threads.create()
    sdk.beta.threads.messages.create(
        thread.id, role="user", content="I need to solve the equation `3x + 11 = 14`. Can you help me?"
    )
    run = sdk.beta.threads.runs.create_and_poll(
        thread_id=thread.id,
        assistant_id=assistant.id,
        instructions="Please address the user as Jane Doe. The user has a premium account.",
    )
    sdk.beta.threads.messages.list(thread_id=thread.id, order="asc")
    sdk.beta.assistants.retrieve(assistant.id)
    return run.status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each replayer; medians are reported")
    args = parser.parse_args()
    print_versions("openai", "httpx", "httpx2", "vcrpy")
    source = REAL_CASSETTES / NAME
    if not source.is_file():
        print("../shared/real-cassettes is absent: nothing to measure")
        return
    folder = Path(tempfile.mkdtemp())
    copy = folder / "polling.yaml"
    shutil.copyfile(source, copy)

    def harness() -> None:
        with Recorder(RecorderConfig(path=copy, record_mode="none", contracts="off")):
            assert scenario() == "completed"

    def plain_vcrpy() -> None:
        with vcr.use_cassette(str(copy), record_mode="none"):
            assert scenario() == "completed"

    harness_times = timed(harness, repeat=args.repeat)
    vcrpy_times = timed(plain_vcrpy, repeat=args.repeat)
    h, v = median(harness_times), median(vcrpy_times)
    print(f"{args.repeat} runs of each replayer")
    print(
        table(
            ["replayer", "median seconds", "vs harness"],
            [["harness", f"{h:.3f}", "1.0×"], ["plain vcrpy", f"{v:.3f}", f"{v / h:.0f}× slower"]],
        )
    )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
