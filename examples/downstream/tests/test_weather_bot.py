"""The weather bot's tests: recorded once against a server, replayed offline, compared with snapshots."""

from __future__ import annotations

import pytest
from weather_bot import WeatherBot


@pytest.mark.cassette
def test_the_bot_calls_the_tool_and_streams_the_answer(openai_client, cassette, assistants_snapshot):
    answer = WeatherBot(openai_client).ask("What's the weather in Paris?")

    assert [name for name, _ in answer.tool_calls] == ["get_weather"]
    assert answer.tool_calls[0][1]["location"] == "Paris"
    assert "21" in answer.text
    assert answer.events[-1] == "thread.run.completed"
    # The transcript of what the user saw, stable across re-recordings (ids and times normalised).
    assert {"text": answer.text, "tool_calls": answer.tool_calls} == assistants_snapshot


@pytest.mark.cassette
def test_every_stream_is_replayed_event_by_event(openai_client, cassette, stream_snapshot):
    WeatherBot(openai_client).ask("What is the weather like in Lisbon?")

    streams = [i for i in cassette.interactions if i.is_stream]
    assert len(streams) == 2  # the run, then the run resumed by submit_tool_outputs
    assert streams[-1].response_body.decode() == stream_snapshot
