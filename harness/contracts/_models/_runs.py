"""Runs: the object, what it may require, why it stopped, and its list page."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from harness.contracts._models._common import (
    TOOLS_MAX,
    ContractModel,
    ListPage,
    MaxTokens,
    Metadata,
    UnixTime,
    Usage,
)
from harness.contracts._models._tools import (
    AssistantTool,
    ResponseFormat,
    ToolChoice,
    TruncationStrategy,
)

RunStatus = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]


class RequiredActionFunction(ContractModel):
    """The function call the model asks the caller to run."""

    name: str
    arguments: str


class RequiredActionFunctionToolCall(ContractModel):
    """A function call awaiting its output; ``id`` is quoted when submitting it."""

    id: str
    type: Literal["function"]
    function: RequiredActionFunction


class SubmitToolOutputsAction(ContractModel):
    """The tool calls that need outputs."""

    tool_calls: list[RequiredActionFunctionToolCall]


class RequiredAction(ContractModel):
    """What a run in ``requires_action`` waits for."""

    type: Literal["submit_tool_outputs"]
    submit_tool_outputs: SubmitToolOutputsAction


class RunLastError(ContractModel):
    """The error a failed run ended with."""

    code: Literal["server_error", "rate_limit_exceeded", "invalid_prompt"]
    message: str


class RunIncompleteDetails(ContractModel):
    """Why a run ended ``incomplete``."""

    reason: Literal["max_completion_tokens", "max_prompt_tokens"] | None = None


class Run(ContractModel):
    """One execution of an assistant on a thread (``object: "thread.run"``).

    ``tools`` are the assistant's tools unless the run overrode them, hence the assistant's limit.
    ``instructions`` is ``null`` when neither the assistant nor the run gave any (real traffic; the
    documents say string).
    """

    id: str
    object: Literal["thread.run"]
    created_at: UnixTime
    thread_id: str
    assistant_id: str
    status: RunStatus
    required_action: RequiredAction | None
    last_error: RunLastError | None
    expires_at: UnixTime | None
    started_at: UnixTime | None
    cancelled_at: UnixTime | None
    failed_at: UnixTime | None
    completed_at: UnixTime | None
    incomplete_details: RunIncompleteDetails | None
    model: str
    instructions: str | None
    tools: Annotated[list[AssistantTool], Field(max_length=TOOLS_MAX)]
    metadata: Metadata | None
    usage: Usage | None
    max_prompt_tokens: MaxTokens | None
    max_completion_tokens: MaxTokens | None
    truncation_strategy: TruncationStrategy | None
    tool_choice: ToolChoice | None
    parallel_tool_calls: bool
    response_format: ResponseFormat | None
    temperature: float | None = None
    top_p: float | None = None


class RunList(ListPage[Run]):
    """A page of runs."""
