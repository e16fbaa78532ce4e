"""Where the contracts knowingly differ from the official OpenAPI document, and why.

The contracts follow the API reference (the TypeScript SDK's documentation of Assistants v2); where the
reference is silent they follow the OpenAPI document (openai/openai-openapi). A test compares every model
with the component schema named in :data:`SPEC_SCHEMAS` (field names, required fields, enum values) and
fails on any difference that is not listed in :data:`DEVIATIONS`, and on a listed deviation that no longer
exists. Differences in real traffic are not deviations: they are findings (drift or violations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Aspect = Literal[
    "field-only-in-contract",
    "field-only-in-spec",
    "required-only-in-contract",
    "required-only-in-spec",
    "enum",
]


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


# Limits are not part of the automatic comparison. Where they differ from the OpenAPI document on purpose:
# - Metadata (16 pairs, keys <= 64, values <= 512 characters) and the list ``limit`` (1..100) come from the
#   API reference; the OpenAPI document states them only in prose.
# - ``Run.tools`` allows 128 tools like the assistant the run reports them from; the OpenAPI document's
#   ``maxItems: 20`` on RunObject is the limit of the *override* a run request may send, which the
#   request models keep (CreateRunRequest, CreateThreadAndRunRequest).

_PAGE = (
    "The API reference describes list pages as object 'list'; the OpenAPI document types `object` as any "
    "string. Real pages always say 'list'."
)

DEVIATIONS: tuple[Deviation, ...] = (
    # List pages: ``object`` is the constant "list" in the contract, any string in the OpenAPI document.
    Deviation("AssistantList", "object", "enum", _PAGE),
    Deviation("MessageList", "object", "enum", _PAGE),
    Deviation("RunList", "object", "enum", _PAGE),
    Deviation("RunStepList", "object", "enum", _PAGE),
    Deviation("FileList", "object", "enum", _PAGE),
    Deviation("VectorStoreList", "object", "enum", _PAGE),
    Deviation("VectorStoreFileList", "object", "enum", _PAGE),
)
"""Every known difference, each with its reason."""

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
