"""Contracts: pydantic models of every Assistants v2 object, request and stream event, the route table,
and validation of traffic against them into findings.

The models follow the API reference (the TypeScript SDK's documentation of Assistants v2) and, where it
is silent, the official OpenAPI document; ``_deviations.py`` lists, with their reasons, the known
differences from the latter and the documented fields that real traffic is known to leave out (reported
as drift, not violations).

The models load on first use: checking traffic needs only the compiled contracts (``_compiled.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness._lazy import lazy_exports
from harness.contracts._routes import ROUTES, Route, match_route

if TYPE_CHECKING:
    from harness.contracts._models import (
        EVENT_MODELS,
        Assistant,
        AssistantDeleted,
        AssistantList,
        AssistantStreamEvent,
        CreateAssistantRequest,
        CreateFileRequest,
        CreateMessageRequest,
        CreateRunRequest,
        CreateThreadAndRunRequest,
        CreateThreadRequest,
        CreateVectorStoreFileBatchRequest,
        CreateVectorStoreFileRequest,
        CreateVectorStoreRequest,
        ErrorObject,
        ErrorResponse,
        FileDeleted,
        FileList,
        FileObject,
        Message,
        MessageDeleted,
        MessageDelta,
        MessageDeltaEvent,
        MessageList,
        ModifyAssistantRequest,
        ModifyMessageRequest,
        ModifyRunRequest,
        ModifyThreadRequest,
        Run,
        RunList,
        RunStep,
        RunStepDelta,
        RunStepDeltaEvent,
        RunStepList,
        SubmitToolOutputsRunRequest,
        Thread,
        ThreadDeleted,
        UpdateVectorStoreRequest,
        VectorStore,
        VectorStoreDeleted,
        VectorStoreFile,
        VectorStoreFileBatch,
        VectorStoreFileDeleted,
        VectorStoreFileList,
        VectorStoreList,
    )
from harness.contracts._validate import (
    ContractMode,
    check_event,
    check_request,
    check_response,
    check_stream_events,
    failing,
)

__all__ = [
    "EVENT_MODELS",
    "ROUTES",
    "Assistant",
    "AssistantDeleted",
    "AssistantList",
    "AssistantStreamEvent",
    "ContractMode",
    "CreateAssistantRequest",
    "CreateFileRequest",
    "CreateMessageRequest",
    "CreateRunRequest",
    "CreateThreadAndRunRequest",
    "CreateThreadRequest",
    "CreateVectorStoreFileBatchRequest",
    "CreateVectorStoreFileRequest",
    "CreateVectorStoreRequest",
    "ErrorObject",
    "ErrorResponse",
    "FileDeleted",
    "FileList",
    "FileObject",
    "Message",
    "MessageDeleted",
    "MessageDelta",
    "MessageDeltaEvent",
    "MessageList",
    "ModifyAssistantRequest",
    "ModifyMessageRequest",
    "ModifyRunRequest",
    "ModifyThreadRequest",
    "Route",
    "Run",
    "RunList",
    "RunStep",
    "RunStepDelta",
    "RunStepDeltaEvent",
    "RunStepList",
    "SubmitToolOutputsRunRequest",
    "Thread",
    "ThreadDeleted",
    "UpdateVectorStoreRequest",
    "VectorStore",
    "VectorStoreDeleted",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileDeleted",
    "VectorStoreFileList",
    "VectorStoreList",
    "check_event",
    "check_request",
    "check_response",
    "check_stream_events",
    "failing",
    "match_route",
]

_LAZY = {name: "harness.contracts._models" for name in __all__ if name not in globals()}

__getattr__ = lazy_exports(__name__, _LAZY)
