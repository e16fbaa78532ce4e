"""Run steps: message creation and tool calls (code interpreter, file search, functions), and deltas."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from harness.contracts._models._common import ContractModel, ListPage, Metadata, UnixTime, Usage
from harness.contracts._models._tools import FileSearchRanker

# --- complete tool calls -------------------------------------------------------------------------------


class CodeInterpreterLogs(ContractModel):
    """Text output (logs) of the code interpreter."""

    type: Literal["logs"]
    logs: str


class CodeInterpreterImage(ContractModel):
    """The file of an image the code interpreter produced."""

    file_id: str


class CodeInterpreterImageOutput(ContractModel):
    """Image output of the code interpreter."""

    type: Literal["image"]
    image: CodeInterpreterImage


CodeInterpreterOutput = Annotated[
    CodeInterpreterLogs | CodeInterpreterImageOutput, Field(discriminator="type")
]


class CodeInterpreterDetails(ContractModel):
    """The code that ran and what it printed or drew."""

    input: str
    outputs: list[CodeInterpreterOutput]


class CodeInterpreterToolCall(ContractModel):
    """A code interpreter call."""

    id: str
    type: Literal["code_interpreter"]
    code_interpreter: CodeInterpreterDetails


class FileSearchCallRankingOptions(ContractModel):
    """The ranking a file search used."""

    ranker: FileSearchRanker
    score_threshold: Annotated[float, Field(ge=0, le=1)]


class FileSearchResultContent(ContractModel):
    """A chunk of a result (present when the ``include`` query asked for it)."""

    type: Literal["text"] | None = None
    text: str | None = None


class FileSearchResult(ContractModel):
    """One file search hit with its relevance score in [0, 1]."""

    file_id: str
    file_name: str
    score: Annotated[float, Field(ge=0, le=1)]
    content: list[FileSearchResultContent] | None = None


class FileSearchDetails(ContractModel):
    """What a file search looked at and found."""

    ranking_options: FileSearchCallRankingOptions | None = None
    results: list[FileSearchResult] | None = None


class FileSearchToolCall(ContractModel):
    """A file search call."""

    id: str
    type: Literal["file_search"]
    file_search: FileSearchDetails


class FunctionCallDetails(ContractModel):
    """A function call with its output (``null`` until submitted)."""

    name: str
    arguments: str
    output: str | None


class FunctionToolCall(ContractModel):
    """A function call."""

    id: str
    type: Literal["function"]
    function: FunctionCallDetails


ToolCall = Annotated[
    CodeInterpreterToolCall | FileSearchToolCall | FunctionToolCall, Field(discriminator="type")
]


class MessageCreation(ContractModel):
    """The message a step created."""

    message_id: str


class MessageCreationStepDetails(ContractModel):
    """Details of a ``message_creation`` step."""

    type: Literal["message_creation"]
    message_creation: MessageCreation


class ToolCallsStepDetails(ContractModel):
    """Details of a ``tool_calls`` step."""

    type: Literal["tool_calls"]
    tool_calls: list[ToolCall]


StepDetails = Annotated[MessageCreationStepDetails | ToolCallsStepDetails, Field(discriminator="type")]


class RunStepLastError(ContractModel):
    """The error a failed step ended with."""

    code: Literal["server_error", "rate_limit_exceeded"]
    message: str


class RunStep(ContractModel):
    """One step of a run (``object: "thread.run.step"``)."""

    id: str
    object: Literal["thread.run.step"]
    created_at: UnixTime
    assistant_id: str
    thread_id: str
    run_id: str
    type: Literal["message_creation", "tool_calls"]
    status: Literal["in_progress", "cancelled", "failed", "completed", "expired"]
    step_details: StepDetails
    last_error: RunStepLastError | None
    expired_at: UnixTime | None
    cancelled_at: UnixTime | None
    failed_at: UnixTime | None
    completed_at: UnixTime | None
    metadata: Metadata | None
    usage: Usage | None


class RunStepList(ListPage[RunStep]):
    """A page of run steps."""


# --- deltas (``thread.run.step.delta`` stream events) ------------------------------------------------


class CodeInterpreterLogsDelta(ContractModel):
    """Logs streamed at position ``index`` of the outputs."""

    index: int
    type: Literal["logs"]
    logs: str | None = None


class CodeInterpreterImageDelta(ContractModel):
    """Part of an image output."""

    file_id: str | None = None


class CodeInterpreterImageOutputDelta(ContractModel):
    """An image output at position ``index`` of the outputs."""

    index: int
    type: Literal["image"]
    image: CodeInterpreterImageDelta | None = None


CodeInterpreterOutputDelta = Annotated[
    CodeInterpreterLogsDelta | CodeInterpreterImageOutputDelta, Field(discriminator="type")
]


class CodeInterpreterDetailsDelta(ContractModel):
    """New code and outputs."""

    input: str | None = None
    outputs: list[CodeInterpreterOutputDelta] | None = None


class CodeInterpreterToolCallDelta(ContractModel):
    """A code interpreter call (or part of one) at position ``index`` of the tool calls."""

    index: int
    type: Literal["code_interpreter"]
    id: str | None = None
    code_interpreter: CodeInterpreterDetailsDelta | None = None


class FileSearchToolCallDelta(ContractModel):
    """A file search call at position ``index``; ``file_search`` is a map (empty while searching)."""

    index: int
    type: Literal["file_search"]
    id: str | None = None
    file_search: dict[str, Any]


class FunctionCallDelta(ContractModel):
    """Part of a function call."""

    name: str | None = None
    arguments: str | None = None
    output: str | None = None


class FunctionToolCallDelta(ContractModel):
    """A function call (or part of one) at position ``index`` of the tool calls."""

    index: int
    type: Literal["function"]
    id: str | None = None
    function: FunctionCallDelta | None = None


ToolCallDelta = Annotated[
    CodeInterpreterToolCallDelta | FileSearchToolCallDelta | FunctionToolCallDelta,
    Field(discriminator="type"),
]


class MessageCreationDelta(ContractModel):
    """The message a step is creating."""

    message_id: str | None = None


class RunStepDeltaMessageDelta(ContractModel):
    """Delta of a ``message_creation`` step."""

    type: Literal["message_creation"]
    message_creation: MessageCreationDelta | None = None


class ToolCallDeltaObject(ContractModel):
    """Delta of a ``tool_calls`` step."""

    type: Literal["tool_calls"]
    tool_calls: list[ToolCallDelta] | None = None


StepDetailsDelta = Annotated[RunStepDeltaMessageDelta | ToolCallDeltaObject, Field(discriminator="type")]


class RunStepDelta(ContractModel):
    """The changed fields of a run step."""

    step_details: StepDetailsDelta | None = None


class RunStepDeltaEvent(ContractModel):
    """The data of a ``thread.run.step.delta`` event (``object: "thread.run.step.delta"``)."""

    id: str
    object: Literal["thread.run.step.delta"]
    delta: RunStepDelta
