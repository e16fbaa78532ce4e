"""Files: the uploaded file object, its deletion and list page."""

from __future__ import annotations

from typing import Literal

from harness.contracts._models._common import ContractModel, ListPage, UnixTime

UploadPurpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]
"""The purposes an upload (``POST /files``) may name."""

FilePurpose = Literal[
    "assistants",
    "assistants_output",
    "batch",
    "batch_output",
    "fine-tune",
    "fine-tune-results",
    "vision",
    "user_data",
    "evals",
]
"""What a file is for: every purpose an upload may name (``CreateFileRequest``) and the ``*_output`` /
``*-results`` purposes of files the API writes itself."""


class FileObject(ContractModel):
    """An uploaded file (``object: "file"``); ``status`` is deprecated but still sent."""

    id: str
    object: Literal["file"]
    bytes: int
    created_at: UnixTime
    filename: str
    purpose: FilePurpose
    status: Literal["uploaded", "processed", "error"]
    expires_at: UnixTime | None = None
    status_details: str | None = None


class FileDeleted(ContractModel):
    """Confirmation of a file's deletion (its ``object`` stays ``"file"``)."""

    id: str
    object: Literal["file"]
    deleted: bool


class FileList(ListPage[FileObject]):
    """A page of files."""
