"""The reply generator's rules, on plain functions."""

from __future__ import annotations

import jsonschema
import pytest

from harness.server._reply_generator import (
    arguments_for,
    best_line,
    chunk_text,
    code_task,
    mentions_function,
    rank,
)


@pytest.mark.parametrize(
    ("message", "logs"),
    [
        ("3x + 11 = 14", "[1]"),
        ("solve 5y - 2 = 2y + 7", "[3]"),
        ("What is (2 + 3) * 4?", "20"),
        ("compute 10 / 4", "2.5"),
        ("factorial of 5", "120"),
    ],
)
def test_code_tasks(message: str, logs: str) -> None:
    task = code_task(message)
    assert task is not None and task.logs == logs


def test_no_code_task_without_something_to_compute() -> None:
    assert code_task("Explain machine learning in simple terms") is None
    assert code_task("__import__('os').system('x') = 1") is None


def test_function_mentions() -> None:
    assert mentions_function("What's the weather in Boston?", "get_weather")
    assert mentions_function("call get_weather now", "get_weather")
    assert not mentions_function("What should I eat?", "get_weather")


SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
        "detailed": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "where": {"$ref": "#/$defs/place"},
    },
    "required": ["city", "unit", "days", "detailed", "tags", "where"],
    "$defs": {"place": {"type": "object", "properties": {"lat": {"type": "number"}}, "required": ["lat"]}},
}


def test_arguments_satisfy_the_schema_and_use_the_message() -> None:
    arguments = arguments_for(SCHEMA, "Forecast for 3 days in Paris in fahrenheit")
    jsonschema.validate(arguments, SCHEMA)
    assert arguments["city"] == "Paris" and arguments["unit"] == "fahrenheit" and arguments["days"] == 3
    assert arguments["detailed"] is False


def test_ranking_and_quotes() -> None:
    chunks = chunk_text("file-a", "a.txt", "Cats purr.\n\nDogs bark loudly.") + chunk_text(
        "file-b", "b.txt", "Birds sing."
    )
    hits = rank("Why do dogs bark?", chunks)
    assert [h.chunk.file_id for h in hits] == ["file-a"]
    assert 0 < hits[0].score <= 1
    assert best_line("Why do dogs bark?", hits[0].chunk.text) == "Dogs bark loudly."
