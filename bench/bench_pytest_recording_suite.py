"""Whole-process time of a pytest-recording style suite driving the openai SDK: harness vs pytest-recording.

A downstream suite is generated in a temporary folder, written the way a pytest-recording user writes
it: a conftest with ``vcr_cassette_dir`` (the real recordings in
``../shared/real-cassettes/traceloop__openllmetry``, read in place) and ``vcr_config``
(``filter_headers: ["authorization"]``), and one ``@pytest.mark.vcr`` test per recording, named by
``@pytest.mark.default_cassette``, that makes with ``openai.OpenAI(api_key="sk-test")`` the SDK calls
that made the recording (``../shared/real-cassettes/MANIFEST.md``): ``beta.assistants.create``,
``beta.threads.create``, ``messages.create``, then ``runs.create_and_poll`` (the polling recording),
``runs.create`` and a ``runs.retrieve`` loop (the two manual loops) or ``runs.create_and_stream`` and
``until_done()`` (the two streamed runs), ``messages.list(order="asc")``, and the
``assistants.retrieve`` that OpenLLMetry's instrumentation issued, so each test sends the recorded HTTP
sequence. The calls and their arguments are read from each cassette's requests when the suite is
written; ids come back from the replayed answers, except the pre-existing assistant's.

Five of the eight recordings are used. Skipped: the two Assistants v1 recordings of 2024
(``test_assistant``, ``test_streaming_assistant``: the current SDK speaks v2 only) and the LlamaIndex
agent (``test_agent_with_query_tool``: its requests come from LlamaIndex's agent loop, chat completions
included, not from calls a test makes).

``create_and_poll`` waits between polls (a second, as the recording has no ``openai-poll-after-ms``
header): pytest-recording replays those waits, the harness skips them. That is the difference this
benchmark shows; the rest of the session is what ``bench_cold_start.py`` measures.

The suite runs in the two virtual environments of ``bench_cold_start.py`` (built under ``--venvs``
when missing, neither with Hypothesis): ``harness`` (``pip install`` this checkout; ``vcr`` markers
replay through the harness, contracts and grammar on) and ``vcrpy`` (``pip install pytest vcrpy
pytest-recording openai httpx``). Every session must pass every test, or the benchmark stops with its
output. Sessions alternate (harness, vcrpy, ...); the figures are medians of the wall and CPU time of
the whole ``python -m pytest`` process, for the suite once (5 tests) and with each test parametrized
``--repeat`` times. The suite's ``pytest.ini`` silences the SDK's Assistants ``DeprecationWarning``
(the filter the harness plugin sets itself) and writes a JUnit report (``junit_duration_report =
call``), from which the median call time of the polling test is read on each side.

    python bench/bench_pytest_recording_suite.py [--rounds 3] [--repeat 3] [--venvs /tmp/bench-cold-start]

Each vcrpy session waits about 18 s per polling test: ``--repeat 25`` takes some 8 minutes per session.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, table
from bench_cold_start import SOURCE, build_venvs, session, versions

CONFTEST = """
import openai
import pytest


@pytest.fixture(scope="module")
def vcr_cassette_dir():
    return {folder!r}


@pytest.fixture(scope="module")
def vcr_config():
    return {{"filter_headers": ["authorization"]}}


@pytest.fixture
def client():
    return openai.OpenAI(api_key="sk-test")
"""

TEST_HEADER = """
import openai
import pytest


class TextCollector(openai.AssistantEventHandler):
    def __init__(self):
        super().__init__()
        self.text = []

    def on_text_delta(self, delta, snapshot):
        self.text.append(delta.value or "")
"""

TEST = """

@pytest.mark.vcr
@pytest.mark.default_cassette({cassette!r})
{parametrize}def {name}({parameters}):
{body}
"""

PYTEST_INI = """[pytest]
addopts = --junitxml=report.xml
junit_duration_report = call
filterwarnings =
    ignore:(deprecated|The Assistants API is deprecated in favor of the Responses API)$:DeprecationWarning
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: tuple[str, ...]  # the URL path split on "/", without the leading "v1"
    query: str
    body: dict[str, Any]
    headers: dict[str, str]  # lower-cased names, first values


