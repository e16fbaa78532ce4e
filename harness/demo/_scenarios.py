"""The seed's complete examples, in Python, as the demo runs them.

Each scenario takes an ``openai.OpenAI`` client and returns an :class:`Outcome`: what a reader should see
(the final status and the assistant's reply), which must be identical when the scenario is replayed.
Scenarios raise :class:`ScenarioFailed` when the API does not behave as the seed describes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import openai


class ScenarioFailed(AssertionError):
    """A scenario saw something other than what the seed's example describes."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a scenario produced: the final run status and the assistant's reply."""

    status: str
    reply: str


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise ScenarioFailed(message)


def _reply(client: openai.OpenAI, thread_id: str) -> str:
    messages = client.beta.threads.messages.list(thread_id=thread_id)
    for message in messages.data:
        if message.role == "assistant":
            return "".join(part.text.value for part in message.content if part.type == "text")
    raise ScenarioFailed(f"thread {thread_id} has no assistant message")


def basic_workflow(client: openai.OpenAI) -> Outcome:
    """Create an assistant, a thread and a message; run with create_and_poll; read the messages."""
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
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    _expect(run.status == "completed", f"run ended {run.status}, expected completed")
    return Outcome(run.status, _reply(client, thread.id))


def streaming_with_events(client: openai.OpenAI) -> Outcome:
    """Stream a run with an event handler collecting the text deltas."""
    import openai

    class Collector(openai.AssistantEventHandler):
        def __init__(self) -> None:
            super().__init__()
            self.text = ""

        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.text += delta.value or ""

    assistant = client.beta.assistants.create(
        model="gpt-4o", name="Storyteller", instructions="You tell very short stories."
    )
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "Tell me a story about a lighthouse."}]
    )
    handler = Collector()
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, event_handler=handler
    ) as stream:
        stream.until_done()
        final = stream.get_final_run()
    _expect(final.status == "completed", f"streamed run ended {final.status}")
    _expect(bool(handler.text), "the stream delivered no text")
    return Outcome(final.status, handler.text)


WEATHER_TOOL: dict[str, Any] = {
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


def function_calling(client: openai.OpenAI) -> Outcome:
    """A function tool: poll to requires_action, submit the outputs, poll to the answer."""
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[WEATHER_TOOL])  # type: ignore[list-item]
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "What's the weather in Boston?"}]
    )
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    while run.status in ("queued", "in_progress"):
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    _expect(run.status == "requires_action", f"run is {run.status}, expected requires_action")
    action = run.required_action
    _expect(action is not None and action.type == "submit_tool_outputs", "no submit_tool_outputs action")
    assert action is not None
    outputs = []
    for call in action.submit_tool_outputs.tool_calls:
        arguments = json.loads(call.function.arguments)
        _expect("location" in arguments, f"get_weather called without a location: {arguments}")
        weather = {"location": arguments["location"], "temperature": 21, "conditions": "sunny"}
        outputs.append({"tool_call_id": call.id, "output": json.dumps(weather)})
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id=thread.id,
        tool_outputs=outputs,  # type: ignore[arg-type]
    )
    _expect(run.status == "completed", f"run ended {run.status} after the tool outputs")
    return Outcome(run.status, _reply(client, thread.id))


def create_and_run_poll(client: openai.OpenAI) -> Outcome:
    """Create a thread and run it in one call, polling to the end."""
    assistant = client.beta.assistants.create(model="gpt-4o", name="Teacher")
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={
            "messages": [{"role": "user", "content": "Explain machine learning in simple terms"}],
            "metadata": {"conversation_id": "conv-456"},
        },
        instructions="Use simple language suitable for beginners",
        temperature=0.7,
        tool_choice="auto",
    )
    _expect(run.status == "completed", f"run ended {run.status}")
    return Outcome(run.status, _reply(client, run.thread_id))


def file_search(client: openai.OpenAI) -> Outcome:
    """Upload files into a vector store and get an answer that cites them."""
    paper = client.files.create(
        file=(
            "research-paper.md",
            b"# Findings\nThe main finding is that lighthouses reduce shipwrecks by forty percent.\n",
        ),
        purpose="assistants",
    )
    notes = client.files.create(
        file=("documentation.md", b"# Notes\nThe keepers recorded storms every winter.\n"),
        purpose="assistants",
    )
    store = client.vector_stores.create(name="Research Documents", file_ids=[paper.id, notes.id])
    client.vector_stores.files.poll(paper.id, vector_store_id=store.id)
    client.vector_stores.files.poll(notes.id, vector_store_id=store.id)
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Research Assistant",
        instructions="You help answer questions based on provided documents.",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "What are the main findings in the research paper?"}]
    )
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    _expect(run.status == "completed", f"run ended {run.status}")
    message = client.beta.threads.messages.list(thread_id=thread.id).data[0]
    part = message.content[0]
    _expect(part.type == "text", "the answer is not text")
    assert part.type == "text"
    cited = [a.file_citation.file_id for a in part.text.annotations if a.type == "file_citation"]
    _expect(paper.id in cited, f"the answer cites {cited}, not the research paper {paper.id}")
    return Outcome(run.status, part.text.value)


def code_interpreter(client: openai.OpenAI) -> Outcome:
    """Stream a code_interpreter run and collect the code and its logs."""
    data = client.files.create(
        file=("sales-data.csv", b"month,sales\njan,10\nfeb,32\n"), purpose="assistants"
    )
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        name="Data Analyst",
        instructions="You analyze data and create visualizations.",
        tools=[{"type": "code_interpreter"}],
        tool_resources={"code_interpreter": {"file_ids": [data.id]}},
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Calculate 10 + 32 * 2"}])
    code, logs, text = "", "", ""
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        for event in stream:
            if event.event == "thread.run.step.delta":
                details = event.data.delta.step_details
                if details is not None and details.type == "tool_calls":
                    for call in details.tool_calls or []:
                        if call.type == "code_interpreter" and call.code_interpreter is not None:
                            code += call.code_interpreter.input or ""
                            for output in call.code_interpreter.outputs or []:
                                if output.type == "logs":
                                    logs += output.logs or ""
            elif event.event == "thread.message.delta":
                for part in event.data.delta.content or []:
                    if part.type == "text" and part.text is not None:
                        text += part.text.value or ""
        final = stream.get_final_run()
    _expect(bool(code), "no code_interpreter input was streamed")
    _expect("74" in logs or "74" in text, f"the result 74 is neither in the logs {logs!r} nor the reply")
    return Outcome(final.status, text)


SCENARIOS: dict[str, Callable[[openai.OpenAI], Outcome]] = {
    "basic_workflow": basic_workflow,
    "streaming_with_events": streaming_with_events,
    "function_calling": function_calling,
    "create_and_run_poll": create_and_run_poll,
    "file_search": file_search,
    "code_interpreter": code_interpreter,
}
"""The demo's scenarios, in the order it runs them."""
