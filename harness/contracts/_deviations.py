"""Where the contracts knowingly differ from the official OpenAPI document and from real traffic, and why.

The contracts follow the API reference (the TypeScript SDK's documentation of Assistants v2); where the
reference is silent they follow the OpenAPI document (openai/openai-openapi). Two lists record where they
knowingly do otherwise:

- :data:`DEVIATIONS`: differences between a model and the OpenAPI document. A test compares every model
  with the component schema named in :data:`SPEC_SCHEMAS` (field names, required fields, enum values,
  whether a field both require admits ``null``, numeric bounds the document states) and fails on any
  difference that is not listed here, and on a listed deviation that no longer exists. Where real traffic
  shows that the API sends or accepts values the documents rule out, the model follows the traffic and
  the difference is listed here.
- :data:`OBSERVED_OMISSIONS`: fields that the reference documents as always present but that real traffic
  leaves out. The models keep them required; validation reports their absence as ``missing`` *drift*
  (accepted through the drift baseline) instead of a violation, wherever the object appears: alone, in a
  list page, as the data of a stream event, nested in another object. Any other missing required field
  stays a violation.

What real *streams* did against the stream grammar (``thread.run.completed`` ending runs that were
incomplete, in 2024) is listed the same way, with its evidence, beside the grammar's rules:
:data:`harness.streams._grammar_rules.OBSERVED_QUIRKS`, reported as ``drift``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Literal

Aspect = Literal[
    "field-only-in-contract",
    "field-only-in-spec",
    "required-only-in-contract",
    "required-only-in-spec",
    "enum",
    "nullable",
    "limit",
]
"""What differs; ``nullable``: whether ``null`` is admitted for a field both require; ``limit``: a numeric
bound (minimum, maximum) that the OpenAPI document states."""


@dataclass(frozen=True, slots=True)
class Deviation:
    """One known difference between a contract model and its OpenAPI schema.

    Attributes:
        model: The contract model's class name.
        field: The JSON field name.
        aspect: What differs.
        reason: Why the contract differs: what the API reference says, what the OpenAPI document says,
            what real traffic shows.
    """

    model: str
    field: str
    aspect: Aspect
    reason: str


@dataclass(frozen=True, slots=True)
class Omission:
    """A documented field that real traffic is known to leave out of an object.

    Attributes:
        model: The contract model's class name (the object the field belongs to, wherever it appears).
        field: The JSON field name.
        reason: What the reference says and what real traffic shows, with an example recording.
    """

    model: str
    field: str
    reason: str


# Length and size limits are not part of the automatic comparison, only numeric bounds are. Where they
# differ from the OpenAPI document on purpose:
# - Metadata (16 pairs, keys <= 64, values <= 512 characters) and the list ``limit`` (1..100) come from the
#   API reference; the OpenAPI document states them only in prose.
# - ``Run.tools`` allows 128 tools like the assistant the run reports them from; the OpenAPI document's
#   ``maxItems: 20`` on RunObject is the limit of the *override* a run request may send, which the
#   request models keep (CreateRunRequest, CreateThreadAndRunRequest).

_PAGE = (
    "The API reference describes list pages as object 'list'; the OpenAPI document types `object` as any "
    "string. Real pages always say 'list'."
)
_CURSOR = (
    "The OpenAPI document types the page cursors first_id/last_id as strings; real empty pages carry null "
    "(run_steps_list.yml, assistant_file_search_step_retrieve.yml), so the contract admits null."
)
_MAX_TOKENS = (
    "The OpenAPI document puts the minimum of max_prompt_tokens/max_completion_tokens at 256 (the API "
    "reference states none); the real API accepted max_completion_tokens 16 in runs.create, answered 200 "
    "and reports 16 on the run (April 2024: runs_create.yml, runs_list_run_setup.yml), so the contract "
    "only asks for >= 1."
)
_NULLABLE_IN_REFERENCE = (
    "The API reference types Run.{field} as '... | null'; the OpenAPI document's RunObject does not mark it "
    "nullable. The contract follows the reference."
)

DEVIATIONS: tuple[Deviation, ...] = (
    # List pages: ``object`` is the constant "list" in the contract, any string in the OpenAPI document;
    # the cursors are null on an empty page.
    *(
        deviation
        for page in (
            "AssistantList",
            "MessageList",
            "RunList",
            "RunStepList",
            "FileList",
            "VectorStoreList",
            "VectorStoreFileList",
        )
        for deviation in (
            Deviation(page, "object", "enum", _PAGE),
            Deviation(page, "first_id", "nullable", _CURSOR),
            Deviation(page, "last_id", "nullable", _CURSOR),
        )
    ),
    Deviation("Run", "response_format", "nullable", _NULLABLE_IN_REFERENCE.format(field="response_format")),
    Deviation("Run", "tool_choice", "nullable", _NULLABLE_IN_REFERENCE.format(field="tool_choice")),
    Deviation(
        "Run", "truncation_strategy", "nullable", _NULLABLE_IN_REFERENCE.format(field="truncation_strategy")
    ),
    Deviation(
        "Run",
        "instructions",
        "nullable",
        "The API reference and the OpenAPI document type Run.instructions as a string; real runs of "
        "assistants created without instructions carry null, in responses and thread.run.* events "
        "(BasicRunOperationsWork.json, FileSearchStreamingWorks.json, 2025), so the contract admits null.",
    ),
    Deviation(
        "VectorStore",
        "name",
        "nullable",
        "The OpenAPI document types VectorStoreObject.name as a string (the API reference does not describe "
        "vector stores); real stores created without a name carry null, in create, retrieve, update and "
        "list responses (vector_stores_list.yml, assistant_file_search_vector_store_setup.yml), so the "
        "contract admits null.",
    ),
    Deviation(
        "VectorStoreFileBatch",
        "object",
        "enum",
        "The OpenAPI document's enum says 'vector_store.files_batch' while its own description says "
        "'always vector_store.file_batch'; every real batch says 'vector_store.file_batch' (create, "
        "retrieve and cancel: vector_store_file_batches_create.yml, vector_store_file_batches_cancel.yml). "
        "The contract accepts both spellings.",
    ),
    Deviation(
        "FileObject",
        "purpose",
        "enum",
        "The OpenAPI document's CreateFileRequest accepts uploads with purpose 'evals', while its OpenAIFile "
        "purpose enum leaves 'evals' out; the file object of such an upload carries the purpose it was "
        "uploaded with, so the contract's FilePurpose admits 'evals' too.",
    ),
    Deviation(
        "MessageAttachmentParam",
        "file_id",
        "required-only-in-contract",
        "The OpenAPI document's CreateMessageRequest writes required: [file_id, tools] on the attachments "
        "array instead of on its items (where it has no effect); the intent, and the API, require file_id "
        "on every attachment a request sends. tools stays optional as in the API reference's Attachment.",
    ),
    *(
        Deviation(model, field, "limit", _MAX_TOKENS)
        for model in ("Run", "CreateRunRequest", "CreateThreadAndRunRequest")
        for field in ("max_prompt_tokens", "max_completion_tokens")
    ),
)
"""Every known difference from the OpenAPI document, each with its reason."""

_OUTSIDE_STREAMS = (
    "reference says Message.{field} is always present ({shape}); real traffic shows it absent from every "
    "message returned outside a stream (messages.create, .retrieve, .update, .list; user and assistant "
    "roles alike, 2024-2025) and present on the thread.message.* stream events (messages_create.yml, "
    "BasicMessageOperationsWork.json)"
)
_STORE_TRIMMED = (
    "reference (OpenAPI VectorStoreObject) says {field} is required; real traffic shows one store from "
    "vector_stores.create (Oct 2024) without {field}, without status, last_active_at and metadata, and "
    "counting files as processing instead of in_progress/cancelled; every other store carries them "
    "(vector_stores_search_setup.yml)"
)
_COUNTS_TRIMMED = (
    "reference (OpenAPI VectorStoreObject.file_counts) says {field} is required; real traffic shows one "
    "store from vector_stores.create (Oct 2024) whose file_counts has total, completed, processing and "
    "failed but no in_progress or cancelled (vector_stores_search_setup.yml)"
)

OBSERVED_OMISSIONS: tuple[Omission, ...] = (
    Omission(
        "Message", "status", _OUTSIDE_STREAMS.format(field="status", shape="in_progress|incomplete|completed")
    ),
    Omission(
        "Message", "completed_at", _OUTSIDE_STREAMS.format(field="completed_at", shape="a time or null")
    ),
    Omission(
        "Message", "incomplete_at", _OUTSIDE_STREAMS.format(field="incomplete_at", shape="a time or null")
    ),
    Omission(
        "Message",
        "incomplete_details",
        _OUTSIDE_STREAMS.format(field="incomplete_details", shape="an object or null"),
    ),
    Omission(
        "Message",
        "attachments",
        "reference says Message.attachments is always present (an array or null); real traffic shows "
        "messages.update answering with the Assistants v1 field file_ids instead (2024 and 2025: "
        "messages_modify.yml, BasicMessageOperationsWork.json), as does a Nov-2023 messages.create "
        "(messages_delete_message_setup.yml)",
    ),
    Omission(
        "RunStep",
        "expired_at",
        "reference says RunStep.expired_at is always present (a time or null); real traffic shows every run "
        "step carrying expires_at instead and no expired_at, in steps.list, steps.retrieve and "
        "thread.run.step.* events (assistant_file_search_step_retrieve.yml, FileSearchStreamingWorks.json)",
    ),
    Omission(
        "RunStep",
        "metadata",
        "reference says RunStep.metadata is always present (a map or null); real traffic shows no run step "
        "with metadata, in steps.list, steps.retrieve and thread.run.step.* events "
        "(assistant_file_search_step_retrieve.yml, FileSearchStreamingWorks.json)",
    ),
    Omission(
        "Run",
        "parallel_tool_calls",
        "reference says Run.parallel_tool_calls is always present (a boolean); real traffic shows runs of "
        "April 2024 (the first weeks of v2) without it, in runs.create, .retrieve, .list, .cancel and "
        "threads.create_and_run; later runs carry it (runs_create.yml, run_steps_list_run_setup.yml)",
    ),
    Omission(
        "Thread",
        "tool_resources",
        "reference says Thread.tool_resources is always present (an object or null); real traffic shows one "
        "thread from threads.create in April 2024 without it; later threads carry it "
        "(messages_delete_thread_setup.yml)",
    ),
    Omission(
        "VectorStoreFile",
        "usage_bytes",
        "reference (OpenAPI VectorStoreFileObject) says usage_bytes is required; real traffic shows files "
        "listed from a file batch (GET .../file_batches/{batch_id}/files, 2025) without it, while files "
        "listed from the store carry it (CanPaginateGetVectorStoreFilesInBatch.json)",
    ),
    *(
        Omission("VectorStore", field, _STORE_TRIMMED.format(field=field))
        for field in ("usage_bytes", "status", "last_active_at", "metadata")
    ),
    *(
        Omission("VectorStoreFileCounts", field, _COUNTS_TRIMMED.format(field=field))
        for field in ("in_progress", "cancelled")
    ),
)
"""Documented fields that real traffic leaves out: their absence is ``missing`` drift, not a violation."""


@functools.cache
def _omitted() -> frozenset[tuple[str, str]]:
    return frozenset((omission.model, omission.field) for omission in OBSERVED_OMISSIONS)


def is_observed_omission(model: str, field: str) -> bool:
    """Whether real traffic is known to leave ``field`` out of objects of the contract ``model``."""
    return (model, field) in _omitted()


SPEC_SCHEMAS: dict[str, str] = {
    "Assistant": "AssistantObject",
    "AssistantDeleted": "DeleteAssistantResponse",
    "AssistantList": "ListAssistantsResponse",
    "Thread": "ThreadObject",
    "ThreadDeleted": "DeleteThreadResponse",
    "Message": "MessageObject",
    "MessageDeleted": "DeleteMessageResponse",
    "MessageList": "ListMessagesResponse",
    "Run": "RunObject",
    "RunList": "ListRunsResponse",
    "RunStep": "RunStepObject",
    "RunStepList": "ListRunStepsResponse",
    "MessageDeltaEvent": "MessageDeltaObject",
    "MessageDelta": "MessageDeltaObject.delta",
    "RunStepDeltaEvent": "RunStepDeltaObject",
    "RunStepDelta": "RunStepDeltaObject.delta",
    "FileObject": "OpenAIFile",
    "FileDeleted": "DeleteFileResponse",
    "FileList": "ListFilesResponse",
    "VectorStore": "VectorStoreObject",
    "VectorStoreDeleted": "DeleteVectorStoreResponse",
    "VectorStoreList": "ListVectorStoresResponse",
    "VectorStoreFile": "VectorStoreFileObject",
    "VectorStoreFileDeleted": "DeleteVectorStoreFileResponse",
    "VectorStoreFileList": "ListVectorStoreFilesResponse",
    "VectorStoreFileBatch": "VectorStoreFileBatchObject",
    "VectorStoreFileCounts": "VectorStoreObject.file_counts",
    "VectorStoreExpirationAfter": "VectorStoreExpirationAfter",
    "VectorStoreFileLastError": "VectorStoreFileObject.last_error",
    "StaticChunkingStrategyObject": "StaticChunkingStrategyResponseParam",
    "OtherChunkingStrategyObject": "OtherChunkingStrategyResponseParam",
    "StaticChunkingConfig": "StaticChunkingStrategy",
    "AutoChunkingStrategy": "AutoChunkingStrategyRequestParam",
    "StaticChunkingStrategy": "StaticChunkingStrategyRequestParam",
    "ErrorResponse": "ErrorResponse",
    "ErrorObject": "Error",
    "Usage": "RunCompletionUsage",
    "CodeInterpreterTool": "AssistantToolsCode",
    "FileSearchTool": "AssistantToolsFileSearch",
    "FileSearchSettings": "AssistantToolsFileSearch.file_search",
    "FileSearchRankingOptions": "FileSearchRankingOptions",
    "FunctionTool": "AssistantToolsFunction",
    "FunctionDefinition": "FunctionObject",
    "FileSearchTypeOnlyTool": "AssistantToolsFileSearchTypeOnly",
    "ToolResources": "AssistantObject.tool_resources",
    "CodeInterpreterResources": "AssistantObject.tool_resources.code_interpreter",
    "FileSearchResources": "AssistantObject.tool_resources.file_search",
    "ToolResourcesParam": "CreateAssistantRequest.tool_resources",
    "FileSearchResourcesParam": "CreateAssistantRequest.tool_resources.file_search",
    "NewVectorStoreParam": "CreateAssistantRequest.tool_resources.file_search.vector_stores[]",
    "ResponseFormatText": "ResponseFormatText",
    "ResponseFormatJSONObject": "ResponseFormatJsonObject",
    "ResponseFormatJSONSchema": "ResponseFormatJsonSchema",
    "JSONSchemaFormat": "ResponseFormatJsonSchema.json_schema",
    "AssistantToolChoice": "AssistantsNamedToolChoice",
    "ToolChoiceFunction": "AssistantsNamedToolChoice.function",
    "TruncationStrategy": "TruncationObject",
    "FileCitation": "MessageContentTextAnnotationsFileCitationObject.file_citation",
    "FileCitationAnnotation": "MessageContentTextAnnotationsFileCitationObject",
    "FilePath": "MessageContentTextAnnotationsFilePathObject.file_path",
    "FilePathAnnotation": "MessageContentTextAnnotationsFilePathObject",
    "Text": "MessageContentTextObject.text",
    "TextContentBlock": "MessageContentTextObject",
    "ImageFile": "MessageContentImageFileObject.image_file",
    "ImageFileContentBlock": "MessageContentImageFileObject",
    "ImageURL": "MessageContentImageUrlObject.image_url",
    "ImageURLContentBlock": "MessageContentImageUrlObject",
    "RefusalContentBlock": "MessageContentRefusalObject",
    "MessageAttachment": "MessageObject.attachments[]",
    "MessageAttachmentParam": "CreateMessageRequest.attachments[]",
    "MessageIncompleteDetails": "MessageObject.incomplete_details",
    "FileCitationDelta": "MessageDeltaContentTextAnnotationsFileCitationObject.file_citation",
    "FileCitationDeltaAnnotation": "MessageDeltaContentTextAnnotationsFileCitationObject",
    "FilePathDelta": "MessageDeltaContentTextAnnotationsFilePathObject.file_path",
    "FilePathDeltaAnnotation": "MessageDeltaContentTextAnnotationsFilePathObject",
    "TextDelta": "MessageDeltaContentTextObject.text",
    "TextDeltaBlock": "MessageDeltaContentTextObject",
    "ImageFileDelta": "MessageDeltaContentImageFileObject.image_file",
    "ImageFileDeltaBlock": "MessageDeltaContentImageFileObject",
    "ImageURLDelta": "MessageDeltaContentImageUrlObject.image_url",
    "ImageURLDeltaBlock": "MessageDeltaContentImageUrlObject",
    "RefusalDeltaBlock": "MessageDeltaContentRefusalObject",
    "RequiredActionFunction": "RunToolCallObject.function",
    "RequiredActionFunctionToolCall": "RunToolCallObject",
    "SubmitToolOutputsAction": "RunObject.required_action.submit_tool_outputs",
    "RequiredAction": "RunObject.required_action",
    "RunLastError": "RunObject.last_error",
    "RunIncompleteDetails": "RunObject.incomplete_details",
    "CodeInterpreterLogs": "RunStepDetailsToolCallsCodeOutputLogsObject",
    "CodeInterpreterImage": "RunStepDetailsToolCallsCodeOutputImageObject.image",
    "CodeInterpreterImageOutput": "RunStepDetailsToolCallsCodeOutputImageObject",
    "CodeInterpreterDetails": "RunStepDetailsToolCallsCodeObject.code_interpreter",
    "CodeInterpreterToolCall": "RunStepDetailsToolCallsCodeObject",
    "FileSearchCallRankingOptions": "RunStepDetailsToolCallsFileSearchRankingOptionsObject",
    "FileSearchResultContent": "RunStepDetailsToolCallsFileSearchResultObject.content[]",
    "FileSearchResult": "RunStepDetailsToolCallsFileSearchResultObject",
    "FileSearchDetails": "RunStepDetailsToolCallsFileSearchObject.file_search",
    "FileSearchToolCall": "RunStepDetailsToolCallsFileSearchObject",
    "FunctionCallDetails": "RunStepDetailsToolCallsFunctionObject.function",
    "FunctionToolCall": "RunStepDetailsToolCallsFunctionObject",
    "MessageCreation": "RunStepDetailsMessageCreationObject.message_creation",
    "MessageCreationStepDetails": "RunStepDetailsMessageCreationObject",
    "ToolCallsStepDetails": "RunStepDetailsToolCallsObject",
    "RunStepLastError": "RunStepObject.last_error",
    "CodeInterpreterLogsDelta": "RunStepDeltaStepDetailsToolCallsCodeOutputLogsObject",
    "CodeInterpreterImageDelta": "RunStepDeltaStepDetailsToolCallsCodeOutputImageObject.image",
    "CodeInterpreterImageOutputDelta": "RunStepDeltaStepDetailsToolCallsCodeOutputImageObject",
    "CodeInterpreterDetailsDelta": "RunStepDeltaStepDetailsToolCallsCodeObject.code_interpreter",
    "CodeInterpreterToolCallDelta": "RunStepDeltaStepDetailsToolCallsCodeObject",
    "FileSearchToolCallDelta": "RunStepDeltaStepDetailsToolCallsFileSearchObject",
    "FunctionCallDelta": "RunStepDeltaStepDetailsToolCallsFunctionObject.function",
    "FunctionToolCallDelta": "RunStepDeltaStepDetailsToolCallsFunctionObject",
    "MessageCreationDelta": "RunStepDeltaStepDetailsMessageCreationObject.message_creation",
    "RunStepDeltaMessageDelta": "RunStepDeltaStepDetailsMessageCreationObject",
    "ToolCallDeltaObject": "RunStepDeltaStepDetailsToolCallsObject",
    "CreateAssistantRequest": "CreateAssistantRequest",
    "ModifyAssistantRequest": "ModifyAssistantRequest",
    "TextContentPartParam": "MessageRequestContentTextObject",
    "CreateMessageRequest": "CreateMessageRequest",
    "ModifyMessageRequest": "ModifyMessageRequest",
    "CreateThreadRequest": "CreateThreadRequest",
    "ModifyThreadRequest": "ModifyThreadRequest",
    "CreateRunRequest": "CreateRunRequest",
    "CreateThreadAndRunRequest": "CreateThreadAndRunRequest",
    "ModifyRunRequest": "ModifyRunRequest",
    "ToolOutput": "SubmitToolOutputsRunRequest.tool_outputs[]",
    "SubmitToolOutputsRunRequest": "SubmitToolOutputsRunRequest",
    "FileExpirationAfter": "FileExpirationAfter",
    "CreateFileRequest": "CreateFileRequest",
    "CreateVectorStoreRequest": "CreateVectorStoreRequest",
    "UpdateVectorStoreRequest": "UpdateVectorStoreRequest",
    "CreateVectorStoreFileRequest": "CreateVectorStoreFileRequest",
    "CreateVectorStoreFileBatchRequest": "CreateVectorStoreFileBatchRequest",
    "ListQuery": "query:GET /assistants",
    "ListMessagesQuery": "query:GET /threads/{thread_id}/messages",
    "ListRunStepsQuery": "query:GET /threads/{thread_id}/runs/{run_id}/steps",
    "IncludeQuery": "query:POST /threads/{thread_id}/runs",
    "ListFilesQuery": "query:GET /files",
    "ListVectorStoreFilesQuery": "query:GET /vector_stores/{vector_store_id}/files",
}
"""Contract model -> OpenAPI schema it is compared with: a component name, then ``.field`` steps into
inline object properties and ``[]`` into array items (``$ref`` and nullable unions are followed). Query
models name ``query:METHOD /path`` (the operation's query parameters)."""
