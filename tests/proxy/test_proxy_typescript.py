"""The TypeScript example replays offline through the proxy, as recorded, event by event."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from harness.recording import Cassette
from harness.streams._sse import decode_sse
from tests.proxy.conftest import ProxyFactory
from tests.proxy.node_suite import CASSETTES, run_node_suite
from tests.stub_api import StubAPI


def _streamed_text(name: str) -> tuple[str, str]:
    """The text deltas and the final run status of the stream recorded in cassette ``name``."""
    cassette = Cassette(CASSETTES / f"{name}.yaml")
    stream = next(item for item in cassette.interactions if item.is_stream)
    text, status = "", ""
    for event in decode_sse(stream.response_body).events:
        if event.event == "thread.message.delta":
            for part in json.loads(event.data)["delta"]["content"]:
                text += part.get("text", {}).get("value", "")
        elif event.event and event.event.startswith("thread.run.") and event.event != "thread.run.step":
            status = json.loads(event.data).get("status", status)
    return text, status


def test_the_committed_cassettes_are_there() -> None:
    assert sorted(path.name for path in CASSETTES.glob("*.yaml")) == [
        "create-and-poll.yaml",
        "streamed-run.yaml",
        "tool-outputs.yaml",
    ]


def test_the_typescript_suite_replays_offline_as_recorded(start_proxy: ProxyFactory) -> None:
    before = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in CASSETTES.glob("*.yaml")}
    with (
        StubAPI() as upstream,
        start_proxy(cassette_dir=CASSETTES, record_mode="none", upstream=upstream.base_url) as proxy,
    ):
        code, output, results = run_node_suite(proxy.url)
        assert upstream.requests == []  # offline: nothing reached the upstream
    assert code == 0, output
    by_name = {result["name"]: result for result in results}
    assert sorted(by_name) == ["create-and-poll", "streamed-run", "tool-outputs"]
    text, status = _streamed_text("streamed-run")
    assert by_name["streamed-run"]["status"] == status == "completed"
    assert by_name["streamed-run"]["text"] == text and text
    assert by_name["tool-outputs"]["statuses"] == ["requires_action", "completed"]
    assert before == {
        path: hashlib.sha256(path.read_bytes()).hexdigest() for path in CASSETTES.glob("*.yaml")
    }


def test_the_typescript_suite_fails_on_a_changed_request(start_proxy: ProxyFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    changed = tmp_path / "cassettes"
    changed.mkdir()
    text = (CASSETTES / "create-and-poll.yaml").read_text()
    assert "What is the capital of France?" in text
    (changed / "create-and-poll.yaml").write_text(text.replace("capital of France", "capital of Spain"))
    with start_proxy(cassette_dir=changed, record_mode="none", upstream="http://127.0.0.1:9") as proxy:
        code, output, _ = run_node_suite(proxy.url, name_pattern="createAndPoll")
    assert code != 0
    assert "harness_unmatched_request" in output or "400" in output
    if "capital of" not in output:
        pytest.fail(f"the failure should show the request and its difference:\n{output[-3000:]}")


def test_the_typescript_suite_records_through_the_proxy_then_replays(
    start_proxy: ProxyFactory, tmp_path: Path
) -> None:
    from harness.cli import main

    folder = tmp_path / "recorded"
    secret = "sk-typescriptclientsecret000000000000"
    with start_proxy(cassette_dir=folder, record_mode="rewrite") as proxy:  # the embedded server
        code, output, recorded = run_node_suite(proxy.url, api_key=secret)
    assert code == 0, output
    written = sorted(path.name for path in folder.glob("*.yaml"))
    assert written == ["create-and-poll.yaml", "streamed-run.yaml", "tool-outputs.yaml"]
    assert all(secret not in path.read_text() for path in folder.glob("*.yaml"))
    assert main(["verify", str(folder)]) == 0
    with (
        StubAPI() as upstream,
        start_proxy(cassette_dir=folder, record_mode="none", upstream=upstream.base_url) as proxy,
    ):
        code, output, replayed = run_node_suite(proxy.url, api_key=secret)
        assert upstream.requests == []
    assert code == 0, output
    assert replayed == recorded
