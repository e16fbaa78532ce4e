"""Vector stores without HTTP: creating them, attaching files, processing over polls, and search input.

A file attached to a vector store starts ``in_progress``; each retrieve of the store, of that file or of
its batch completes the pending processing (one poll), as does a run that searches the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from harness.server._errors import bad_request
from harness.server._reply_generator import Chunk, chunk_text
from harness.server._state import Obj, Store


def chunking(strategy: Mapping[str, Any] | None) -> Obj:
    """The chunking strategy as stored: ``auto`` becomes the static default of 800/400 tokens."""
    if strategy and strategy.get("type") == "static" and isinstance(strategy.get("static"), dict):
        static = strategy["static"]
        return {
            "type": "static",
            "static": {
                "max_chunk_size_tokens": int(static.get("max_chunk_size_tokens", 800)),
                "chunk_overlap_tokens": int(static.get("chunk_overlap_tokens", 400)),
            },
        }
    return {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


def create_vector_store(store: Store, params: Mapping[str, Any]) -> Obj:
    """A new vector store with ``params["file_ids"]`` attached (in progress)."""
    created = store.now()
    expires_after = params.get("expires_after")
    vector_store: Obj = {
        "id": store.ids.new("vector_store"),
        "object": "vector_store",
        "created_at": created,
        "name": params.get("name"),
        "description": params.get("description"),
        "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
        "status": "completed",
        "expires_after": expires_after,
        "expires_at": created + int(expires_after["days"]) * 86400 if expires_after else None,
        "last_active_at": created,
        "metadata": dict(params.get("metadata") or {}),
    }
    store.vector_stores[vector_store["id"]] = vector_store
    store.vector_store_files[vector_store["id"]] = []
    for index, file_id in enumerate(params.get("file_ids") or []):
        attach_file(
            store, vector_store, file_id, param=f"file_ids[{index}]", strategy=params.get("chunking_strategy")
        )
    return vector_store


def attach_file(
    store: Store,
    vector_store: Obj,
    file_id: str,
    *,
    param: str = "file_id",
    strategy: Mapping[str, Any] | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Obj:
    """Attach a stored file to the vector store (in progress); 400 when the file does not exist."""
    if file_id not in store.files:
        raise bad_request(f"File '{file_id}' not found.", param=param, code="file_not_found")
    files = store.vector_store_files[vector_store["id"]]
    existing = next((f for f in files if f["id"] == file_id), None)
    if existing is not None:
        return existing
    entry: Obj = {
        "id": file_id,
        "object": "vector_store.file",
        "usage_bytes": 0,
        "created_at": store.now(),
        "vector_store_id": vector_store["id"],
        "status": "in_progress",
        "last_error": None,
        "chunking_strategy": chunking(strategy),
        "attributes": dict(attributes or {}),
    }
    files.append(entry)
    refresh(store, vector_store)
    return entry


def process(store: Store, vector_store: Obj, file_ids: Sequence[str] | None = None) -> None:
    """Complete the processing of the store's pending files (all, or only ``file_ids``)."""
    for entry in store.vector_store_files.get(vector_store["id"], []):
        if entry["status"] == "in_progress" and (file_ids is None or entry["id"] in file_ids):
            entry["status"] = "completed"
            entry["usage_bytes"] = int(store.files[entry["id"]]["bytes"]) if entry["id"] in store.files else 0
    refresh(store, vector_store)
    for batch in store.file_batches.values():
        if batch["vector_store_id"] == vector_store["id"]:
            refresh_batch(store, batch)


def refresh(store: Store, vector_store: Obj) -> None:
    """Recompute the store's file counts, usage and status from its files."""
    files = store.vector_store_files.get(vector_store["id"], [])
    counts = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0}
    for entry in files:
        counts[entry["status"]] += 1
    vector_store["file_counts"] = {**counts, "total": len(files)}
    vector_store["usage_bytes"] = sum(int(f["usage_bytes"]) for f in files)
    vector_store["status"] = "in_progress" if counts["in_progress"] else "completed"


def refresh_batch(store: Store, batch: Obj) -> None:
    """Recompute a file batch's counts and status from its files."""
    files = {f["id"]: f for f in store.vector_store_files.get(batch["vector_store_id"], [])}
    counts = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0}
    for file_id in batch["_file_ids"]:
        entry = files.get(file_id)
        counts[entry["status"] if entry else "cancelled"] += 1
    batch["file_counts"] = {**counts, "total": len(batch["_file_ids"])}
    if batch["status"] != "cancelled":
        batch["status"] = "in_progress" if counts["in_progress"] else "completed"


def stores_from_resources(store: Store, resources: Mapping[str, Any] | None) -> Obj:
    """Tool resources as stored: ``file_search.vector_stores`` become new vector stores (by id)."""
    if not resources:
        return {}
    result: Obj = {}
    if "code_interpreter" in resources:
        result["code_interpreter"] = {"file_ids": list(resources["code_interpreter"].get("file_ids", []))}
    search = resources.get("file_search")
    if search is not None:
        ids = list(search.get("vector_store_ids", []))
        for index, spec in enumerate(search.get("vector_store_ids", [])):
            if spec not in store.vector_stores:
                raise bad_request(
                    f"Vector store '{spec}' not found.",
                    param=f"tool_resources.file_search.vector_store_ids[{index}]",
                )
        for spec in search.get("vector_stores", []):
            ids.append(create_vector_store(store, spec)["id"])
        result["file_search"] = {"vector_store_ids": ids}
    return result


def searchable_chunks(store: Store, run: Obj) -> list[Chunk]:
    """The chunks a run may search: its thread's and assistant's vector stores, file_search attachments."""
    vector_store_ids: list[str] = []
    for owner in (store.threads.get(run["thread_id"]), store.assistants.get(run["assistant_id"])):
        if owner:
            vector_store_ids += (
                owner.get("tool_resources", {}).get("file_search", {}).get("vector_store_ids", [])
            )
    file_ids: list[str] = []
    for vector_store_id in dict.fromkeys(vector_store_ids):
        vector_store = store.vector_stores.get(vector_store_id)
        if vector_store is None:
            continue
        process(store, vector_store)
        file_ids += [f["id"] for f in store.vector_store_files[vector_store_id] if f["status"] == "completed"]
    for message in store.messages.get(run["thread_id"], []):
        for attachment in message.get("attachments", []):
            if any(tool.get("type") == "file_search" for tool in attachment.get("tools", [])):
                file_ids.append(attachment["file_id"])
    chunks: list[Chunk] = []
    for file_id in dict.fromkeys(file_ids):
        if file_id in store.file_bytes:
            text = store.file_bytes[file_id].decode("utf-8", errors="replace")
            chunks += chunk_text(file_id, store.files[file_id]["filename"], text)
    return chunks
