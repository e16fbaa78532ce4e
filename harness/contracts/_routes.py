"""The route table: every Assistants v2 endpoint (and the Files / Vector Stores ones file search uses).

Each :class:`Route` names its request body, query and response models (by name: checking traffic needs
only the compiled contracts of ``_compiled.py``; the classes load when asked for). :func:`match_route`
finds the route of a concrete request path, whatever comes before the API's own segments (``/v1``, a
full URL, an Azure ``/openai`` prefix): it matches the trailing segments, ids being any segment.
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pydantic import BaseModel


@dataclass(frozen=True, slots=True)
class Route:
    """One endpoint.

    Attributes:
        method: HTTP method in capitals.
        template: Path template below the API root, e.g. ``/threads/{thread_id}/runs``.
        operation: SDK-neutral operation name, e.g. ``runs.create``.
        request: Name of the model of the request body, or ``None`` when the endpoint takes none.
        query: Name of the model of the query parameters, or ``None`` when the endpoint takes none.
        response: Name of the model of a successful response body; ``None`` only for raw file content.
        streams: Whether ``"stream": true`` in the body turns the response into ``text/event-stream``.
        multipart: Whether the request body is a multipart form rather than JSON.
    """

    method: str
    template: str
    operation: str
    request: str | None
    query: str | None
    response: str | None
    streams: bool = False
    multipart: bool = False

    @property
    def request_model(self) -> type[BaseModel] | None:
        """The model of the request body (:attr:`request`)."""
        return contract_model(self.request) if self.request else None

    @property
    def query_model(self) -> type[BaseModel] | None:
        """The model of the query parameters (:attr:`query`)."""
        return contract_model(self.query) if self.query else None

    @property
    def response_model(self) -> type[BaseModel] | None:
        """The model of a successful response body (:attr:`response`)."""
        return contract_model(self.response) if self.response else None

    @property
    def label(self) -> str:
        """``METHOD /template``, the form findings use."""
        return f"{self.method} {self.template}"

    @property
    def segments(self) -> tuple[str, ...]:
        """The template's path segments."""
        return tuple(self.template.strip("/").split("/"))


def contract_model(name: str) -> type[BaseModel]:
    """The contract model called ``name`` (``"Run"``), loading the models on first use."""
    model: type[BaseModel] = getattr(importlib.import_module("harness.contracts._models"), name)
    return model


_A = "/assistants/{assistant_id}"
_T = "/threads/{thread_id}"
_M = _T + "/messages/{message_id}"
_R = _T + "/runs/{run_id}"
_VS = "/vector_stores/{vector_store_id}"
_B = _VS + "/file_batches/{batch_id}"

