"""A suite written for pytest-recording runs unchanged through the harness.

The suite below is what a pytest-recording user writes: ``@pytest.mark.vcr`` with and without extra
cassettes, a test class, ``vcr_config`` in a conftest, ``@pytest.mark.default_cassette``,
``@pytest.mark.block_network``. Its cassettes are recorded by plain vcrpy (through pytest-recording
itself, ``-p no:harness_vcr``) against the embedded server behind a gzip-compressing proxy on
127.0.0.1, so the stored bodies are gzip ``!!binary``. The same suite then replays through the harness
with pytest-recording present and with it absent (``-p no:recording``), and through pytest-recording
again as a control.
"""

from __future__ import annotations

import gzip
import http.client
import os
import shutil
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from typing import Any
from urllib.parse import urlsplit

import pytest

from harness.server import serve_in_thread

# pytest-recording is a test dependency (the control, and the "both installed" case). It is not imported
# here: importing it registers vcr.matchers for assertion rewriting, which warns once vcr is loaded.

CONFTEST = """
import pytest


@pytest.fixture(autouse=True)
def _fake_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-suite0000000000000000000000")


@pytest.fixture(scope="module")
def vcr_config():
    return {
        "filter_headers": ["authorization", "x-request-id"],
        "filter_query_parameters": ["api_key"],
        "ignore_hosts": ["tiktoken.invalid"],
        "decode_compressed_response": False,
    }


@pytest.fixture
def client():
    import openai

    return openai.OpenAI()
"""

SUITE = """
import urllib.request

import pytest

FAR_AWAY = "http://10.255.255.1/"


def _assistant(client):
    return client.beta.assistants.create(model="gpt-4o", name="Suite")


@pytest.mark.vcr
def test_assistant(client, vcr):
    assistant = _assistant(client)
    assert client.beta.assistants.retrieve(assistant.id).name == "Suite"
    assert len(vcr) == 2
    assert vcr.play_count == (2 if vcr.write_protected else 0)


@pytest.mark.vcr("shared.yaml")
def test_extra_cassette_is_read(client):
    assert _assistant(client).name == "Suite"


@pytest.mark.vcr
@pytest.mark.default_cassette("test_assistant.yaml")
def test_default_cassette(client):
    assert _assistant(client).model == "gpt-4o"


class TestRuns:
    @pytest.mark.vcr
    def test_poll(self, client):
        assistant = _assistant(client)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
        run = client.beta.threads.runs.poll(run.id, thread_id=thread.id)
        assert run.status == "completed"

    @pytest.mark.vcr
    def test_stream(self, client):
        assistant = _assistant(client)
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        stream = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, stream=True)
        assert [event.event for event in stream][-1] == "thread.run.completed"


@pytest.mark.block_network
def test_network_is_blocked():
    with pytest.raises(RuntimeError, match="Network is disabled"):
        urllib.request.urlopen(FAR_AWAY, timeout=2)


@pytest.mark.block_network(allowed_hosts=["10.255.255.1"])
def test_allowed_host_is_not_blocked():
    with pytest.raises(OSError):
        urllib.request.urlopen(FAR_AWAY, timeout=0.2)
"""

POLL_WAIT_MS = "30000"
"""Put in the recorded poll responses' ``openai-poll-after-ms``: a replay that slept would time out."""


