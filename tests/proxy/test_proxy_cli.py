"""``harness proxy`` as users run it: a process that prints where it listens and stops cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from harness.cli import main
from harness.recording._matching import request_key
from tests.stub_api import StubAPI


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["proxy", "--help"])
    text = capsys.readouterr().out
    for option in (
        "--cassette-dir",
        "--record-mode",
        "--upstream",
        "--api-key",
        "--contracts",
        "--baseline",
        "--pace",
        "--redact-header",
        "--redact-pattern",
        "--redact-json-path",
    ):
        assert option in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--upstream", "api.openai.com"], "--upstream must be an http:// or https:// URL"),
        (["--redact-pattern", "("], "cassette_redact_patterns"),
        (["--port", "70000"], "--port must be between 0 and 65535"),
    ],
)
def test_bad_options_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["proxy", *argv]) == 2
    assert message in capsys.readouterr().err


def test_the_process_records_and_saves_then_stops_on_sigterm(tmp_path: Path) -> None:
    with StubAPI() as upstream:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "proxy",
                "--port=0",
                f"--cassette-dir={tmp_path}",
                "--record-mode=once",
                f"--upstream={upstream.base_url}",
                "--contracts=off",
                "--redact-json-path=metadata.user",
                "--redact-json-path=received.metadata.user",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
            assert found, line
            url = found.group(1)
            response = httpx.post(
                f"{url}/cassettes/cli/v1/assistants",
                json={"model": "gpt-4o", "metadata": {"user": "jane@example.com"}},
                headers={"authorization": "Bearer sk-clisecret000000000000000000"},
            )
            assert response.status_code == 200
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    text = (tmp_path / "cli.yaml").read_text()
    assert "jane@example.com" not in text and "sk-clisecret" not in text
    assert not (tmp_path / "cli.yaml.lock").exists()


def test_stream_false_matches_its_absence() -> None:
    """The Python SDK's polling helpers send ``"stream": false``, the TypeScript SDK's leave it out."""

    def key(body: str) -> object:
        return request_key(
            {"method": "POST", "uri": "http://x/v1/threads/t/runs", "body": body, "headers": {}}
        )

    assert key('{"assistant_id": "a", "stream": false}') == key('{"assistant_id": "a"}')
    assert key('{"assistant_id": "a", "stream": true}') != key('{"assistant_id": "a"}')
