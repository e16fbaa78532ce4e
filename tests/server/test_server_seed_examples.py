"""The seed's complete examples, translated one to one into Python, against the embedded server."""

from __future__ import annotations

import json

import jsonschema
import openai
import pytest
from openai import AssistantEventHandler
from openai.types.beta.threads import Message, Text, TextDelta
from openai.types.beta.threads.runs import ToolCall, ToolCallDelta

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get current weather for a location",
        "parameters": {
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "City and state, e.g., San Francisco, CA"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["location"],
        },
    },
}

RESEARCH = b"""Study summary.

The main findings are that deterministic servers make assistant tests fast and repeatable.
A second finding is that recorded traffic drifts from the documented contracts.
"""
DOCS = b"""Documentation.

Install the harness with pip and run pytest. The embedded server listens on 127.0.0.1.
"""


def _text(message: Message) -> str:
    block = message.content[0]
    assert block.type == "text"
    return block.text.value


def test_basic_assistant_workflow(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Code Helper",
        instructions="You help debug code and write tests.",
        tools=[{"type": "code_interpreter"}],
    )
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(
        thread.id, role="user", content="Write a function to calculate fibonacci numbers"
    )
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1
    )

    assert run.status == "completed"
    messages = client.beta.threads.messages.list(thread.id)
    lines = [f"{m.role}: {_text(m)}" for m in reversed(messages.data)]
    assert lines[0] == "user: Write a function to calculate fibonacci numbers"
    assert lines[1] == "assistant: Here are the first 10 Fibonacci numbers: 0, 1, 1, 2, 3, 5, 8, 13, 21, 34."
    steps = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc").data
    assert [s.step_details.type for s in steps] == ["tool_calls", "message_creation"]
    assert run.usage is not None
    assert run.usage.total_tokens == run.usage.prompt_tokens + run.usage.completion_tokens
    assert run.usage.total_tokens == sum(s.usage.total_tokens for s in steps if s.usage)


class _Printer(AssistantEventHandler):
    """The seed's event handler: collects what the TypeScript example prints."""

    def __init__(self) -> None:
        super().__init__()
        self.out: list[str] = []
        self.cited: list[str] = []

    def on_text_created(self, text: Text) -> None:
        self.out.append("\nassistant > ")

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        self.out.append(delta.value or "")

    def on_text_done(self, text: Text) -> None:
        self.out.append("\n")

    def on_tool_call_created(self, tool_call: ToolCall) -> None:
        self.out.append(f"\nTool: {tool_call.type}")

    def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        if delta.type == "code_interpreter" and delta.code_interpreter:
            if delta.code_interpreter.input:
                self.out.append(delta.code_interpreter.input)
            for output in delta.code_interpreter.outputs or []:
                if output.type == "logs":
                    self.out.append(f"\nLogs: {output.logs}")

    def on_message_done(self, message: Message) -> None:
        block = message.content[0]
        if block.type == "text":
            for annotation in block.text.annotations:
                if annotation.type == "file_citation":
                    self.cited.append(annotation.file_citation.file_id)


def _math_tutor(client: openai.OpenAI, question: str) -> tuple[str, str]:
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Math Tutor",
        instructions="You are a personal math tutor.",
        tools=[{"type": "code_interpreter"}],
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": question}])
    return assistant.id, thread.id


def test_streaming_with_event_handler(client: openai.OpenAI) -> None:
    assistant_id, thread_id = _math_tutor(
        client, "I need to solve the equation `3x + 11 = 14`. Can you help me?"
    )
    handler = _Printer()
    with client.beta.threads.runs.stream(
        thread_id=thread_id, assistant_id=assistant_id, event_handler=handler
    ) as stream:
        stream.until_done()
        final_run = stream.get_final_run()

    printed = "".join(handler.out)
    assert final_run.status == "completed"
    assert "\nTool: code_interpreter" in printed
    assert "Eq(3*x + 11, 14)" in printed
    assert "\nLogs: [1]" in printed
    assert "\nassistant > The solution to the equation 3x + 11 = 14 is x = 1.\n" in printed


def test_streaming_with_async_iteration(client: openai.OpenAI) -> None:
    assistant_id, thread_id = _math_tutor(client, "What is 12 * (3 + 4)?")
    stream = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, stream=True)
    names: list[str] = []
    text = ""
    code = ""
    for event in stream:
        names.append(event.event)
        if event.event == "thread.message.delta":
            delta = event.data.delta.content[0] if event.data.delta.content else None
            if delta is not None and delta.type == "text" and delta.text and delta.text.value:
                text += delta.text.value
        elif event.event == "thread.run.step.delta":
            details = event.data.delta.step_details
            if details is not None and details.type == "tool_calls":
                call = details.tool_calls[0] if details.tool_calls else None
                if call is not None and call.type == "code_interpreter" and call.code_interpreter:
                    code += call.code_interpreter.input or ""

    assert names[0] == "thread.run.created"
    assert names[-1] == "thread.run.completed"
    assert names.count("thread.message.delta") > 3
    assert code == "result = 12 * (3 + 4)\nprint(result)"
    assert text == "The result of 12 * (3 + 4) is 84."


