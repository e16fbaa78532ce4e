"""Assistants: the object, its deletion and its list page."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from harness.contracts._models._common import (
    TOOLS_MAX,
    ContractModel,
    Description,
    Instructions,
    ListPage,
    Metadata,
    Name,
    Temperature,
    TopP,
    UnixTime,
)
from harness.contracts._models._tools import AssistantTool, ResponseFormat, ToolResources


class Assistant(ContractModel):
    """An assistant: a model with instructions and tools (``object: "assistant"``)."""

    id: str
    object: Literal["assistant"]
    created_at: UnixTime
    name: Name | None
    description: Description | None
    model: str
    instructions: Instructions | None
    tools: Annotated[list[AssistantTool], Field(max_length=TOOLS_MAX)]
    metadata: Metadata | None
    tool_resources: ToolResources | None = None
    temperature: Temperature | None = None
    top_p: TopP | None = None
    response_format: ResponseFormat | None = None


class AssistantDeleted(ContractModel):
    """Confirmation of an assistant's deletion."""

    id: str
    object: Literal["assistant.deleted"]
    deleted: bool


class AssistantList(ListPage[Assistant]):
    """A page of assistants."""
