"""Building blocks shared by every contract: the base model, metadata, limits, errors, pages, usage.

Every contract model derives from :class:`ContractModel`: strict types (a JSON string is never an
integer), ``extra="allow"`` so that fields the contract does not know are kept and reported as drift by
the validator instead of being rejected. Fields that the API reference documents as always present but
nullable are required-and-nullable (``x: T | None`` without a default); optional fields have a default.
"""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# Documented limits (API reference, cross-checked with the OpenAPI document).
NAME_MAX = 256
"""Assistant names: at most 256 characters."""
DESCRIPTION_MAX = 512
"""Assistant descriptions: at most 512 characters."""
INSTRUCTIONS_MAX = 256_000
"""Assistant instructions: at most 256 000 characters."""
METADATA_MAX_PAIRS = 16
"""Metadata maps: at most 16 key-value pairs."""
METADATA_KEY_MAX = 64
"""Metadata keys: at most 64 characters."""
METADATA_VALUE_MAX = 512
"""Metadata values: at most 512 characters."""
TOOLS_MAX = 128
"""Tools of an assistant (and of the run that inherits them): at most 128."""
RUN_TOOLS_MAX = 20
"""Tools that a run request may set as an override: at most 20 (OpenAPI ``CreateRunRequest``)."""
CODE_INTERPRETER_FILES_MAX = 20
"""Files attached to the code interpreter of an assistant or thread: at most 20."""
VECTOR_STORE_IDS_MAX = 1
"""Vector stores attached to file search of an assistant or thread: at most 1."""
MAX_NUM_RESULTS_MIN, MAX_NUM_RESULTS_MAX = 1, 50
"""Bounds of ``file_search.max_num_results``."""
LIST_LIMIT_MIN, LIST_LIMIT_MAX = 1, 100
"""Bounds of the ``limit`` query parameter of list endpoints."""
FUNCTION_NAME_MAX = 64
"""Function names and JSON Schema response format names: at most 64 characters."""
FUNCTION_NAME_PATTERN = r"^[a-zA-Z0-9_-]+$"
"""Function names and JSON Schema response format names: letters, digits, underscores and dashes."""
MAX_TOKENS_MIN = 1
"""Smallest ``max_prompt_tokens`` / ``max_completion_tokens`` a run accepts. The documents say 256; the real
API accepted 16 and reports it on the run (see ``_deviations.py``)."""


class ContractModel(BaseModel):
    """Base of every contract model: strict JSON types, unknown fields kept for drift reports."""

    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)


Name = Annotated[str, StringConstraints(max_length=NAME_MAX)]
Description = Annotated[str, StringConstraints(max_length=DESCRIPTION_MAX)]
Instructions = Annotated[str, StringConstraints(max_length=INSTRUCTIONS_MAX)]
FunctionName = Annotated[str, StringConstraints(max_length=FUNCTION_NAME_MAX, pattern=FUNCTION_NAME_PATTERN)]
"""A function (or JSON Schema response format) name: 1..64 of ``a-zA-Z0-9_-``."""
MetadataKey = Annotated[str, StringConstraints(max_length=METADATA_KEY_MAX)]
MetadataValue = Annotated[str, StringConstraints(max_length=METADATA_VALUE_MAX)]
Metadata = Annotated[dict[MetadataKey, MetadataValue], Field(max_length=METADATA_MAX_PAIRS)]
"""Up to 16 string pairs; keys up to 64 characters, values up to 512."""
Temperature = Annotated[float, Field(ge=0, le=2)]
TopP = Annotated[float, Field(ge=0, le=1)]
MaxTokens = Annotated[int, Field(ge=MAX_TOKENS_MIN)]
UnixTime = int
"""Seconds since the epoch."""

ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
"""The API reference lists none..high; the OpenAPI document adds ``xhigh`` and ``max``."""


class Usage(ContractModel):
    """Token usage of a run or a run step (``null`` until it is terminal)."""

    completion_tokens: int
    prompt_tokens: int
    total_tokens: int


class ErrorObject(ContractModel):
    """The ``error`` member of an error body, and the data of the ``error`` stream event."""

    message: str
    type: str
    param: str | None
    code: str | None


class ErrorResponse(ContractModel):
    """The body of every response with status >= 400: ``{"error": {...}}``."""

    error: ErrorObject


ItemT = TypeVar("ItemT", bound=BaseModel)


class ListPage(ContractModel, Generic[ItemT]):
    """A cursor page: ``object: "list"``, ``data`` and the cursors.

    ``first_id`` / ``last_id`` are ``null`` on an empty page.
    """

    object: Literal["list"]
    data: list[ItemT]
    first_id: str | None
    last_id: str | None
    has_more: bool