class GzipProxy:
    """Forwards to ``upstream`` and gzips JSON answers for clients that accept it, as the real API does."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> GzipProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        upstream = self.upstream

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return None

            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(upstream.hostname or "", upstream.port, timeout=10)
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("host", "accept-encoding")
                }
                connection.request(self.command, self.path, body=body, headers=headers)
                answer = connection.getresponse()
                payload = answer.read()
                kind = answer.getheader("content-type") or ""
                compress = "json" in kind and "gzip" in (self.headers.get("accept-encoding") or "")
                if compress:
                    payload = gzip.compress(payload)
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "date"):
                        self.send_header(name, value)
                if compress:
                    self.send_header("content-encoding", "gzip")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                connection.close()

            do_GET = do_POST = do_DELETE = _forward

        return Handler


@pytest.fixture(scope="module")
def recorded_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The suite with its cassettes, recorded once by pytest-recording (plain vcrpy).

    ``OPENAI_BASE_URL`` keeps pointing at the proxy's (then closed) port when the suite replays:
    vcrpy matches on the host.
    """
    project = tmp_path_factory.mktemp("vcr_suite")
    (project / "conftest.py").write_text(CONFTEST)
    (project / "test_assistants.py").write_text(SUITE)
    with serve_in_thread(poll_after_ms=5) as server, GzipProxy(server.base_url) as proxy:
        environment = {**os.environ, "OPENAI_BASE_URL": proxy.base_url}
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:harness_vcr",
            "--record-mode=once",
            "-p",
            "no:cacheprovider",
        ]
        recorded = subprocess.run(
            command, cwd=project, env=environment, capture_output=True, text=True, timeout=120
        )
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    (project / "base_url").write_text(proxy.base_url)
    folder = project / "cassettes" / "test_assistants"
    # The extra cassette holds what test_extra_cassette_is_read needs; its own cassette goes away.
    (folder / "test_extra_cassette_is_read.yaml").rename(folder / "shared.yaml")
    poll = folder / "TestRuns.test_poll.yaml"
    waits = "openai-poll-after-ms:\n      - '{}'"
    poll.write_text(poll.read_text().replace(waits.format(5), waits.format(POLL_WAIT_MS)))
    return project


@pytest.fixture
def recorded_suite(
    pytester: pytest.Pytester, recorded_project: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the recorded suite in the pytester folder; returns its cassette folder."""
    shutil.copytree(recorded_project, pytester.path, dirs_exist_ok=True)
    monkeypatch.setenv("OPENAI_BASE_URL", (recorded_project / "base_url").read_text())
    return pytester.path / "cassettes" / "test_assistants"


def test_cassettes_are_plain_vcrpy_with_gzip_bodies_and_unscrubbed_headers(recorded_suite: Path) -> None:
    text = (recorded_suite / "test_assistant.yaml").read_text()
    assert "!!binary" in text and "gzip" in text
    assert "authorization" not in text.lower()  # vcr_config's filter_headers, applied by vcrpy
    assert POLL_WAIT_MS in (recorded_suite / "TestRuns.test_poll.yaml").read_text()


@pytest.mark.parametrize(
    "switch",
    [
        pytest.param((), id="pytest-recording-present"),
        pytest.param(("-p", "no:recording"), id="pytest-recording-absent"),
    ],
)
def test_the_suite_replays_unchanged_through_the_harness(
    pytester: pytest.Pytester, recorded_suite: Path, switch: tuple[str, ...]
) -> None:
    result = pytester.runpytest_subprocess(*switch, "-p", "no:cacheprovider", "-v", timeout=90)
    result.assert_outcomes(passed=7)
    result.stdout.fnmatch_lines(
        ["harness: @pytest.mark.vcr replays through assistants-harness*-p no:harness_vcr*"]
    )
    assert not (recorded_suite / "test_extra_cassette_is_read.yaml").exists()


def test_the_migration_pages_commands_work_as_written(
    pytester: pytest.Pytester, recorded_suite: Path
) -> None:
    """docs/migrating-from-pytest-recording.md: ``pytest``, then ``harness verify tests/`` (here the
    project's root). ``pip install assistants-harness`` is what bench/bench_cold_start.py does."""
    page = (Path(__file__).parents[2] / "docs" / "migrating-from-pytest-recording.md").read_text()
    assert (
        "$ pip install assistants-harness" in page
        and "$ pytest " in page
        and "$ harness verify tests/" in page
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=90).assert_outcomes(passed=7)
    verified = subprocess.run(
        [sys.executable, "-m", "harness", "verify", str(pytester.path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "4 files, 11 interactions" in verified.stdout and "0 violations" in verified.stdout


def test_the_same_suite_passes_under_pytest_recording_itself(
    pytester: pytest.Pytester, recorded_suite: Path
) -> None:
    result = pytester.runpytest_subprocess("-p", "no:harness_vcr", "-p", "no:cacheprovider", "-k", "not poll")
    result.assert_outcomes(passed=6, deselected=1)
    result.stdout.fnmatch_lines(["harness: @pytest.mark.vcr is handled by pytest-recording*"])
