"""The async client under pytest-asyncio's strict mode, and in a sync test that runs its own loop."""

from __future__ import annotations

import asyncio

import pytest


async def count_events(client) -> list[str]:
    assistant = await client.beta.assistants.create(model="gpt-4o", instructions="Be brief.")
    stream = await client.beta.threads.create_and_run(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "Say hi."}]},
        stream=True,
    )
    return [event.event async for event in stream]


@pytest.mark.asyncio
@pytest.mark.cassette
async def test_strict_mode(async_openai_client):
    events = await count_events(async_openai_client)
    assert events[0] == "thread.created" and events[-1] == "thread.run.completed"


@pytest.mark.cassette
def test_own_loop(async_openai_client):
    events = asyncio.run(count_events(async_openai_client))
    assert events[-1] == "thread.run.completed"
