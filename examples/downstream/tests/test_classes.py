"""Tests in classes: the same test name in two classes gets two cassettes (``<Class>.<test>.yaml``)."""

from __future__ import annotations

import pytest
from weather_bot import WeatherBot


@pytest.mark.cassette
class TestParis:
    def test_forecast(self, openai_client):
        assert "21" in WeatherBot(openai_client).ask("Weather in Paris?").text


@pytest.mark.cassette
class TestOslo:
    def test_forecast(self, openai_client):
        answer = WeatherBot(openai_client).ask("Weather in Oslo?")
        assert answer.tool_calls[0][1]["location"] == "Oslo"


@pytest.mark.cassette
def test_without_requests(cassette):
    """A marked test that sends nothing passes, recording and replaying an empty cassette."""
    assert cassette.interactions == []
