"""A seeded fuzz session recorded into a cassette replays offline: same requests, same findings."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from harness.fuzz import FuzzReport, run_fuzz
from harness.recording import Recorder, RecorderConfig
from harness.server import serve_in_thread

ROUTES = ["threads.*", "messages.*", "runs.retrieve", "runs.cancel", "runs.submit_tool_outputs", "runs.list"]


def _session(base_url: str) -> FuzzReport:
    return run_fuzz(base_url, routes=ROUTES, examples=4, steps=8, seed=2, stateful=True)


def _facts(report: FuzzReport) -> list[tuple[object, ...]]:
    return [
        (
            finding.kind,
            finding.rule,
            finding.route,
            finding.object,
            finding.path,
            finding.file,
            finding.interaction,
        )
        for finding in report.findings
    ]


def test_a_recorded_session_replays_with_no_server(tmp_path: Path) -> None:
    cassette = tmp_path / "fuzz-session.yaml"
    with serve_in_thread(seed=0) as server:
        with Recorder(RecorderConfig(cassette, record_mode="once")) as recorder:
            recorded = _session(server.base_url)
        assert recorder.save() == cassette
        base_url = server.base_url
    # The server is gone: only the cassette can answer now.
    with Recorder(RecorderConfig(cassette, record_mode="none")) as replay:
        replayed = _session(base_url)
    assert replay.errors == []
    assert replay.cassette is not None and replay.cassette.unused == []
    assert replayed.requests == recorded.requests == len(replay.cassette.interactions)
    assert replayed.events == recorded.events > 0
    assert _facts(replayed) == _facts(recorded)
    assert [case.title for case in replayed.failures] == [case.title for case in recorded.failures] == []


def _requests_sent(tmp_path: Path, name: str, seed: int) -> list[tuple[str, str, bytes]]:
    """Record a small session and read back what it sent: method, path and query, body."""
    cassette = tmp_path / f"{name}.yaml"
    with (
        serve_in_thread(seed=0) as server,
        Recorder(RecorderConfig(cassette, record_mode="once")) as recorder,
    ):
        run_fuzz(server.base_url, routes=["POST /threads", "messages.list"], examples=6, seed=seed)
    assert recorder.cassette is not None
    sent = []
    for interaction in recorder.cassette.interactions:
        parts = urlsplit(str(interaction.request["uri"]))
        sent.append(
            (str(interaction.request["method"]), f"{parts.path}?{parts.query}", interaction.request_body)
        )
    return sent


def test_the_same_seed_sends_the_same_requests(tmp_path: Path) -> None:
    first = _requests_sent(tmp_path, "first", seed=5)
    assert len(first) > 12
    assert _requests_sent(tmp_path, "again", seed=5) == first
    assert _requests_sent(tmp_path, "other", seed=6) != first
