"""Recording through the proxy and replaying from it: the Python SDK as a plain HTTP client (no plugin)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openai
import pytest

from harness.cli import main
from tests.proxy.conftest import ProxyFactory, Report
from tests.stub_api import StubAPI

SECRET_KEY = "sk-proxyclientsecret0123456789abcdef"
SECRET_ORG = "org-proxyclientorganization01"
SECRET_PROJECT = "proj_proxyclientproject000001"


def _client(base_url: str, *, max_retries: int = 2) -> openai.OpenAI:
    return openai.OpenAI(
        base_url=base_url,
        api_key=SECRET_KEY,
        organization=SECRET_ORG,
        project=SECRET_PROJECT,
        max_retries=max_retries,
    )


def _scenario(client: openai.OpenAI) -> dict[str, object]:
    """A streamed run, a polled run and a listing against the embedded server; what a test would see."""
    assistant = client.beta.assistants.create(model="gpt-4o", name="Proxy", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hello there"}])
    polled = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    client.beta.threads.messages.create(thread.id, role="user", content="And once more, streamed")
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        events = [event.event for event in stream]
        text = "".join(
            part.text.value for part in stream.get_final_messages()[-1].content if part.type == "text"
        )
    return {"polled": polled.status, "events": events, "text": text}


def test_recorded_through_the_proxy_replays_offline_with_the_same_results(
    start_proxy: ProxyFactory, tmp_path: Path
) -> None:
    with start_proxy(record_mode="once") as proxy:
        recorded = _scenario(_client(proxy.base_url("suite/scenario")))
        recording = httpx.post(f"{proxy.url}/_harness/cassettes/suite/scenario/eject").json()
    assert recorded["polled"] == "completed"
    assert recorded["events"][-1] == "thread.run.completed"
    assert recording["passed"] and len(recording["recorded"]) >= 6
    cassette = tmp_path / "cassettes" / "suite" / "scenario.yaml"
    assert cassette.is_file()

    with StubAPI() as upstream, start_proxy(record_mode="none", upstream=upstream.base_url) as proxy:
        replayed = _scenario(_client(proxy.base_url("suite%2Fscenario")))
        verdict = httpx.post(f"{proxy.url}/_harness/cassettes/suite/scenario/eject").json()
        assert upstream.requests == []
    assert replayed == recorded
    assert verdict["unused"] == [] and verdict["passed"]
    assert verdict["played"] == recording["recorded"]


def test_secrets_the_client_sends_never_reach_disk(start_proxy: ProxyFactory, tmp_path: Path) -> None:
    with (
        StubAPI(event_pause=0) as upstream,
        start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy,
    ):
        client = _client(proxy.base_url("secrets"))
        client.beta.assistants.retrieve("asst_1")
        list(client.beta.threads.runs.create(thread_id="t", assistant_id="a", stream=True))
        httpx.post(f"{proxy.url}/_harness/cassettes/secrets/eject")
        sent = upstream.requests[0][2]
    # The upstream got the client's credentials (it needs them) ...
    assert {name.lower(): value for name, value in sent.items()}["authorization"] == f"Bearer {SECRET_KEY}"
    # ... and nothing of them is on disk.
    text = "\n".join(path.read_text() for path in (tmp_path / "cassettes").rglob("*") if path.is_file())
    for secret in (SECRET_KEY, SECRET_ORG, SECRET_PROJECT, "STUBORGANIZATIONID", "stubcookievalue"):
        assert secret not in text
    assert "authorization" in text.lower()  # the header is kept, its value scrubbed


def test_api_key_option_replaces_the_clients_key_upstream(start_proxy: ProxyFactory) -> None:
    with (
        StubAPI() as upstream,
        start_proxy(
            record_mode="rewrite", upstream=upstream.base_url, api_key="sk-fromtheproxycommandline0000"
        ) as proxy,
    ):
        _client(proxy.base_url("key")).beta.assistants.retrieve("asst_1")
    headers = {name.lower(): value for name, value in upstream.requests[0][2].items()}
    assert headers["authorization"] == "Bearer sk-fromtheproxycommandline0000"


def test_an_unmatched_request_fails_closed(start_proxy: ProxyFactory, report: Report) -> None:
    with StubAPI() as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:
            _client(proxy.base_url("closed")).beta.assistants.update("asst_1", name="Recorded")
        recorded_requests = len(upstream.requests)
        with start_proxy(record_mode="none", upstream=upstream.base_url) as proxy:
            client = _client(proxy.base_url("closed"), max_retries=5)
            with pytest.raises(openai.BadRequestError) as caught:
                client.beta.assistants.update("asst_1", name="Changed")
            verdict = httpx.get(f"{proxy.url}/_harness/cassettes/closed").json()
        assert len(upstream.requests) == recorded_requests  # nothing reached the upstream
    error = caught.value.body
    assert isinstance(error, dict)
    assert error["type"] == "harness_unmatched_request"
    assert error["cassette"] == "closed"
    assert error["request"] == "POST /v1/assistants/asst_1"
    assert error["closest"]["interaction"] == 0
    assert error["closest"]["differences"] == ['name: recorded "Recorded", sent "Changed"']
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert verdict["unmatched"] == ["POST /v1/assistants/asst_1"] and not verdict["passed"]
    assert "unmatched request" in report.getvalue() and "closed.yaml" in report.getvalue()


def test_a_missing_cassette_in_replay_is_a_404_naming_the_file(start_proxy: ProxyFactory) -> None:
    with start_proxy(record_mode="none", upstream="http://127.0.0.1:9") as proxy:
        response = httpx.get(proxy.base_url("never/recorded") + "/assistants")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "harness_cassette_not_found"
    assert "never/recorded.yaml" in error["message"] and "record" in error["message"]


def test_polls_replay_in_order_and_the_terminal_state_repeats(start_proxy: ProxyFactory) -> None:
    with StubAPI() as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:
            url = proxy.base_url("polls") + "/threads/t_1/runs/run_1"
            recorded = [httpx.get(url).json()["status"] for _ in range(4)]
        with start_proxy(record_mode="none", upstream=upstream.base_url) as proxy:
            url = proxy.base_url("polls") + "/threads/t_1/runs/run_1"
            replayed = [httpx.get(url).json()["status"] for _ in range(7)]
    assert recorded == ["queued", "in_progress", "in_progress", "completed"]
    assert replayed == [*recorded, "completed", "completed", "completed"]


def test_the_admin_api_reports_played_unused_recorded_and_findings(
    start_proxy: ProxyFactory, report: Report
) -> None:
    with StubAPI() as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url, contracts="off") as proxy:
            client = _client(proxy.base_url("admin"))
            client.beta.assistants.retrieve("asst_1")
            client.beta.assistants.retrieve("asst_2")
            status = httpx.get(f"{proxy.url}/_harness/cassettes/admin").json()
            assert status["recorded"] == ["#0 GET /v1/assistants/asst_1", "#1 GET /v1/assistants/asst_2"]
        with start_proxy(record_mode="none", upstream=upstream.base_url, contracts="tolerant") as proxy:
            _client(proxy.base_url("admin")).beta.assistants.retrieve("asst_1")
            verdict = httpx.post(f"{proxy.url}/_harness/cassettes/admin/eject").json()
            again = httpx.post(f"{proxy.url}/_harness/cassettes/admin/eject")
    assert verdict["played"] == ["#0 GET /v1/assistants/asst_1"]
    assert verdict["unused"] == ["#1 GET /v1/assistants/asst_2"]
    assert verdict["recorded"] == []
    # The stub's assistant lacks most required fields: violations, counted and reported as they happen.
    assert verdict["failing"] > 0 and not verdict["passed"]
    assert {finding["severity"] for finding in verdict["findings"] if finding["fails"]} == {"violation"}
    assert "FAIL violation at" in report.getvalue()
    assert again.status_code == 404 and again.json()["error"]["type"] == "harness_unknown_cassette"


def test_each_interaction_is_on_disk_as_soon_as_it_completes(
    start_proxy: ProxyFactory, tmp_path: Path
) -> None:
    with StubAPI() as upstream, start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:
        client = _client(proxy.base_url("incremental"))
        client.beta.assistants.retrieve("asst_1")
        path = tmp_path / "cassettes" / "incremental.yaml"
        first = path.read_text()
        client.beta.assistants.retrieve("asst_2")
        second = path.read_text()
    assert "asst_1" in first and "asst_2" not in first
    assert "asst_2" in second


def test_the_proxy_wrote_cassettes_that_verify_passes(start_proxy: ProxyFactory, tmp_path: Path) -> None:
    with start_proxy(record_mode="rewrite") as proxy:
        _scenario(_client(proxy.base_url("verified/one")))
        _client(proxy.base_url("verified/two")).beta.assistants.list(limit=2)
    written = sorted((tmp_path / "cassettes").rglob("*.yaml"))
    assert [path.name for path in written] == ["one.yaml", "two.yaml"]
    assert main(["verify", str(tmp_path / "cassettes")]) == 0


def test_new_episodes_appends_what_is_not_recorded(start_proxy: ProxyFactory, tmp_path: Path) -> None:
    with StubAPI() as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:
            _client(proxy.base_url("episodes")).beta.assistants.retrieve("asst_1")
        with start_proxy(record_mode="new_episodes", upstream=upstream.base_url) as proxy:
            client = _client(proxy.base_url("episodes"))
            client.beta.assistants.retrieve("asst_1")
            client.beta.assistants.retrieve("asst_9")
            verdict = httpx.post(f"{proxy.url}/_harness/cassettes/episodes/eject").json()
    assert verdict["played"] == ["#0 GET /v1/assistants/asst_1"]
    assert verdict["recorded"] == ["#1 GET /v1/assistants/asst_9"]
    assert [request[1] for request in upstream.requests] == ["/v1/assistants/asst_1", "/v1/assistants/asst_9"]
    document = (tmp_path / "cassettes" / "episodes.yaml").read_text()
    assert "asst_1" in document and "asst_9" in document
    json.dumps(verdict)


def test_a_client_with_a_fixed_base_url_names_its_cassette_in_a_header(
    start_proxy: ProxyFactory, tmp_path: Path
) -> None:
    with StubAPI() as upstream, start_proxy(record_mode="once", upstream=upstream.base_url) as proxy:
        client = openai.OpenAI(
            base_url=f"{proxy.url}/v1",
            api_key="sk-test",
            default_headers={"x-harness-cassette": "fixed/base-url"},
        )
        client.beta.assistants.retrieve("asst_1")
    text = (tmp_path / "cassettes" / "fixed" / "base-url.yaml").read_text()
    assert "/v1/assistants/asst_1" in text
    assert "x-harness-cassette" not in text
