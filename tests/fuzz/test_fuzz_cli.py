"""``harness fuzz`` as users run it: formats, exit codes, usage errors, the reproduction."""

from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fuzz_servers import broken_app, serve

from harness.cli import main
from harness.server import serve_in_thread

CLEAN = ["--routes", "POST /threads,messages.list", "--examples", "5", "--seed", "3"]


def _no_created_at(body: Any, query: str) -> Any:
    body.pop("created_at", None)
    return body


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["fuzz", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--base-url", "--api-key", "--routes", "--examples", "--seed", "--stateful", "--format"):
        assert option in text


def test_an_unreachable_server_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    assert main(["fuzz", "--base-url", url, "--examples", "1"]) == 2
    error = capsys.readouterr().err
    assert url in error and "harness serve" in error and "--base-url" in error


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--routes", "POST /nowhere"], "matches no route"),
        (["--examples", "0"], "at least 1"),
        (["--workers", "0"], "at least 1"),
        (["--phases", "coverage,everything"], "unknown phases ['everything']"),
        (["--max-time", "0"], "must be positive"),
        (["--output", "/no/such/folder/report.json"], "does not exist"),
    ],
)
def test_bad_options_are_usage_errors(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fuzz", *arguments]) == 2
    assert message in capsys.readouterr().err


def test_a_refused_key_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with serve_in_thread(api_key="sk-right") as server:
        assert main(["fuzz", "--base-url", server.base_url, "--api-key", "sk-wrong", *CLEAN]) == 2
        assert "--api-key" in capsys.readouterr().err
        assert main(["fuzz", "--base-url", server.base_url, "--api-key", "sk-right", *CLEAN]) == 0


def test_json_report_of_a_clean_session(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fuzz", *CLEAN, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["exit_code"] == 0 and report["failures"] == [] and report["seed"] == 3
    assert report["base_url"] == "embedded"
    assert report["routes"] == ["POST /threads", "GET /threads/{thread_id}/messages"]
    assert report["sources"] == [
        "coverage POST /threads",
        "coverage GET /threads/{thread_id}/messages",
        "examples POST /threads",
        "examples GET /threads/{thread_id}/messages",
    ]
    assert report["files"] == 4
    assert report["phases"] == ["coverage", "random"] and report["stopped"] is None
    for route in report["routes"]:
        covered = report["coverage"][route]
        assert covered["covered"] == covered["rules"] > 0
    assert report["interactions"] == report["requests"] > 10
    assert all(finding["severity"] == "drift" for finding in report["findings"])


def test_text_report_shows_the_shortest_reproduction(capsys: pytest.CaptureFixture[str]) -> None:
    app = broken_app(when=lambda method, path: path.startswith("/v1/assistants"), body=_no_created_at)
    with serve(app) as url:
        code = main(
            ["fuzz", "--base-url", url, "--routes", "assistants.create", "--examples", "5", "--seed", "9"]
        )
    text = capsys.readouterr().out
    assert code == 1
    assert "Assistant" in text and "created_at" in text and "missing" in text
    assert "shortest reproduction (1 request):" in text
    assert '0. POST /assistants {"model":"gpt-4o"} -> 200' in text
    assert (
        f"reproduce with: harness fuzz --base-url {url} --seed 9 --examples 5 --routes assistants.create"
        in text
    )
    assert text.rstrip().endswith("FAILED")


def test_junit_report_of_findings(tmp_path: Path) -> None:
    app = broken_app(when=lambda method, path: path.startswith("/v1/assistants"), body=_no_created_at)
    output = tmp_path / "fuzz.xml"
    with serve(app) as url:
        arguments = ["--base-url", url, "--routes", "assistants.create", "--examples", "5", "--seed", "9"]
        assert main(["fuzz", *arguments, "--format", "junit", "--output", str(output)]) == 1
    suite = ET.parse(output).getroot()
    assert suite.get("name") == "harness fuzz"
    properties = {item.get("name"): item.get("value") for item in suite.iterfind("properties/property")}
    assert properties["seed"] == "9"
    assert properties["reproduce"].startswith(f"harness fuzz --base-url {url} --seed 9 --examples 5")
    assert suite.get("failures") == "3"  # the coverage and random phases, and making the fixtures (setup)
    case = suite.find("testcase[@name='examples POST /assistants']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None and "created_at" in (failure.text or "")


def test_stateful_session_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["--routes", "threads.create,threads.retrieve,threads.delete", "--stateful", "--steps", "5"]
    assert main(["fuzz", *arguments, "--examples", "3", "--seed", "1", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stateful"] is True and "stateful" in report["sources"]
    assert "--stateful --steps 5" in report["reproduce"]
