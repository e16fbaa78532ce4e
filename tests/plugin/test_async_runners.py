"""async_openai_client under every async runner: pytest-asyncio strict and auto, anyio, a test's own loop."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import run_pytest

SCENARIO = """
import asyncio
import pytest

async def stream_names(client):
    assistant = await client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    stream = await client.beta.threads.create_and_run(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "Hi"}]},
        stream=True,
    )
    return [event.event async for event in stream]

@pytest.fixture
def anyio_backend():
    return "asyncio"

@pytest.mark.cassette
@pytest.mark.asyncio
async def test_asyncio_marker(async_openai_client):
    assert (await stream_names(async_openai_client))[-1] == "thread.run.completed"

@pytest.mark.cassette
@pytest.mark.anyio
async def test_anyio_marker(async_openai_client):
    assert (await stream_names(async_openai_client))[-1] == "thread.run.completed"

@pytest.mark.cassette
def test_own_loop(async_openai_client):
    assert asyncio.run(stream_names(async_openai_client))[-1] == "thread.run.completed"
"""


@pytest.mark.parametrize("mode", ["strict", "auto"])
def test_async_client_records_and_replays_under_pytest_asyncio_and_anyio(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    pytester.makeini(
        f"[pytest]\nasyncio_mode = {mode}\nasyncio_default_fixture_loop_scope = function\n"
        "filterwarnings =\n    error\n"
    )
    pytester.makepyfile(test_async=SCENARIO)
    for args in (["--record-mode=once"], []):  # record against the embedded server, then replay
        result = run_pytest(pytester, *args)
        result.assert_outcomes(passed=3)
        assert "Event loop is closed" not in result.stdout.str() + result.stderr.str()
    assert len(list((pytester.path / "cassettes").rglob("*.yaml"))) == 3
