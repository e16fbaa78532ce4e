"""One cassette format for every language: the plugin replays what the TypeScript SDK recorded through the
proxy, and the proxy replays what the plugin recorded, to the TypeScript and the Python SDK."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import openai
import pytest

from tests.proxy.conftest import ProxyFactory
from tests.proxy.node_suite import CASSETTES, run_node_suite
from tests.stub_api import StubAPI

PYTHON_TWIN = """
import openai
import pytest

def client():
    # The host does not matter to matching; replay never reaches it.
    return openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="sk-test", max_retries=0)

@pytest.mark.cassette({streamed!r})
def test_streamed_run_recorded_by_typescript():
    c = client()
    assistant = c.beta.assistants.create(
        model="gpt-4o", name="Greeter", instructions="Answer in one short sentence."
    )
    thread = c.beta.threads.create()
    c.beta.threads.messages.create(thread.id, role="user", content="Say hello to the team.")
    with c.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        text = "".join(stream.text_deltas)
        run = stream.get_final_run()
    assert run.status == "completed"
    messages = c.beta.threads.messages.list(thread.id, order="asc")
    assert text == messages.data[-1].content[0].text.value == {text!r}

@pytest.mark.cassette({tools!r})
def test_tool_outputs_recorded_by_typescript():
    c = client()
    assistant = c.beta.assistants.create(
        model="gpt-4o",
        name="Forecaster",
        tools=[{{
            "type": "function",
            "function": {{
                "name": "get_weather",
                "description": "The weather in a city",
                "parameters": {{
                    "type": "object", "properties": {{"city": {{"type": "string"}}}}, "required": ["city"]
                }},
            }},
        }}],
    )
    thread = c.beta.threads.create(messages=[{{"role": "user", "content": "What is the weather in Paris?"}}])
    waiting = c.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert waiting.status == "requires_action"
    calls = waiting.required_action.submit_tool_outputs.tool_calls
    run = c.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=waiting.id,
        thread_id=thread.id,
        tool_outputs=[{{"tool_call_id": call.id, "output": '{{"celsius": 21}}'}} for call in calls],
    )
    assert run.status == "completed"
    answer = c.beta.threads.messages.list(thread.id).data[0].content[0].text.value
    assert answer == 'The weather in Paris is: {{"celsius": 21}}.'
"""


def test_the_plugin_replays_cassettes_the_typescript_sdk_recorded(pytester: pytest.Pytester) -> None:
    from tests.proxy.test_proxy_typescript import _streamed_text

    text, _ = _streamed_text("streamed-run")
    pytester.makepyfile(
        PYTHON_TWIN.format(
            streamed=str(CASSETTES / "streamed-run.yaml"),
            tools=str(CASSETTES / "tool-outputs.yaml"),
            text=text,
        )
    )
    result = pytester.runpytest_subprocess(
        "--record-mode=none", "--cassette-unused=fail", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=2)


PLUGIN_RECORDS = """
import openai
import pytest

@pytest.mark.cassette("create-and-poll.yaml")
def test_create_and_poll(openai_client):
    assistant = openai_client.beta.assistants.create(model="gpt-4o", name="Poller")
    thread = openai_client.beta.threads.create(
        messages=[{"role": "user", "content": "What is the capital of France?"}]
    )
    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    answer = openai_client.beta.threads.messages.list(thread.id).data[0].content[0].text.value
    print("ANSWER", answer)
"""


@pytest.fixture
def plugin_cassettes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cassette the pytest plugin recorded against the embedded server (the TypeScript test's twin)."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-plugin-recording-key-00000000")
    pytester.makepyfile(PLUGIN_RECORDS)
    result = pytester.runpytest_subprocess("--record-mode=once", "--cassette-dir=recorded", "-s")
    result.assert_outcomes(passed=1)
    folder = pytester.path / "recorded"
    assert (folder / "create-and-poll.yaml").is_file()
    return folder


def test_the_proxy_replays_to_the_python_sdk_what_the_plugin_recorded(
    plugin_cassettes: Path, start_proxy: ProxyFactory
) -> None:
    with (
        StubAPI() as upstream,
        start_proxy(cassette_dir=plugin_cassettes, record_mode="none", upstream=upstream.base_url) as proxy,
    ):
        client = openai.OpenAI(base_url=proxy.base_url("create-and-poll"), api_key="sk-test", max_retries=0)
        assistant = client.beta.assistants.create(model="gpt-4o", name="Poller")
        thread = client.beta.threads.create(
            messages=[{"role": "user", "content": "What is the capital of France?"}]
        )
        run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
        answer = client.beta.threads.messages.list(thread.id).data[0].content[0].text.value
        verdict = httpx.post(f"{proxy.url}/_harness/cassettes/create-and-poll/eject").json()
        assert upstream.requests == []
    assert run.status == "completed"
    assert "capital of France" in answer
    assert verdict["unused"] == [] and verdict["passed"]


def test_the_proxy_replays_to_the_typescript_sdk_what_the_plugin_recorded(
    plugin_cassettes: Path, start_proxy: ProxyFactory, tmp_path: Path
) -> None:
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(plugin_cassettes / "create-and-poll.yaml", only / "create-and-poll.yaml")
    with (
        StubAPI() as upstream,
        start_proxy(cassette_dir=only, record_mode="none", upstream=upstream.base_url) as proxy,
    ):
        code, output, results = run_node_suite(proxy.url, name_pattern="createAndPoll")
        assert upstream.requests == []
    assert code == 0, output
    assert [result["name"] for result in results] == ["create-and-poll"]
    assert results[0]["status"] == "completed" and "capital of France" in results[0]["text"]
