"""Request bodies of every create / update / createAndRun / submitToolOutputs call.

Path parameters (``thread_id``, ``run_id``) and the ``include[]`` query parameter are not part of a body,
even where an SDK takes them in the same argument object. Unknown body fields are drift, as in objects.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag

from harness.contracts._model_functions import string_or_array
from harness.contracts._models._common import (
    RUN_TOOLS_MAX,
    TOOLS_MAX,
    ContractModel,
    Description,
    Instructions,
    MaxTokens,
    Metadata,
    Name,
    ReasoningEffort,
    Temperature,
    TopP,
)
from harness.contracts._models._files import UploadPurpose
from harness.contracts._models._messages import (
    ImageFileContentBlock,
    ImageURLContentBlock,
    MessageRole,
)
from harness.contracts._models._tools import (
    AssistantTool,
    AttachmentTool,
    ChunkingStrategyParam,
    ResponseFormat,
    ToolChoice,
    ToolResources,
    ToolResourcesParam,
    TruncationStrategy,
)
from harness.contracts._models._vector_stores import Attributes, VectorStoreExpirationAfter


class CreateAssistantRequest(ContractModel):
    """Body of ``POST /assistants``."""

    model: str
    name: Name | None = None
    description: Description | None = None
    instructions: Instructions | None = None
    reasoning_effort: ReasoningEffort | None = None
    tools: list[AssistantTool] = Field(default_factory=list, max_length=TOOLS_MAX)
    tool_resources: ToolResourcesParam | None = None
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    response_format: ResponseFormat | None = None


class ModifyAssistantRequest(ContractModel):
    """Body of ``POST /assistants/{assistant_id}``; every field is optional."""

    model: str | None = None
    reasoning_effort: ReasoningEffort | None = None
    name: Name | None = None
    description: Description | None = None
    instructions: Instructions | None = None
    tools: list[AssistantTool] = Field(default_factory=list, max_length=TOOLS_MAX)
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    response_format: ResponseFormat | None = None


class TextContentPartParam(ContractModel):
    """A text part of a message being created."""

    type: Literal["text"]
    text: str


MessageContentPartParam = Annotated[
    ImageFileContentBlock | ImageURLContentBlock | TextContentPartParam, Field(discriminator="type")
]


MessageContentParam = Annotated[
    Annotated[str, Tag("string")]
    | Annotated[Annotated[list[MessageContentPartParam], Field(min_length=1)], Tag("array")],
    Discriminator(string_or_array),
]
"""A message's content: a string, or at least one content part."""


class MessageAttachmentParam(ContractModel):
    """A file a message request attaches, and the tools it is made available to.

    ``file_id`` is required: the OpenAPI document requires it (``CreateMessageRequest.attachments``) and
    the API rejects an attachment without it. The attachments of a message *object* keep it optional
    (:class:`MessageAttachment`), as the documents do there.
    """

    file_id: str
    tools: list[AttachmentTool] | None = None


class CreateMessageRequest(ContractModel):
    """Body of ``POST /threads/{thread_id}/messages``; also a message of a thread being created."""

    role: MessageRole
    content: MessageContentParam
    attachments: list[MessageAttachmentParam] | None = None
    metadata: Metadata | None = None


class ModifyMessageRequest(ContractModel):
    """Body of ``POST /threads/{thread_id}/messages/{message_id}``."""

    metadata: Metadata | None = None


class CreateThreadRequest(ContractModel):
    """Body of ``POST /threads`` (and the ``thread`` of createAndRun)."""

    messages: list[CreateMessageRequest] | None = None
    tool_resources: ToolResourcesParam | None = None
    metadata: Metadata | None = None


class ModifyThreadRequest(ContractModel):
    """Body of ``POST /threads/{thread_id}``."""

    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None


class CreateRunRequest(ContractModel):
    """Body of ``POST /threads/{thread_id}/runs``; ``stream: true`` turns the response into SSE."""

    assistant_id: str
    model: str | None = None
    reasoning_effort: ReasoningEffort | None = None
    instructions: str | None = None
    additional_instructions: str | None = None
    additional_messages: list[CreateMessageRequest] | None = None
    tools: Annotated[list[AssistantTool], Field(max_length=RUN_TOOLS_MAX)] | None = None
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    stream: bool | None = None
    max_prompt_tokens: MaxTokens | None = None
    max_completion_tokens: MaxTokens | None = None
    truncation_strategy: TruncationStrategy | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool = True
    response_format: ResponseFormat | None = None


class CreateThreadAndRunRequest(ContractModel):
    """Body of ``POST /threads/runs``: a new thread and a run on it; ``stream: true`` streams."""

    assistant_id: str
    thread: CreateThreadRequest | None = None
    model: str | None = None
    instructions: str | None = None
    tools: Annotated[list[AssistantTool], Field(max_length=RUN_TOOLS_MAX)] | None = None
    tool_resources: ToolResources | None = None
    metadata: Metadata | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    stream: bool | None = None
    max_prompt_tokens: MaxTokens | None = None
    max_completion_tokens: MaxTokens | None = None
    truncation_strategy: TruncationStrategy | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool = True
    response_format: ResponseFormat | None = None


class ModifyRunRequest(ContractModel):
    """Body of ``POST /threads/{thread_id}/runs/{run_id}``."""

    metadata: Metadata | None = None


class ToolOutput(ContractModel):
    """The output of one tool call."""

    tool_call_id: str | None = None
    output: str | None = None


class SubmitToolOutputsRunRequest(ContractModel):
    """Body of ``POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs``."""

    tool_outputs: list[ToolOutput]
    stream: bool | None = None


# --- files and vector stores (what file search reads) -----------------------------------------------


class FileExpirationAfter(ContractModel):
    """Expire an uploaded file 1 hour to 30 days after its creation."""

    anchor: Literal["created_at"]
    seconds: Annotated[int, Field(ge=3600, le=2_592_000)]


class CreateFileRequest(ContractModel):
    """The multipart form of ``POST /files``: the file's bytes and its purpose."""

    file: bytes
    purpose: UploadPurpose
    expires_after: FileExpirationAfter | None = None


class CreateVectorStoreRequest(ContractModel):
    """Body of ``POST /vector_stores``."""

    file_ids: Annotated[list[str], Field(max_length=500)] | None = None
    name: str | None = None
    description: str | None = None
    expires_after: VectorStoreExpirationAfter | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
    metadata: Metadata | None = None


class UpdateVectorStoreRequest(ContractModel):
    """Body of ``POST /vector_stores/{vector_store_id}``."""

    name: str | None = None
    expires_after: VectorStoreExpirationAfter | None = None
    metadata: Metadata | None = None


class CreateVectorStoreFileRequest(ContractModel):
    """Body of ``POST /vector_stores/{vector_store_id}/files`` (and one file of a batch)."""

    file_id: str
    chunking_strategy: ChunkingStrategyParam | None = None
    attributes: Attributes | None = None


class CreateVectorStoreFileBatchRequest(ContractModel):
    """Body of ``POST /vector_stores/{vector_store_id}/file_batches``: ``file_ids`` or ``files``."""

    file_ids: Annotated[list[str], Field(min_length=1, max_length=2000)] | None = None
    files: Annotated[list[CreateVectorStoreFileRequest], Field(min_length=1, max_length=2000)] | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
    attributes: Attributes | None = None
