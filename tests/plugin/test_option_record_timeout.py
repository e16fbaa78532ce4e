"""--record-timeout / ini record_timeout / @pytest.mark.cassette(record_timeout=...)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from tests.plugin.conftest import run_pytest

SLOW = """
import pytest

@pytest.mark.cassette(record_timeout=0.5)
def test_marker(openai_client):
    openai_client.beta.assistants.retrieve("asst_marker")

def test_ini(openai_client):
    openai_client.beta.assistants.retrieve("asst_ini")
"""


@pytest.fixture
def silent_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[socket.socket]]:
    """A 127.0.0.1 server that accepts connections and never answers, as OPENAI_BASE_URL."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{listener.getsockname()[1]}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-plugin-test-key-000000000000")
    yield accepted
    listener.close()
    for connection in accepted:
        connection.close()


def test_recording_from_a_silent_server_fails_after_the_marker_and_ini_timeouts_naming_the_request(
    pytester: pytest.Pytester, silent_server: list[socket.socket]
) -> None:
    pytester.makepyfile(test_slow=SLOW)
    pytester.makeini("[pytest]\nrecord_timeout = 0.5\n")
    result = run_pytest(pytester, "--record-mode=once")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*RecordTimeoutError: no answer from 127.0.0.1:* for 0.5 s while recording "
            "GET /v1/assistants/asst_marker into cassette *test_marker.yaml*",
            "*RecordTimeoutError: no answer from 127.0.0.1:* for 0.5 s while recording "
            "GET /v1/assistants/asst_ini into cassette *test_ini.yaml*",
        ]
    )
    assert len(silent_server) == 2, "the SDK's retries of a timed-out request were sent again"


def test_the_command_line_wins_over_the_marker(
    pytester: pytest.Pytester, silent_server: list[socket.socket]
) -> None:
    pytester.makepyfile(test_slow=SLOW)
    result = run_pytest(pytester, "--record-mode=once", "--record-timeout=0.2", "-k", "marker")
    result.assert_outcomes(failed=1, deselected=1)
    result.stdout.fnmatch_lines(["*for 0.2 s while recording GET /v1/assistants/asst_marker*"])


@pytest.mark.parametrize("value", ["soon", "0"])
def test_a_bad_record_timeout_is_a_usage_error(pytester: pytest.Pytester, value: str) -> None:
    pytester.makepyfile(test_slow=SLOW)
    result = run_pytest(pytester, f"--record-timeout={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--record-timeout must be a positive number of seconds*"])
