"""Determinism: the same requests give the same responses; ids and timestamps look like the real ones."""

from __future__ import annotations

import re

import httpx
import openai

from harness.server import DeterministicClock, serve_in_thread


def _run_once(seed: int) -> list[object]:
    with serve_in_thread(seed=seed) as server, openai.OpenAI(base_url=server.base_url, api_key="t") as client:
        assistant = client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter"}])
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "What is 7 * 6?"}])
        run = client.beta.threads.runs.create_and_poll(
            thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1
        )
        steps = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id)
        messages = client.beta.threads.messages.list(thread.id)
        file = client.files.create(file=("a.txt", b"alpha"), purpose="assistants")
        store = client.vector_stores.create(file_ids=[file.id])
        request_id = httpx.get(server.base_url + "/assistants").headers["x-request-id"]
        return [
            assistant.model_dump(),
            run.model_dump(),
            steps.model_dump(),
            messages.model_dump(),
            file.model_dump(),
            store.model_dump(),
            request_id,
        ]


def test_same_requests_same_responses() -> None:
    assert _run_once(7) == _run_once(7)
    assert _run_once(7)[0] != _run_once(8)[0]


def test_ids_and_timestamps_look_real() -> None:
    assistant, run, steps, messages, file, store, request_id = _run_once(0)
    assert re.fullmatch(r"asst_[A-Za-z0-9]{24}", assistant["id"])  # type: ignore[index]
    assert re.fullmatch(r"run_[A-Za-z0-9]{24}", run["id"])  # type: ignore[index]
    assert re.fullmatch(r"step_[A-Za-z0-9]{24}", steps["data"][0]["id"])  # type: ignore[index]
    assert re.fullmatch(r"msg_[A-Za-z0-9]{24}", messages["data"][0]["id"])  # type: ignore[index]
    assert re.fullmatch(r"file-[A-Za-z0-9]{22}", file["id"])  # type: ignore[index]
    assert re.fullmatch(r"vs_[0-9a-f]{32}", store["id"])  # type: ignore[index]
    assert re.fullmatch(r"req_[0-9a-f]{32}", str(request_id))
    assert assistant["created_at"] == 1_700_000_000  # type: ignore[index]
    assert run["created_at"] < run["started_at"] < run["completed_at"]  # type: ignore[index, operator]


def test_injected_clock() -> None:
    clock = DeterministicClock(start=42)
    assert [clock(), clock(), clock()] == [42, 43, 44]
    with serve_in_thread(clock=lambda: 1234) as server:
        created = httpx.post(server.base_url + "/threads", json={}).json()
    assert created["created_at"] == 1234


def _conversation(client: openai.OpenAI) -> list[object]:
    assistant = client.beta.assistants.create(model="gpt-4o", name="one")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1
    )
    listed = client.beta.assistants.with_raw_response.list()
    return [
        assistant.model_dump(),
        run.model_dump(),
        listed.http_response.content,
        sorted(listed.http_response.headers.items()),
    ]


def test_reset_gives_a_running_server_fresh_state_seeded_by_a_name() -> None:
    with serve_in_thread() as server, openai.OpenAI(base_url=server.base_url, api_key="t") as client:
        client.beta.assistants.create(model="gpt-4o", name="left over from another test")
        server.reset("tests/test_a.py::test_one")
        first = _conversation(client)
        server.reset("tests/test_a.py::test_two")
        other = _conversation(client)
        server.reset("tests/test_a.py::test_one")
        again = _conversation(client)
    assert first == again  # same name, same bytes: headers (no date, no timing) included
    assert first[0] != other[0]  # another name, other ids and times
    assert b"left over" not in first[2]
    names = [name for name, _ in first[3]]  # type: ignore[union-attr]
    assert "date" not in names and "x-request-id" in names