@dataclass(frozen=True)
class Case:
    """One test of the suite: the recording it replays and the lines of its body."""

    cassette: str
    name: str
    lines: list[str]
    polls_with_helper: bool


def _requests(path: Path) -> list[Request]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    requests = []
    for interaction in document["interactions"]:
        recorded = interaction["request"]
        url = urlsplit(recorded["uri"])
        body = recorded.get("body") or "{}"
        headers = {
            key.lower(): value[0] if isinstance(value, list) else value
            for key, value in recorded["headers"].items()
        }
        requests.append(
            Request(recorded["method"], tuple(url.path.split("/")[2:]), url.query, json.loads(body), headers)
        )
    return requests


def _arguments(values: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value!r}" for key, value in values.items())


def _run_arguments(request: Request, assistant: str | None) -> str:
    """``runs.create`` keywords from the recorded body (``stream`` is the helper's to send)."""
    values = {key: value for key, value in request.body.items() if key not in ("assistant_id", "stream")}
    reference = assistant or repr(request.body["assistant_id"])
    return f"thread_id=thread.id, assistant_id={reference}" + (f", {_arguments(values)}" if values else "")


def _case(path: Path) -> Case | str:
    """The test that sends the recording's requests through the SDK, or why the SDK cannot."""
    requests = _requests(path)
    if "llamaindex" in path.name:
        return "its requests come from LlamaIndex's agent loop, not from SDK calls in a test"
    if any(request.headers.get("openai-beta") == "assistants=v1" for request in requests):
        return "Assistants v1 traffic; the current SDK speaks v2 only"
    lines: list[str] = []
    assistant: str | None = None  # the expression of a created assistant's id
    helper = False
    index = 0
    while index < len(requests):
        request = requests[index]
        index += 1
        match request.method, request.path:
            case "POST", ("assistants",):
                lines.append(f"assistant = client.beta.assistants.create({_arguments(request.body)})")
                assistant = "assistant.id"
            case "GET", ("assistants", identifier):
                # issued by OpenLLMetry's instrumentation in the recording; the test sends it itself
                lines.append(f"client.beta.assistants.retrieve({assistant or repr(identifier)})")
            case "POST", ("threads",):
                lines.append("thread = client.beta.threads.create()")
            case "POST", ("threads", _, "messages"):
                lines.append(f"client.beta.threads.messages.create(thread.id, {_arguments(request.body)})")
            case "GET", ("threads", _, "messages") if request.query == "order=asc":
                lines.append('messages = client.beta.threads.messages.list(thread_id=thread.id, order="asc")')
                lines.append("assert messages.data")
            case "POST", ("threads", _, "runs"):
                arguments = _run_arguments(request, assistant)
                polls = []
                while (
                    index < len(requests)
                    and requests[index].method == "GET"
                    and requests[index].path[-2:-1] == ("runs",)
                ):
                    polls.append(requests[index])
                    index += 1
                if request.body.get("stream"):
                    lines.append("handler = TextCollector()")
                    lines.append(
                        f"with client.beta.threads.runs.create_and_stream({arguments}, event_handler=handler)"
                        " as stream:"
                    )
                    lines.append("    stream.until_done()")
                    lines.append("assert handler.text")
                elif polls and all("x-stainless-poll-helper" in poll.headers for poll in polls):
                    helper = True
                    lines.append(f"run = client.beta.threads.runs.create_and_poll({arguments})")
                    lines.append('assert run.status == "completed"')
                elif polls:
                    lines.append(f"run = client.beta.threads.runs.create({arguments})")
                    lines.append('while run.status in ("queued", "in_progress"):')
                    lines.append("    run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)")
                    lines.append('assert run.status == "completed"')
                else:
                    return "a run that is neither streamed nor polled"
            case _:
                return f"no SDK call written for {request.method} /{'/'.join(request.path)}"
    return Case(path.name, path.stem.rsplit("__", 1)[-1], lines, helper)


def cases() -> tuple[list[Case], dict[str, str]]:
    """The tests the SDK can drive, and the recordings skipped with the reason."""
    found, skipped = [], {}
    for path in sorted(SOURCE.glob("*.yaml")):
        case = _case(path)
        if isinstance(case, str):
            skipped[path.name] = case
        else:
            found.append(case)
    if len({case.name for case in found}) != len(found):
        raise SystemExit(f"two recordings of {SOURCE} give the same test name")
    return found, skipped


