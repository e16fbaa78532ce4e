"""Threads: the object and its deletion."""

from __future__ import annotations

from typing import Literal

from harness.contracts._models._common import ContractModel, Metadata, UnixTime
from harness.contracts._models._tools import ToolResources


class Thread(ContractModel):
    """A conversation thread (``object: "thread"``)."""

    id: str
    object: Literal["thread"]
    created_at: UnixTime
    tool_resources: ToolResources | None
    metadata: Metadata | None


class ThreadDeleted(ContractModel):
    """Confirmation of a thread's deletion."""

    id: str
    object: Literal["thread.deleted"]
    deleted: bool
