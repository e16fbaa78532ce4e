"""Tools, tool resources, response formats, tool choice and truncation: shared by assistants and runs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Discriminator, Field, JsonValue, Tag

from harness.contracts._model_functions import named_when_function, string_or_object
from harness.contracts._models._common import (
    CODE_INTERPRETER_FILES_MAX,
    MAX_NUM_RESULTS_MAX,
    MAX_NUM_RESULTS_MIN,
    VECTOR_STORE_IDS_MAX,
    ContractModel,
    FunctionName,
    Metadata,
)

FileSearchRanker = Literal["auto", "default_2024_08_21"]


class FileSearchRankingOptions(ContractModel):
    """Ranking of file search results: a score threshold in [0, 1] and the ranker."""

    score_threshold: Annotated[float, Field(ge=0, le=1)]
    ranker: FileSearchRanker | None = None


class FileSearchSettings(ContractModel):
    """Overrides for the file search tool."""

    max_num_results: Annotated[int, Field(ge=MAX_NUM_RESULTS_MIN, le=MAX_NUM_RESULTS_MAX)] | None = None
    ranking_options: FileSearchRankingOptions | None = None


class CodeInterpreterTool(ContractModel):
    """The code interpreter tool."""

    type: Literal["code_interpreter"]


class FileSearchTool(ContractModel):
    """The file search tool, with optional settings."""

    type: Literal["file_search"]
    file_search: FileSearchSettings | None = None


class FunctionDefinition(ContractModel):
    """A function the model may call; ``parameters`` is a JSON Schema object.

    ``name`` is 1..64 of ``a-zA-Z0-9_-`` (OpenAPI ``FunctionObject``), in requests and in the assistants
    and runs that report the tools back: the API checks the name when it is sent.
    """

    name: FunctionName
    description: str | None = None
    parameters: dict[str, Any] | None = None
    strict: bool | None = None


class FunctionTool(ContractModel):
    """A function tool."""

    type: Literal["function"]
    function: FunctionDefinition


AssistantTool = Annotated[CodeInterpreterTool | FileSearchTool | FunctionTool, Field(discriminator="type")]
"""One tool of an assistant or run, discriminated on ``type``."""


class FileSearchTypeOnlyTool(ContractModel):
    """The file search tool as named by a message attachment (no settings)."""

    type: Literal["file_search"]


AttachmentTool = Annotated[CodeInterpreterTool | FileSearchTypeOnlyTool, Field(discriminator="type")]
"""A tool a message attachment is made available to."""


class CodeInterpreterResources(ContractModel):
    """Files available to the code interpreter (at most 20)."""

    file_ids: Annotated[list[str], Field(max_length=CODE_INTERPRETER_FILES_MAX)] | None = None


class FileSearchResources(ContractModel):
    """Vector stores available to file search (at most 1)."""

    vector_store_ids: Annotated[list[str], Field(max_length=VECTOR_STORE_IDS_MAX)] | None = None


class ToolResources(ContractModel):
    """Resources of the tools of an assistant or thread."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResources | None = None


class AutoChunkingStrategy(ContractModel):
    """Let the service choose chunk sizes."""

    type: Literal["auto"]


class StaticChunkingConfig(ContractModel):
    """Fixed chunk size (100..4096 tokens) and overlap."""

    max_chunk_size_tokens: Annotated[int, Field(ge=100, le=4096)]
    chunk_overlap_tokens: int


class StaticChunkingStrategy(ContractModel):
    """Fixed chunking."""

    type: Literal["static"]
    static: StaticChunkingConfig


ChunkingStrategyParam = Annotated[AutoChunkingStrategy | StaticChunkingStrategy, Field(discriminator="type")]
"""How a request asks files to be chunked."""


class NewVectorStoreParam(ContractModel):
    """A vector store created on the fly from files by an assistant or thread create request."""

    file_ids: Annotated[list[str], Field(max_length=100_000_000)] | None = None
    chunking_strategy: ChunkingStrategyParam | None = None
    metadata: Metadata | None = None


class FileSearchResourcesParam(ContractModel):
    """File search resources of a create request: existing stores or stores made from files."""

    vector_store_ids: Annotated[list[str], Field(max_length=VECTOR_STORE_IDS_MAX)] | None = None
    vector_stores: Annotated[list[NewVectorStoreParam], Field(max_length=VECTOR_STORE_IDS_MAX)] | None = None


class ToolResourcesParam(ContractModel):
    """Tool resources of an assistant or thread create request."""

    code_interpreter: CodeInterpreterResources | None = None
    file_search: FileSearchResourcesParam | None = None


class ResponseFormatText(ContractModel):
    """Plain text responses."""

    type: Literal["text"]


class ResponseFormatJSONObject(ContractModel):
    """JSON mode."""

    type: Literal["json_object"]


class JSONSchemaFormat(ContractModel):
    """A named JSON Schema for structured outputs; ``name`` is 1..64 of ``a-zA-Z0-9_-``."""

    name: FunctionName
    description: str | None = None
    schema_: dict[str, Any] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormatJSONSchema(ContractModel):
    """Structured outputs against a JSON Schema."""

    type: Literal["json_schema"]
    json_schema: JSONSchemaFormat


ResponseFormatObject = Annotated[
    ResponseFormatText | ResponseFormatJSONObject | ResponseFormatJSONSchema, Field(discriminator="type")
]
ResponseFormat = Annotated[
    Annotated[Literal["auto"], Tag("string")] | Annotated[ResponseFormatObject, Tag("object")],
    Discriminator(string_or_object),
]
"""``"auto"`` or a response format object."""


class ToolChoiceFunction(ContractModel):
    """The function a named tool choice forces: one of the function tools, so its name follows their rule."""

    name: FunctionName


_FUNCTION_NAMED: dict[str, JsonValue] = {
    "if": {"properties": {"type": {"const": "function"}}, "required": ["type"]},
    "then": {"required": ["function"]},
}
"""The rule of :class:`AssistantToolChoice` in its JSON Schema."""


class AssistantToolChoice(ContractModel):
    """Force one tool (and, for functions, which one: ``function`` is required when ``type`` is ``function``).

    The OpenAPI document (``AssistantsNamedToolChoice``) says the function name must be set when the type
    is ``function``; its absence is reported as a missing ``function`` field.
    """

    model_config = ConfigDict(json_schema_extra=_FUNCTION_NAMED)

    type: Literal["function", "code_interpreter", "file_search"]
    function: Annotated[ToolChoiceFunction | None, AfterValidator(named_when_function)] = Field(
        default=None, validate_default=True
    )


ToolChoice = Annotated[
    Annotated[Literal["none", "auto", "required"], Tag("string")]
    | Annotated[AssistantToolChoice, Tag("object")],
    Discriminator(string_or_object),
]
"""``none`` / ``auto`` / ``required`` or a named tool."""


class TruncationStrategy(ContractModel):
    """How the thread is truncated before a run: ``auto`` or the last N (>= 1) messages."""

    type: Literal["auto", "last_messages"]
    last_messages: Annotated[int, Field(ge=1)] | None = None