ROUTES: tuple[Route, ...] = (
    Route("POST", "/assistants", "assistants.create", "CreateAssistantRequest", None, "Assistant"),
    Route("GET", "/assistants", "assistants.list", None, "ListQuery", "AssistantList"),
    Route("GET", _A, "assistants.retrieve", None, None, "Assistant"),
    Route("POST", _A, "assistants.update", "ModifyAssistantRequest", None, "Assistant"),
    Route("DELETE", _A, "assistants.delete", None, None, "AssistantDeleted"),
    Route("POST", "/threads", "threads.create", "CreateThreadRequest", None, "Thread"),
    Route("POST", "/threads/runs", "threads.create_and_run", "CreateThreadAndRunRequest", None, "Run", True),
    Route("GET", _T, "threads.retrieve", None, None, "Thread"),
    Route("POST", _T, "threads.update", "ModifyThreadRequest", None, "Thread"),
    Route("DELETE", _T, "threads.delete", None, None, "ThreadDeleted"),
    Route("POST", _T + "/messages", "messages.create", "CreateMessageRequest", None, "Message"),
    Route("GET", _T + "/messages", "messages.list", None, "ListMessagesQuery", "MessageList"),
    Route("GET", _M, "messages.retrieve", None, None, "Message"),
    Route("POST", _M, "messages.update", "ModifyMessageRequest", None, "Message"),
    Route("DELETE", _M, "messages.delete", None, None, "MessageDeleted"),
    Route("POST", _T + "/runs", "runs.create", "CreateRunRequest", "IncludeQuery", "Run", True),
    Route("GET", _T + "/runs", "runs.list", None, "ListQuery", "RunList"),
    Route("GET", _R, "runs.retrieve", None, None, "Run"),
    Route("POST", _R, "runs.update", "ModifyRunRequest", None, "Run"),
    Route("POST", _R + "/cancel", "runs.cancel", None, None, "Run"),
    Route(
        "POST",
        _R + "/submit_tool_outputs",
        "runs.submit_tool_outputs",
        "SubmitToolOutputsRunRequest",
        None,
        "Run",
        True,
    ),
    Route("GET", _R + "/steps", "runs.steps.list", None, "ListRunStepsQuery", "RunStepList"),
    Route("GET", _R + "/steps/{step_id}", "runs.steps.retrieve", None, "IncludeQuery", "RunStep"),
    Route("POST", "/files", "files.create", "CreateFileRequest", None, "FileObject", multipart=True),
    Route("GET", "/files", "files.list", None, "ListFilesQuery", "FileList"),
    Route("GET", "/files/{file_id}", "files.retrieve", None, None, "FileObject"),
    Route("DELETE", "/files/{file_id}", "files.delete", None, None, "FileDeleted"),
    Route("GET", "/files/{file_id}/content", "files.content", None, None, None),
    Route("POST", "/vector_stores", "vector_stores.create", "CreateVectorStoreRequest", None, "VectorStore"),
    Route("GET", "/vector_stores", "vector_stores.list", None, "ListQuery", "VectorStoreList"),
    Route("GET", _VS, "vector_stores.retrieve", None, None, "VectorStore"),
    Route("POST", _VS, "vector_stores.update", "UpdateVectorStoreRequest", None, "VectorStore"),
    Route("DELETE", _VS, "vector_stores.delete", None, None, "VectorStoreDeleted"),
    Route(
        "POST",
        _VS + "/files",
        "vector_stores.files.create",
        "CreateVectorStoreFileRequest",
        None,
        "VectorStoreFile",
    ),
    Route(
        "GET",
        _VS + "/files",
        "vector_stores.files.list",
        None,
        "ListVectorStoreFilesQuery",
        "VectorStoreFileList",
    ),
    Route("GET", _VS + "/files/{file_id}", "vector_stores.files.retrieve", None, None, "VectorStoreFile"),
    Route(
        "DELETE", _VS + "/files/{file_id}", "vector_stores.files.delete", None, None, "VectorStoreFileDeleted"
    ),
    Route(
        "POST",
        _VS + "/file_batches",
        "vector_stores.file_batches.create",
        "CreateVectorStoreFileBatchRequest",
        None,
        "VectorStoreFileBatch",
    ),
    Route("GET", _B, "vector_stores.file_batches.retrieve", None, None, "VectorStoreFileBatch"),
    Route("POST", _B + "/cancel", "vector_stores.file_batches.cancel", None, None, "VectorStoreFileBatch"),
    Route(
        "GET",
        _B + "/files",
        "vector_stores.file_batches.list_files",
        None,
        "ListVectorStoreFilesQuery",
        "VectorStoreFileList",
    ),
)
"""Every route, in the order of the API reference."""

_COLLECTIONS = frozenset(
    segment for route in ROUTES for segment in route.segments if not segment.startswith("{")
)


@functools.cache
def _candidates(method: str) -> tuple[Route, ...]:
    """Routes of ``method``, longest template first, then the one with more literal segments."""
    routes = [route for route in ROUTES if route.method == method]
    return tuple(
        sorted(
            routes,
            key=lambda r: (-len(r.segments), -sum(not s.startswith("{") for s in r.segments)),
        )
    )


def match_route(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """Find the route of a request and the values of its path parameters.

    Args:
        method: The HTTP method (any case).
        path: The request path or full URL; a query string is ignored, and so is any prefix before the
            API's own segments (``/v1``, ``https://api.openai.com/v1``, ``/openai``).

    Returns:
        The route and its parameters (e.g. ``{"thread_id": "thread_1"}``), or ``None`` when no route
        matches. A prefix that itself contains a resource name of the API (``/vector_stores/x/files/y``
        is not ``/files/{file_id}``) does not count as a prefix.
    """
    if "://" in path or "?" in path or "#" in path:
        path = urlsplit(path).path
    segments = [segment for segment in path.split("/") if segment]
    for route in _candidates(method.upper()):
        template = route.segments
        size = len(template)
        if size > len(segments):
            continue
        tail = segments[-size:]
        params: dict[str, str] = {}
        for pattern, segment in zip(template, tail, strict=True):
            if pattern.startswith("{"):
                params[pattern[1:-1]] = segment
            elif pattern != segment:
                break
        else:
            if _COLLECTIONS.isdisjoint(segments[:-size]):
                return route, params
    return None