def _weather(location: str) -> dict[str, object]:
    return {"location": location, "temperature": 22, "condition": "sunny"}


def test_function_calling_with_polling(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "What's the weather in Boston?"}]
    )
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    seen = [run.status]
    while run.status in ("queued", "in_progress"):
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
        seen.append(run.status)
    assert seen == ["queued", "in_progress", "requires_action"]

    assert run.required_action is not None and run.required_action.type == "submit_tool_outputs"
    tool_outputs = []
    for tool_call in run.required_action.submit_tool_outputs.tool_calls:
        assert tool_call.function.name == "get_weather"
        args = json.loads(tool_call.function.arguments)
        jsonschema.validate(args, WEATHER["function"]["parameters"])  # type: ignore[index]
        assert args["location"] == "Boston"
        tool_outputs.append({"tool_call_id": tool_call.id, "output": json.dumps(_weather(args["location"]))})
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, tool_outputs=tool_outputs, poll_interval_ms=1
    )

    assert run.status == "completed"
    messages = client.beta.threads.messages.list(thread.id)
    assert _text(messages.data[0]) == f"The weather in Boston is: {json.dumps(_weather('Boston'))}."
    step = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, order="asc").data[0]
    assert step.step_details.type == "tool_calls"
    call = step.step_details.tool_calls[0]
    assert call.type == "function" and call.function.output == json.dumps(_weather("Boston"))


def test_function_calling_with_streaming(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER])
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "Weather in Paris in celsius please"}]
    )
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        stream.until_done()
        run = stream.current_run
    assert run is not None and run.status == "requires_action"
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert json.loads(call.function.arguments) == {"location": "Paris", "unit": "celsius"}

    with client.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "22C sunny"}]
    ) as stream:
        names = [event.event for event in stream]
        final = stream.get_final_run()
        messages = stream.get_final_messages()
    assert names[0] == "thread.run.step.completed"
    assert names[1:3] == ["thread.run.queued", "thread.run.in_progress"]
    assert final.status == "completed"
    assert _text(messages[0]) == "The weather in Paris is: 22C sunny."


def test_create_and_run_poll(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", instructions="You explain things simply.")
    file = client.files.create(
        file=("ml.txt", b"Machine learning finds patterns in data."), purpose="assistants"
    )
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={
            "messages": [
                {
                    "role": "user",
                    "content": "Explain machine learning in simple terms",
                    "attachments": [{"file_id": file.id, "tools": [{"type": "file_search"}]}],
                }
            ],
            "metadata": {"conversation_id": "conv-456"},
        },
        instructions="Use simple language suitable for beginners",
        temperature=0.7,
        tool_choice="auto",
        poll_interval_ms=1,
    )
    assert run.thread_id.startswith("thread_")
    assert run.status == "completed"
    assert run.temperature == 0.7
    assert client.beta.threads.retrieve(run.thread_id).metadata == {"conversation_id": "conv-456"}
    messages = client.beta.threads.messages.list(run.thread_id)
    assert [m.role for m in messages.data] == ["assistant", "user"]
    assert "Explain machine learning in simple terms" in _text(messages.data[0])


def test_create_and_run_stream(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(
        model="gpt-4o", instructions="Please address the user as Jane Doe."
    )
    with client.beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Hello there"}]}
    ) as stream:
        names = [event.event for event in stream]
        messages = stream.get_final_messages()
    assert names[:2] == ["thread.created", "thread.run.created"]
    assert names[-1] == "thread.run.completed"
    assert _text(messages[0]).startswith('Jane Doe, you asked: "Hello there".')


def test_file_search_with_citations(client: openai.OpenAI) -> None:
    file1 = client.files.create(file=("research-paper.txt", RESEARCH), purpose="assistants")
    file2 = client.files.create(file=("documentation.md", DOCS), purpose="assistants")
    vector_store = client.vector_stores.create(name="Research Documents", file_ids=[file1.id, file2.id])
    assert vector_store.status == "in_progress"
    assert (
        client.vector_stores.files.poll(file1.id, vector_store_id=vector_store.id, poll_interval_ms=1).status
        == "completed"
    )
    assert (
        client.vector_stores.files.poll(file2.id, vector_store_id=vector_store.id, poll_interval_ms=1).status
        == "completed"
    )
    assert client.vector_stores.retrieve(vector_store.id).file_counts.completed == 2

    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Research Assistant",
        instructions="You help answer questions based on provided documents.",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [vector_store.id]}},
    )
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "What are the main findings in the research paper?"}]
    )
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1
    )

    assert run.status == "completed"
    message = client.beta.threads.messages.list(thread.id).data[0]
    block = message.content[0]
    assert block.type == "text"
    assert (
        "The main findings are that deterministic servers make assistant tests fast and repeatable"
        in block.text.value
    )
    citations = [a for a in block.text.annotations if a.type == "file_citation"]
    assert citations and citations[0].file_citation.file_id == file1.id
    assert block.text.value[citations[0].start_index : citations[0].end_index] == citations[0].text
    assert citations[0].text.startswith("【") and citations[0].text.endswith("†research-paper.txt】")

    include = ["step_details.tool_calls[*].file_search.results[*].content"]
    steps = client.beta.threads.runs.steps.list(
        run_id=run.id, thread_id=thread.id, include=include, order="asc"
    )
    search = steps.data[0].step_details
    assert search.type == "tool_calls" and search.tool_calls[0].type == "file_search"
    results = search.tool_calls[0].file_search.results or []
    assert results[0].file_id == file1.id and 0 < results[0].score <= 1
    assert results[0].content and "deterministic servers" in (results[0].content[0].text or "")
    bare = client.beta.threads.runs.steps.retrieve(steps.data[0].id, thread_id=thread.id, run_id=run.id)
    assert bare.step_details.type == "tool_calls"
    assert bare.step_details.tool_calls[0].file_search.results[0].content is None  # type: ignore[union-attr, index]


