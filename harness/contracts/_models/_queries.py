"""Query parameters of list endpoints and of the ``include[]`` option.

Query values arrive as text, so these models convert (``"20"`` is the limit 20) instead of being strict.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AliasChoices, ConfigDict, Field

from harness.contracts._models._common import LIST_LIMIT_MAX, LIST_LIMIT_MIN, ContractModel

StepInclude = Literal["step_details.tool_calls[*].file_search.results[*].content"]
"""The one value of ``include[]``: add file search result contents to run steps."""


class QueryModel(ContractModel):
    """Base of query models: lax conversion from text, unknown parameters kept as drift."""

    model_config = ConfigDict(strict=False)


class ListQuery(QueryModel):
    """Cursor pagination: ``limit`` (1..100), ``order`` (asc|desc), ``after``, ``before``."""

    limit: Annotated[int, Field(ge=LIST_LIMIT_MIN, le=LIST_LIMIT_MAX)] | None = None
    order: Literal["asc", "desc"] | None = None
    after: str | None = None
    before: str | None = None


class ListMessagesQuery(ListQuery):
    """Listing messages: pagination, optionally only the messages of one run."""

    run_id: str | None = None


class IncludeQuery(QueryModel):
    """The ``include[]`` parameter of run creation and run step retrieval."""

    include: list[StepInclude] | None = Field(
        default=None, validation_alias=AliasChoices("include[]", "include"), serialization_alias="include[]"
    )


class ListRunStepsQuery(ListQuery):
    """Listing run steps: pagination and ``include[]``."""

    include: list[StepInclude] | None = Field(
        default=None, validation_alias=AliasChoices("include[]", "include"), serialization_alias="include[]"
    )


class ListFilesQuery(QueryModel):
    """Listing files: ``purpose``, ``limit`` (1..10 000), ``order``, ``after``."""

    purpose: str | None = None
    limit: Annotated[int, Field(ge=1, le=10_000)] | None = None
    order: Literal["asc", "desc"] | None = None
    after: str | None = None


class ListVectorStoreFilesQuery(ListQuery):
    """Listing the files of a vector store or of a batch: pagination and a status ``filter``."""

    filter: Literal["in_progress", "completed", "failed", "cancelled"] | None = None
