"""Fidelity: the server's responses have the keys the real API's responses have, stream for stream.

For each real recording whose scenario the server supports, the same SDK calls run against the server
(translated from the recording's MANIFEST description). Where a recording's user message reaches a tool
only through a real model's judgement, the message names the tool so the deterministic model calls it;
shapes, not texts, are compared. The match rate (matching units over units seen on both sides) is
printed and must stay high; the event names of every stream must match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx2
import openai
import pytest
from server_fidelity_support import REAL, Tap, real_bodies, shape

from harness.server import RunningServer

pytestmark = pytest.mark.usefixtures("real_cassettes")

Scenario = Callable[[openai.OpenAI], None]
TRACELOOP = (
    "traceloop__openllmetry/packages__opentelemetry-instrumentation-openai__tests__traces__cassettes__"
)
DOTNET = "openai__openai-dotnet/tests__SessionRecords__"
CONTENT = ["step_details.tool_calls[*].file_search.results[*].content"]
EQUATION = "I need to solve the equation `3x + 11 = 14`. Can you help me?"
JANE = "Please address the user as Jane Doe. The user has a premium account."
FOODS = b"The favorite food of several people:\n- Summer Ferdinand: tacos\n- Filip Carola: cake"


def _tutor(client: openai.OpenAI) -> tuple[str, str]:
    assistant = client.beta.assistants.create(
        model="gpt-4o-mini",
        name="Math Tutor",
        tools=[{"type": "code_interpreter"}],
        instructions="You are a personal math tutor. Write and run code to answer math questions.",
    )
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread.id, role="user", content=EQUATION)
    return assistant.id, thread.id


def traceloop_polling(client: openai.OpenAI) -> None:
    assistant_id, thread_id = _tutor(client)
    run = client.beta.threads.runs.create(thread_id=thread_id, assistant_id=assistant_id, instructions=JANE)
    while run.status in ("queued", "in_progress"):
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread_id)
    client.beta.threads.messages.list(thread_id, order="asc")
    client.beta.assistants.retrieve(assistant_id)


def traceloop_create_and_poll(client: openai.OpenAI) -> None:
    assistant_id, thread_id = _tutor(client)
    client.beta.threads.runs.create_and_poll(
        thread_id=thread_id, assistant_id=assistant_id, instructions=JANE, poll_interval_ms=1
    )
    client.beta.threads.messages.list(thread_id, order="asc")
    client.beta.assistants.retrieve(assistant_id)


def traceloop_streaming(client: openai.OpenAI) -> None:
    assistant_id, thread_id = _tutor(client)
    client.beta.assistants.retrieve(assistant_id)
    with client.beta.threads.runs.stream(
        thread_id=thread_id, assistant_id=assistant_id, instructions=JANE
    ) as s:
        s.until_done()


def llamaindex_query_tool(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "sql_tool",
            "description": "Translates a question into SQL over the city_stats table",
            "parameters": {
                "type": "object",
                "properties": {"input": {"title": "Input", "type": "string"}},
                "required": ["input"],
            },
        },
    }
    assistant = client.beta.assistants.create(
        model="gpt-4-1106-preview",
        name="City bot",
        tools=[tool],  # type: ignore[list-item]
        instructions="You are a bot designed to answer questions about cities",
    )
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(
        thread.id, role="user", content="Use sql: which city has the highest population?", attachments=[]
    )
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id, instructions=None)
    while run.status in ("queued", "in_progress"):
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    run = client.beta.threads.runs.submit_tool_outputs(
        run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "Tokyo"}]
    )
    while run.status in ("queued", "in_progress"):
        run = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    client.beta.threads.messages.list(thread.id, order="desc")


def basic_assistant_operations(client: openai.OpenAI) -> None:
    first = client.beta.assistants.create(model="gpt-4o")
    client.beta.assistants.update(first.id, name="test assistant name")
    client.beta.assistants.delete(first.id)
    second = client.beta.assistants.create(
        model="gpt-4o", metadata={"test_metadata_cleanup_eligible": "hello!"}
    )
    client.beta.assistants.retrieve(second.id)
    client.beta.assistants.update(second.id, metadata={"test_metadata_cleanup_eligible": "goodbye!"})
    client.beta.assistants.list()


def basic_message_operations(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create()
    message = client.beta.threads.messages.create(thread.id, role="user", content="Hello, world!")
    client.beta.threads.messages.delete(message.id, thread_id=thread.id)
    message = client.beta.threads.messages.create(
        thread.id,
        role="user",
        content="Goodbye, world!",
        metadata={"messageMetadata": "messageMetadataValue"},
    )
    client.beta.threads.messages.retrieve(message.id, thread_id=thread.id)
    client.beta.threads.messages.update(
        message.id, thread_id=thread.id, metadata={"messageMetadata": "newValue"}
    )
    client.beta.threads.messages.list(thread.id)


def basic_run_operations(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create()
    client.beta.threads.runs.list(thread.id)
    client.beta.threads.messages.create(thread.id, role="user", content="Hello, assistant!")
    run = client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id, include=CONTENT, additional_messages=[]
    )
    client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    client.beta.threads.runs.list(thread.id)
    client.beta.threads.messages.list(thread.id)
    client.beta.threads.runs.poll(run.id, thread_id=thread.id, poll_interval_ms=1)
    client.beta.threads.messages.list(thread.id)


def basic_thread_operations(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create()
    client.beta.threads.delete(thread.id)
    thread = client.beta.threads.create(messages=[], metadata={"threadMetadata": "threadMetadataValue"})
    client.beta.threads.retrieve(thread.id)
    client.beta.threads.update(thread.id, metadata={"threadMetadata": "newThreadMetadataValue"})


def _foods(client: openai.OpenAI) -> str:
    return client.files.create(file=("favorite_foods.txt", FOODS), purpose="assistants").id


def file_search_streaming(client: openai.OpenAI) -> None:
    file_id = _foods(client)
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search", "file_search": {}}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [file_id]}]}},
    )
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "Using the files you have available, what's Filip's favorite food?"}
        ]
    )
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, include=CONTENT, additional_messages=[]
    ) as stream:
        stream.until_done()


def file_search_polling(client: openai.OpenAI) -> None:
    file_id = _foods(client)
    tool = {
        "type": "file_search",
        "file_search": {
            "max_num_results": 2,
            "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.5},
        },
    }
    assistant = client.beta.assistants.create(
        model="gpt-4o",
        tools=[tool],  # type: ignore[list-item]
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [file_id]}]}},
    )
    assert assistant.tool_resources is not None and assistant.tool_resources.file_search is not None
    client.beta.assistants.update(
        assistant.id,
        tool_resources={
            "file_search": {
                "vector_store_ids": list(assistant.tool_resources.file_search.vector_store_ids or [])
            }
        },
    )
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "Using the files you have available, what's Filip's favorite food?"}
        ],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [file_id]}]}},
    )
    assert thread.tool_resources is not None and thread.tool_resources.file_search is not None
    client.beta.threads.update(
        thread.id,
        tool_resources={
            "file_search": {
                "vector_store_ids": list(thread.tool_resources.file_search.vector_store_ids or [])
            }
        },
    )
    run = client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id, include=CONTENT, additional_messages=[]
    )
    run = client.beta.threads.runs.poll(run.id, thread_id=thread.id, poll_interval_ms=1)
    client.beta.threads.messages.list(thread.id, order="desc")
    steps = client.beta.threads.runs.steps.list(run_id=run.id, thread_id=thread.id, include=CONTENT)
    client.beta.threads.runs.steps.retrieve(
        steps.data[-1].id, thread_id=thread.id, run_id=run.id, include=CONTENT
    )


def function_tools(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {
            "description": "gets the user's favorite food for a given day of the week, like Tuesday",
            "name": "get_favorite_food_for_day_of_week",
            "parameters": {
                "type": "object",
                "properties": {
                    "day_of_week": {
                        "type": "string",
                        "description": "a day of the week, like Tuesday or Saturday",
                    }
                },
            },
        },
    }
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[tool])  # type: ignore[list-item]
    run = client.beta.threads.create_and_run(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "What food should I eat on Thursday?"}]},
    )
    run = client.beta.threads.runs.poll(run.id, thread_id=run.thread_id, poll_interval_ms=1)
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    client.beta.threads.runs.submit_tool_outputs(
        run.id, thread_id=run.thread_id, tool_outputs=[{"tool_call_id": call.id, "output": "tacos"}]
    )
    client.beta.threads.runs.poll(run.id, thread_id=run.thread_id, poll_interval_ms=1)
    client.beta.threads.messages.list(run.thread_id, order="desc")


def messages_with_roles(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "Hello, assistant!"},
            {"role": "assistant", "content": "Hi there, user."},
        ]
    )
    client.beta.threads.messages.list(thread.id)
    client.beta.threads.messages.create(thread.id, role="user", content="Hello, assistant!")
    client.beta.threads.messages.create(thread.id, role="assistant", content="Hi there, user.")
    client.beta.threads.messages.list(thread.id)


def paging_assistants(client: openai.OpenAI) -> None:
    for index in range(10):
        client.beta.assistants.create(model="gpt-4o", metadata={"test_metadata_cleanup_eligible": str(index)})
    page = client.beta.assistants.list(limit=2, order="desc")
    while page.has_more:
        page = client.beta.assistants.list(limit=2, order="desc", after=page.data[-1].id)


def response_format(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o", response_format="auto")
    client.beta.assistants.update(assistant.id, response_format={"type": "text"})
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread.id, role="user", content="Write some JSON for me!")
    client.beta.threads.runs.create(
        thread_id=thread.id,
        assistant_id=assistant.id,
        include=CONTENT,
        additional_messages=[],
        response_format={"type": "json_object"},
    )


def streaming_run(client: openai.OpenAI) -> None:
    assistant = client.beta.assistants.create(model="gpt-4o")
    thread = client.beta.threads.create(
        messages=[{"role": "user", "content": "Hello there, assistant! How are you today?"}]
    )
    stream = client.beta.threads.runs.create(
        thread_id=thread.id, assistant_id=assistant.id, include=CONTENT, additional_messages=[], stream=True
    )
    for _ in stream:
        pass


def streaming_tool_call(client: openai.OpenAI) -> None:
    tool = {
        "type": "function",
        "function": {"description": "Gets the user's current weather", "name": "get_current_weather"},
    }
    assistant = client.beta.assistants.create(model="gpt-4o", tools=[tool])  # type: ignore[list-item]
    with client.beta.threads.create_and_run_stream(
        assistant_id=assistant.id,
        thread={
            "messages": [{"role": "user", "content": "What should I wear outside in this weather right now?"}]
        },
    ) as stream:
        stream.until_done()
        run = stream.current_run
    assert run is not None and run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    with client.beta.threads.runs.submit_tool_outputs_stream(
        run_id=run.id,
        thread_id=run.thread_id,
        tool_outputs=[{"tool_call_id": call.id, "output": "warm and sunny"}],
    ) as stream:
        stream.until_done()


def initial_messages(client: openai.OpenAI) -> None:
    thread = client.beta.threads.create(
        messages=[
            {"role": "user", "content": "Hello, world!"},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Can you describe this image for me?"},
                    {"type": "image_url", "image_url": {"url": "https://test.example/image.png"}},
                ],
                "metadata": {"messageMetadata": "messageMetadataValue"},
            },
        ]
    )
    client.beta.threads.messages.list(thread.id, order="asc")


def _uploads(client: openai.OpenAI, count: int) -> list[str]:
    return [
        client.files.create(file=(f"test-file-{i}.txt", b"text %d" % i), purpose="assistants").id
        for i in range(count)
    ]


def batch_ingestion(client: openai.OpenAI) -> None:
    store = client.vector_stores.create()
    files = _uploads(client, 5)
    client.vector_stores.file_batches.create(store.id, file_ids=files)
    client.vector_stores.files.list(store.id)


def associate_files(client: openai.OpenAI) -> None:
    store = client.vector_stores.create()
    files = _uploads(client, 3)
    for file_id in files:
        client.vector_stores.files.create(store.id, file_id=file_id)
    client.vector_stores.files.delete(files[0], vector_store_id=store.id)
    client.vector_stores.files.list(store.id)


def create_get_delete_stores(client: openai.OpenAI) -> None:
    store = client.vector_stores.create()
    client.vector_stores.delete(store.id)
    files = _uploads(client, 5)
    store = client.vector_stores.create(
        file_ids=files[:1],
        name="test vector store",
        expires_after={"anchor": "last_active_at", "days": 3},
        metadata={"test-key": "test-value"},
    )
    client.vector_stores.delete(store.id)
    client.vector_stores.create(file_ids=files)


SCENARIOS: dict[str, Scenario] = {
    f"{TRACELOOP}test_assistant__test_new_assistant.yaml": traceloop_polling,
    f"{TRACELOOP}test_assistant__test_existing_assistant.yaml": traceloop_polling,
    f"{TRACELOOP}test_assistant__test_new_assistant_with_polling.yaml": traceloop_create_and_poll,
    f"{TRACELOOP}test_assistant__test_streaming_new_assistant.yaml": traceloop_streaming,
    f"{TRACELOOP}test_assistant__test_streaming_existing_assistant.yaml": traceloop_streaming,
    "traceloop__openllmetry/packages__opentelemetry-instrumentation-llamaindex__tests__cassettes__test_agents__"
    "test_agent_with_query_tool.yaml": llamaindex_query_tool,
    f"{DOTNET}AssistantsTests__BasicAssistantOperationsWork.json": basic_assistant_operations,
    f"{DOTNET}AssistantsTests__BasicMessageOperationsWork.json": basic_message_operations,
    f"{DOTNET}AssistantsTests__BasicRunOperationsWork.json": basic_run_operations,
    f"{DOTNET}AssistantsTests__BasicThreadOperationsWork.json": basic_thread_operations,
    f"{DOTNET}AssistantsTests__FileSearchStreamingWorks.json": file_search_streaming,
    f"{DOTNET}AssistantsTests__FileSearchWorks.json": file_search_polling,
    f"{DOTNET}AssistantsTests__FunctionToolsWork.json": function_tools,
    f"{DOTNET}AssistantsTests__MessagesWithRoles.json": messages_with_roles,
    f"{DOTNET}AssistantsTests__Pagination_CanPageThroughAssistantCollection.json": paging_assistants,
    f"{DOTNET}AssistantsTests__SettingResponseFormatWorks.json": response_format,
    f"{DOTNET}AssistantsTests__StreamingRunWorks.json": streaming_run,
    f"{DOTNET}AssistantsTests__StreamingToolCall().json": streaming_tool_call,
    f"{DOTNET}AssistantsTests__ThreadWithInitialMessagesWorks.json": initial_messages,
    f"{DOTNET}VectorStoresTests__CanUseBatchIngestion.json": batch_ingestion,
    f"{DOTNET}VectorStoresTests__CanAssociateFiles.json": associate_files,
    f"{DOTNET}VectorStoresTests__CanCreateGetAndDeleteVectorStores.json": create_get_delete_stores,
}


def _server_bodies(server: RunningServer, scenario: Scenario) -> list[tuple[str, str]]:
    tap = Tap()
    with (
        httpx2.Client(transport=tap) as http,
        openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0, http_client=http) as client,
    ):
        scenario(client)
    return tap.bodies


@pytest.fixture(scope="module")
def comparisons() -> Iterator[dict[str, tuple[int, int, list[str], bool]]]:
    """Per recording: (matching units, shared units, mismatch notes, streams equal)."""
    from harness.server import serve_in_thread

    results: dict[str, tuple[int, int, list[str], bool]] = {}
    for name, scenario in SCENARIOS.items():
        real_units, real_streams = shape(real_bodies(REAL / name))
        with serve_in_thread() as server:
            ours_units, ours_streams = shape(_server_bodies(server, scenario))
        shared = sorted(set(real_units) & set(ours_units))
        notes = [
            f"{unit}: real-only {sorted(real_units[unit] - ours_units[unit])}, "
            f"server-only {sorted(ours_units[unit] - real_units[unit])}"
            for unit in shared
            if real_units[unit] != ours_units[unit]
        ]
        matched = len(shared) - len(notes)
        results[name] = (matched, len(shared), notes, real_streams == ours_streams)
    yield results


def test_key_sets_match_the_real_recordings(comparisons: dict[str, tuple[int, int, list[str], bool]]) -> None:
    matched = sum(m for m, _, _, _ in comparisons.values())
    shared = sum(s for _, s, _, _ in comparisons.values())
    rate = matched / shared
    print(f"\nfidelity: {matched}/{shared} units match ({rate:.1%}) over {len(comparisons)} real recordings")
    for name, (_, _, notes, _) in comparisons.items():
        for note in notes:
            print(f"  {name.split('__')[-1]}: {note}")
    assert shared > 100
    assert rate >= 0.95, f"only {rate:.1%} of object shapes match the real recordings"


def test_stream_event_sequences_match(comparisons: dict[str, tuple[int, int, list[str], bool]]) -> None:
    different = [name for name, (_, _, _, same) in comparisons.items() if not same]
    assert different == []
