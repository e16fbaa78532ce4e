"""A fuzz session never hangs: --max-time ends it, SIGTERM and Ctrl-C print what it found until then,
a stalled stream is cut by the idle timeout, and a run that never settles is a finding."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fuzz_servers import MUTATIONS, broken_app, serve
from starlette.types import Receive, Scope, Send

from harness.fuzz import run_fuzz

HARNESS = Path(sys.executable).with_name("harness")


def test_max_time_stops_the_session_and_reports_what_it_found() -> None:
    with serve(broken_app(**MUTATIONS["field dropped"])) as url:
        started = time.monotonic()
        report = run_fuzz(
            url, routes=["assistants.*"], examples=10_000, seed=4, max_time=6, phases=["random"]
        )
    assert time.monotonic() - started < 40  # the budget, plus shrinking no longer than its own budget
    assert report.stopped is not None and "--max-time of 6 s" in report.stopped
    assert report.exit_code == 1
    assert any(f.kind == "missing" and f.path == "created_at" for f in report.findings)


def test_sigterm_prints_the_partial_report() -> None:
    with serve(broken_app(**MUTATIONS["field dropped"])) as url:
        arguments = ["fuzz", "--base-url", url, "--routes", "assistants.*", "--examples", "100000"]
        arguments += ["--phases", "random", "--seed", "5", "--format", "json", "--max-time", "120"]
        process = subprocess.Popen(
            [str(HARNESS), *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(6)  # mid-run: the session would take far longer than this
        assert process.poll() is None, process.communicate()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    report = json.loads(out)
    assert report["stopped"] == "interrupted by Ctrl-C or SIGTERM"
    assert report["seed"] == 5 and report["requests"] > 0
    assert any(f["kind"] == "missing" and f["path"] == "created_at" for f in report["findings"])
    assert "harness fuzz:" in err  # the progress line, on stderr


class _StalledStreams:
    """The embedded server, but creating a run answers with a stream that sends one event, then nothing."""

    def __init__(self) -> None:
        from harness.server import create_app

        self.app = create_app(seed=0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("/runs"):
            await self.app(scope, receive, send)
            return
        headers = [(b"content-type", b"text/event-stream")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        event = b'event: thread.run.created\ndata: {"id":"run_1","object":"thread.run","status":"queued"}\n\n'
        await send({"type": "http.response.body", "body": event, "more_body": True})
        await asyncio.sleep(3600)


def test_a_stalled_stream_is_cut_by_the_idle_timeout() -> None:
    with serve(_StalledStreams()) as url:
        report = run_fuzz(
            url,
            routes=["runs.create"],
            examples=2,
            seed=1,
            phases=["random"],
            timeout=1,
            max_time=60,
            shrink=False,
        )
    found = [f for f in report.findings if f.rule == "transport.complete"]
    assert found and "stalled" in found[0].message
    assert report.stopped is None


def test_a_run_that_never_settles_is_an_invariant_finding() -> None:
    def stuck(body: Any, query: str) -> Any:
        if body.get("object") == "thread.run" and body.get("status") not in ("queued", "cancelled"):
            return {**body, "status": "in_progress"}
        return body

    def unstreamed(request: bytes) -> bytes:
        """Runs are created without a stream, so that every run is followed by polling."""
        body = json.loads(request or b"{}")
        return json.dumps({key: value for key, value in body.items() if key != "stream"}).encode()

    routes = ["POST /threads/{thread_id}/runs", "GET /threads/{thread_id}/runs/{run_id}"]
    app = broken_app(when=lambda method, path: "/runs" in path, body=stuck, request=unstreamed)
    with serve(app) as url:
        report = run_fuzz(url, routes=routes, examples=10, steps=6, seed=2, phases=["stateful"], max_time=90)
    found = [f for f in report.findings if f.rule == "run.terminal"]
    assert found and found[0].kind == "invariant"
    assert "never reached a terminal status" in found[0].message and "in_progress" in found[0].message


def test_the_signal_handlers_are_restored_after_a_session() -> None:
    from harness.cli import main

    before = signal.getsignal(signal.SIGTERM)
    assert main(["fuzz", "--routes", "assistants.list", "--examples", "1", "--phases", "coverage"]) == 0
    assert signal.getsignal(signal.SIGTERM) is before
