"""Vector stores (what file search reads): stores, their files and file batches."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from harness.contracts._models._common import (
    METADATA_KEY_MAX,
    METADATA_MAX_PAIRS,
    METADATA_VALUE_MAX,
    ContractModel,
    ListPage,
    Metadata,
    UnixTime,
)
from harness.contracts._models._tools import StaticChunkingConfig

AttributeKey = Annotated[str, StringConstraints(max_length=METADATA_KEY_MAX)]
AttributeValue = Annotated[str, StringConstraints(max_length=METADATA_VALUE_MAX)] | float | bool
Attributes = Annotated[dict[AttributeKey, AttributeValue], Field(max_length=METADATA_MAX_PAIRS)]
"""Up to 16 pairs of a file in a vector store; values are strings (<= 512), numbers or booleans."""


class VectorStoreFileCounts(ContractModel):
    """How many files of a store or batch are in each state."""

    in_progress: int
    completed: int
    failed: int
    cancelled: int
    total: int


class VectorStoreExpirationAfter(ContractModel):
    """Expire a store N (1..365) days after it was last active."""

    anchor: Literal["last_active_at"]
    days: Annotated[int, Field(ge=1, le=365)]


class VectorStore(ContractModel):
    """A vector store (``object: "vector_store"``); ``name`` is ``null`` for a store created without one."""

    id: str
    object: Literal["vector_store"]
    created_at: UnixTime
    name: str | None
    usage_bytes: int
    file_counts: VectorStoreFileCounts
    status: Literal["expired", "in_progress", "completed"]
    last_active_at: UnixTime | None
    metadata: Metadata | None
    expires_after: VectorStoreExpirationAfter | None = None
    expires_at: UnixTime | None = None


class VectorStoreDeleted(ContractModel):
    """Confirmation of a vector store's deletion."""

    id: str
    object: Literal["vector_store.deleted"]
    deleted: bool


class VectorStoreList(ListPage[VectorStore]):
    """A page of vector stores."""


class VectorStoreFileLastError(ContractModel):
    """Why a file could not be added to a store."""

    code: Literal["server_error", "unsupported_file", "invalid_file"]
    message: str


class StaticChunkingStrategyObject(ContractModel):
    """The fixed chunking a file was split with."""

    type: Literal["static"]
    static: StaticChunkingConfig


class OtherChunkingStrategyObject(ContractModel):
    """A file chunked before chunking strategies were recorded."""

    type: Literal["other"]


ChunkingStrategyObject = Annotated[
    StaticChunkingStrategyObject | OtherChunkingStrategyObject, Field(discriminator="type")
]


class VectorStoreFile(ContractModel):
    """A file attached to a vector store (``object: "vector_store.file"``)."""

    id: str
    object: Literal["vector_store.file"]
    usage_bytes: int
    created_at: UnixTime
    vector_store_id: str
    status: Literal["in_progress", "completed", "cancelled", "failed"]
    last_error: VectorStoreFileLastError | None
    chunking_strategy: ChunkingStrategyObject | None = None
    attributes: Attributes | None = None


class VectorStoreFileDeleted(ContractModel):
    """Confirmation of a file's removal from a vector store."""

    id: str
    object: Literal["vector_store.file.deleted"]
    deleted: bool


class VectorStoreFileList(ListPage[VectorStoreFile]):
    """A page of vector store files."""


class VectorStoreFileBatch(ContractModel):
    """A batch of files being added to a store (``object: "vector_store.file_batch"``).

    Real batches say ``vector_store.file_batch``; the OpenAPI document's enum says
    ``vector_store.files_batch``. Both are accepted.
    """

    id: str
    object: Literal["vector_store.file_batch", "vector_store.files_batch"]
    created_at: UnixTime
    vector_store_id: str
    status: Literal["in_progress", "completed", "cancelled", "failed"]
    file_counts: VectorStoreFileCounts