def write_suite(folder: Path, suite: list[Case], repeat: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conftest.py").write_text(CONFTEST.format(folder=str(SOURCE)))
    (folder / "pytest.ini").write_text(PYTEST_INI)
    parametrize = f'@pytest.mark.parametrize("copy", range({repeat}))\n' if repeat > 1 else ""
    source = TEST_HEADER
    for case in suite:
        source += TEST.format(
            cassette=case.cassette,
            parametrize=parametrize,
            name=case.name,
            parameters="client, copy" if repeat > 1 else "client",
            body="\n".join(f"    {line}" for line in case.lines),
        )
    (folder / "test_assistants.py").write_text(source)


def call_times(folder: Path, names: set[str]) -> list[float]:
    """Call durations of the tests named ``names`` (parametrized or not) in the session's JUnit report."""
    report = ElementTree.parse(folder / "report.xml")
    return [
        float(testcase.get("time", "nan"))
        for testcase in report.iter("testcase")
        if testcase.get("name", "").split("[")[0] in names
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="sessions per side and size (default 3)")
    parser.add_argument("--repeat", type=int, default=3, help="copies of each test in the large suite")
    parser.add_argument("--venvs", type=Path, default=Path("/tmp/bench-cold-start"))
    parser.add_argument("--no-reinstall", action="store_true", help="keep the installed harness as it is")
    args = parser.parse_args()
    if not SOURCE.is_dir():
        raise SystemExit(f"{SOURCE} is missing: the benchmark replays the real recordings in place")
    suite, skipped = cases()
    polling = {case.name for case in suite if case.polls_with_helper}
    print(f"{len(suite)} tests: {', '.join(case.name for case in suite)}")
    for name, reason in skipped.items():
        print(f"skipped {Path(name).stem.rsplit('__', 1)[-1]}: {reason}")
    pythons = build_venvs(args.venvs, reinstall=not args.no_reinstall)
    for name, python in pythons.items():
        found = subprocess.run(
            [str(python), "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            check=True,
        )
        print(f"{name}: python {found.stdout.strip()}, {versions(python)}")
    rows = []
    durations: dict[str, list[float]] = {name: [] for name in pythons}
    with tempfile.TemporaryDirectory() as temporary:
        for repeat in (1, args.repeat):
            tests = len(suite) * repeat
            folder = Path(temporary) / f"suite_{repeat}"
            write_suite(folder, suite, repeat)
            # Warm the file cache and the .pyc files: both sides once on the first suite; on the next
            # one the harness side alone writes the rewritten test module's .pyc, which the vcrpy side
            # shares (same interpreter and pytest), so its half-minute sessions are not doubled.
            for name, python in pythons.items():
                if repeat == 1 or name == "harness":
                    session(python, folder, tests)
            wall: dict[str, list[float]] = {name: [] for name in pythons}
            cpu: dict[str, list[float]] = {name: [] for name in pythons}
            for _ in range(args.rounds):
                for name, python in pythons.items():
                    elapsed, used = session(python, folder, tests)
                    wall[name].append(elapsed)
                    cpu[name].append(used)
                    durations[name].extend(call_times(folder, polling))
            for label, figures in (("wall", wall), ("CPU", cpu)):
                harness, vcrpy = median(figures["harness"]), median(figures["vcrpy"])
                rows.append(
                    [str(tests), label, f"{harness:.2f} s", f"{vcrpy:.2f} s", f"{vcrpy / harness:.1f}×"]
                )
    load = os.getloadavg()[0]
    print(f"\nmedians of {args.rounds} alternating whole-process sessions (load average {load:.1f})\n")
    print(table(["tests", "time", "harness", "pytest-recording", "pytest-recording ÷ harness"], rows))
    print(f"\ncall time of the create_and_poll test ({', '.join(sorted(polling))}), median of every run\n")
    print(
        table(
            ["side", "runs", "median call"],
            [
                ["harness", str(len(durations["harness"])), f"{median(durations['harness']):.3f} s"],
                ["pytest-recording", str(len(durations["vcrpy"])), f"{median(durations['vcrpy']):.3f} s"],
            ],
        )
    )


if __name__ == "__main__":
    main()
