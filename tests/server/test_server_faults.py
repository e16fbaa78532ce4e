"""Fault injection: 429 and 500 answers, cut streams and slow streams, by header and by server option."""

from __future__ import annotations

import httpx
import httpx2
import openai
import pytest

from harness.server import FaultConfig, RunningServer, serve_in_thread


def test_fault_specs_parse() -> None:
    assert FaultConfig.parse("429;retry-after=0;times=2") == FaultConfig(status=429, retry_after=0, times=2)
    assert FaultConfig.parse("cut-after=5; slow=20") == FaultConfig(cut_after=5, slow_ms=20)
    with pytest.raises(ValueError, match="invalid fault item 'teapot'"):
        FaultConfig.parse("teapot")


def test_429_then_retry_succeeds(server: RunningServer) -> None:
    headers = {"x-harness-fault": "429;retry-after=0;times=2"}
    with openai.OpenAI(
        base_url=server.base_url, api_key="test", max_retries=2, default_headers=headers
    ) as client:
        response = client.beta.assistants.with_raw_response.create(model="gpt-4o")
    assert response.retries_taken == 2
    assert response.parse().id.startswith("asst_")


def test_429_without_retries_is_a_rate_limit_error(server: RunningServer) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0)
    with client, pytest.raises(openai.RateLimitError) as limited:
        client.beta.assistants.list(extra_headers={"x-harness-fault": "429"})
    assert limited.value.response.headers["retry-after"] == "1"


def test_server_option_fault_500() -> None:
    with serve_in_thread(faults=FaultConfig(status=500, times=1)) as server:
        first = httpx.get(server.base_url + "/assistants")
        second = httpx.get(server.base_url + "/assistants")
    assert first.status_code == 500 and first.json()["error"]["type"] == "server_error"
    assert second.status_code == 200


def test_stream_cut_after_n_events(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    seen: list[str] = []
    with (
        pytest.raises((httpx.RemoteProtocolError, httpx2.RemoteProtocolError)),
        client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, extra_headers={"x-harness-fault": "cut-after=4"}
        ) as stream,
    ):
        for event in stream:
            seen.append(event.event)
    assert seen == [
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
        "thread.run.step.created",
    ]
    run = client.beta.threads.runs.list(thread.id).data[0]
    finished = client.beta.threads.runs.poll(run.id, thread_id=thread.id, poll_interval_ms=1)
    assert finished.status == "completed"


def test_slow_stream_still_delivers_every_event(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, extra_headers={"x-harness-fault": "slow=1"}
    ) as stream:
        names = [event.event for event in stream]
    assert names[-1] == "thread.run.completed"


def test_bad_fault_header_is_400(server: RunningServer) -> None:
    response = httpx.get(server.base_url + "/assistants", headers={"x-harness-fault": "explode"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "x-harness-fault"
