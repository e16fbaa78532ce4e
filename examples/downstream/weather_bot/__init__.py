"""A small application on the Assistants API: a weather assistant that calls a tool and streams its answer.

It is the example downstream project of assistants-harness: its tests (in ``tests/``) replay recorded
cassettes and compare the streamed answer with snapshots, offline and with no key.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import openai
from openai import AssistantEventHandler
from typing_extensions import override

WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location"],
        },
    },
}

Forecast = Callable[[str, str], dict[str, Any]]


def fixed_forecast(location: str, unit: str) -> dict[str, Any]:
    """The weather service of the example: always mild."""
    return {
        "location": location,
        "temperature": 21 if unit == "celsius" else 70,
        "unit": unit,
        "sky": "clear",
    }


@dataclass
class Answer:
    """What the user sees: the streamed text and the tool calls made on the way."""

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


class _Handler(AssistantEventHandler):
    """Collects text deltas and answers tool calls by submitting outputs on a new stream."""

    def __init__(self, bot: WeatherBot, answer: Answer) -> None:
        super().__init__()
        self._bot = bot
        self._answer = answer

    @override
    def on_event(self, event: Any) -> None:
        self._answer.events.append(event.event)
        if event.event == "thread.run.requires_action":
            self._submit(event.data)

    @override
    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self._answer.text += delta.value or ""

    def _submit(self, run: Any) -> None:
        outputs = []
        for call in run.required_action.submit_tool_outputs.tool_calls:
            arguments = json.loads(call.function.arguments)
            self._answer.tool_calls.append((call.function.name, arguments))
            forecast = self._bot.forecast(arguments["location"], arguments.get("unit", "celsius"))
            outputs.append({"tool_call_id": call.id, "output": json.dumps(forecast)})
        with self._bot.client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=run.thread_id,
            run_id=run.id,
            tool_outputs=outputs,
            event_handler=_Handler(self._bot, self._answer),
        ) as stream:
            stream.until_done()


class WeatherBot:
    """Answers weather questions with an assistant that has a ``get_weather`` tool."""

    def __init__(self, client: openai.OpenAI, *, forecast: Forecast = fixed_forecast) -> None:
        self.client = client
        self.forecast = forecast
        self._assistant_id: str | None = None

    def assistant_id(self) -> str:
        """The bot's assistant, created on first use."""
        if self._assistant_id is None:
            assistant = self.client.beta.assistants.create(
                model="gpt-4o",
                name="Weather Bot",
                instructions="Answer questions about the weather. Use get_weather.",
                tools=[WEATHER_TOOL],  # type: ignore[list-item]
            )
            self._assistant_id = assistant.id
        return self._assistant_id

    def ask(self, question: str) -> Answer:
        """Ask one question in a new thread; the answer is streamed, tool calls answered on the way."""
        thread = self.client.beta.threads.create(messages=[{"role": "user", "content": question}])
        answer = Answer()
        with self.client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=self.assistant_id(), event_handler=_Handler(self, answer)
        ) as stream:
            stream.until_done()
        return answer