def test_file_search_stream_with_upload_and_poll(client: openai.OpenAI) -> None:
    vector_store = client.vector_stores.create(name="foods")
    batch = client.vector_stores.file_batches.upload_and_poll(
        vector_store_id=vector_store.id,
        files=[("favorite_foods.txt", b"Favorite foods:\nAlice Smith: tacos\nFilip Carola: cake")],
        poll_interval_ms=1,
    )
    assert batch.status == "completed" and batch.file_counts.completed == 1
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [vector_store.id]}},
    )
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "What's Filip's favorite food?"}]
    )
    handler = _Printer()
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, event_handler=handler
    ) as stream:
        stream.until_done()
    files = client.vector_stores.files.list(vector_store.id).data
    assert handler.cited == [files[0].id]
    assert "Filip Carola: cake" in "".join(handler.out)
    assert "\nTool: file_search" in "".join(handler.out)


def test_code_interpreter_with_file(client: openai.OpenAI) -> None:
    file = client.files.create(
        file=("sales-data.csv", b"month,sales\njan,10\nfeb,12\n"), purpose="assistants"
    )
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Data Analyst",
        instructions="You analyze data and create visualizations.",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [file.id]}},
    )
    assert assistant.tool_resources is not None and assistant.tool_resources.code_interpreter is not None
    assert assistant.tool_resources.code_interpreter.file_ids == [file.id]
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Compute the total: 10 + 12"}])
    created: list[str] = []
    outputs: list[str] = []

    class Handler(AssistantEventHandler):
        def on_tool_call_created(self, tool_call: ToolCall) -> None:
            created.append(tool_call.type)

        def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
            if delta.type == "code_interpreter" and delta.code_interpreter:
                outputs.extend(o.logs or "" for o in delta.code_interpreter.outputs or [] if o.type == "logs")

    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, event_handler=Handler()
    ) as s:
        run = s.get_final_run()
    assert run.status == "completed"
    assert created == ["code_interpreter"]
    assert outputs == ["22"]


@pytest.mark.parametrize(
    ("question", "answer"), [("Solve 2(x - 3) = 10", "x = 8"), ("What is 2^10?", "1024")]
)
def test_code_interpreter_answers(client: openai.OpenAI, question: str, answer: str) -> None:
    assistant_id, thread_id = _math_tutor(client, question)
    run = client.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant_id, poll_interval_ms=1
    )
    assert run.status == "completed"
    assert answer in _text(client.beta.threads.messages.list(thread_id).data[0])


def test_thread_management_and_token_management(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(
        model="gpt-4o", metadata={"version": "2.0", "department": "support"}
    )
    thread = client.beta.threads.create(metadata={"user_id": "user-123", "session_start": "1"})
    client.beta.threads.messages.create(thread.id, role="user", content="First question")
    run1 = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1
    )
    client.beta.threads.messages.create(thread.id, role="user", content="Follow-up question")
    run2 = client.beta.threads.runs.create_and_poll(
        thread_id=thread.id,
        assistant_id=assistant.id,
        max_prompt_tokens=5000,
        max_completion_tokens=1000,
        truncation_strategy={"type": "last_messages", "last_messages": 10},
        poll_interval_ms=1,
    )
    assert run1.status == run2.status == "completed"
    assert (
        run2.usage is not None
        and run2.usage.total_tokens == run2.usage.prompt_tokens + run2.usage.completion_tokens
    )
    assert run2.usage.prompt_tokens > run1.usage.prompt_tokens  # type: ignore[union-attr]
    supports = [
        a.id for a in client.beta.assistants.list() if (a.metadata or {}).get("department") == "support"
    ]
    assert supports == [assistant.id]
    assert client.beta.threads.delete(thread.id).deleted is True
    with pytest.raises(openai.NotFoundError):
        client.beta.threads.retrieve(thread.id)
