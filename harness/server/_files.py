"""Routes for Files and Vector Stores (with their files and file batches)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from harness.server import _requests as rq
from harness.server import _validation as v
from harness.server._errors import ApiError, bad_request, not_found
from harness.server._http import form_body, json_body, respond, state
from harness.server._reply_generator import rank
from harness.server._state import Obj, deleted, list_body, paginate, public
from harness.server._vectors import attach_file, create_vector_store, process, refresh, refresh_batch


async def create_file(request: Request) -> Response:
    store = state(request).store
    async with form_body(request) as form:
        upload = form.get("file")
        purpose = form.get("purpose")
        if purpose is None:
            raise bad_request(
                "Missing required parameter: 'purpose'.", param="purpose", code="missing_required_parameter"
            )
        v.enum(*rq.FILE_PURPOSES)("purpose", purpose)
        expires_after = rq.file_expiration(form)
        if not isinstance(upload, UploadFile):
            raise bad_request(
                "Missing required parameter: 'file'.", param="file", code="missing_required_parameter"
            )
        data = await upload.read()
        filename = upload.filename or "upload"
    created = store.now()
    file: Obj = {
        "object": "file",
        "id": store.ids.new("file"),
        "purpose": purpose,
        "filename": filename,
        "bytes": len(data),
        "created_at": created,
        "expires_at": created + expires_after["seconds"] if expires_after else None,
        "status": "processed",
        "status_details": None,
    }
    store.files[file["id"]] = file
    store.file_bytes[file["id"]] = data
    return respond(file)


async def list_files(request: Request) -> Response:
    store = state(request).store
    limit, order, after, before = rq.list_query(request.query_params, max_limit=10000)
    purpose = request.query_params.get("purpose")
    items = [f for f in store.files.values() if purpose is None or f["purpose"] == purpose]
    page, more = paginate(items, limit=limit, order=order, after=after, before=before)
    return respond(list_body([public(f) for f in page], more))


async def retrieve_file(request: Request) -> Response:
    return respond(public(state(request).store.file(request.path_params["file_id"])))


async def delete_file(request: Request) -> Response:
    store = state(request).store
    file_id = request.path_params["file_id"]
    store.file(file_id)
    del store.files[file_id]
    store.file_bytes.pop(file_id, None)
    return respond({"id": file_id, "object": "file", "deleted": True})


async def file_content(request: Request) -> Response:
    store = state(request).store
    file = store.file(request.path_params["file_id"])
    if file["purpose"] == "assistants":
        raise bad_request("Not allowed to download files of purpose: assistants.")
    return Response(store.file_bytes[file["id"]], media_type="application/octet-stream")


async def create_store(request: Request) -> Response:
    params = v.check_object("", await json_body(request), rq.VECTOR_STORE_FIELDS)
    return respond(public(create_vector_store(state(request).store, params)))


async def list_stores(request: Request) -> Response:
    store = state(request).store
    limit, order, after, before = rq.list_query(request.query_params)
    page, more = paginate(
        list(store.vector_stores.values()), limit=limit, order=order, after=after, before=before
    )
    return respond(list_body([public(s) for s in page], more))


async def retrieve_store(request: Request) -> Response:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    process(store, vector_store)
    return respond(public(vector_store))


async def update_store(request: Request) -> Response:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    params = v.check_object("", await json_body(request), rq.VECTOR_STORE_UPDATE_FIELDS)
    for key in ("name", "metadata", "expires_after"):
        if key in params:
            vector_store[key] = params[key]
    if "expires_after" in params:
        expires = params["expires_after"]
        vector_store["expires_at"] = (
            vector_store["last_active_at"] + expires["days"] * 86400 if expires else None
        )
    return respond(public(vector_store))


async def delete_store(request: Request) -> Response:
    store = state(request).store
    vector_store_id = request.path_params["vs_id"]
    store.vector_store(vector_store_id)
    del store.vector_stores[vector_store_id]
    store.vector_store_files.pop(vector_store_id, None)
    return respond(deleted(vector_store_id, "vector_store"))


async def search_store(request: Request) -> Response:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    params = v.check_object("", await json_body(request), rq.SEARCH_FIELDS, required=("query",))
    query = params["query"] if isinstance(params["query"], str) else " ".join(params["query"])
    process(store, vector_store)
    from harness.server._reply_generator import chunk_text

    chunks = []
    for entry in store.vector_store_files[vector_store["id"]]:
        text = store.file_bytes.get(entry["id"], b"").decode("utf-8", errors="replace")
        chunks += chunk_text(entry["id"], store.files.get(entry["id"], {}).get("filename", ""), text)
    hits = rank(query, chunks, limit=int(params.get("max_num_results", 10)))
    data = [
        {
            "file_id": h.chunk.file_id,
            "filename": h.chunk.filename,
            "score": h.score,
            "attributes": {},
            "content": [{"type": "text", "text": h.chunk.text}],
        }
        for h in hits
    ]
    return respond(
        {
            "object": "vector_store.search_results.page",
            "search_query": query,
            "data": data,
            "has_more": False,
            "next_page": None,
        }
    )


def _store_file(request: Request) -> tuple[Obj, Obj]:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    file_id = request.path_params["file_id"]
    for entry in store.vector_store_files[vector_store["id"]]:
        if entry["id"] == file_id:
            return vector_store, entry
    raise not_found("vector_store_file", file_id)


async def create_store_file(request: Request) -> Response:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    params = v.check_object("", await json_body(request), rq.VECTOR_STORE_FILE_FIELDS, required=("file_id",))
    entry = attach_file(
        store,
        vector_store,
        params["file_id"],
        strategy=params.get("chunking_strategy"),
        attributes=params.get("attributes"),
    )
    return respond(public(entry))


async def list_store_files(request: Request) -> Response:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    return respond(_file_page(request, store.vector_store_files[vector_store["id"]]))


def _file_page(request: Request, items: list[Obj]) -> dict[str, Any]:
    limit, order, after, before = rq.list_query(request.query_params)
    wanted = request.query_params.get("filter")
    if wanted is not None:
        v.enum("in_progress", "completed", "failed", "cancelled")("filter", wanted)
        items = [f for f in items if f["status"] == wanted]
    page, more = paginate(items, limit=limit, order=order, after=after, before=before)
    return list_body([public(f) for f in page], more)


async def retrieve_store_file(request: Request) -> Response:
    store = state(request).store
    vector_store, entry = _store_file(request)
    process(store, vector_store, [entry["id"]])
    return respond(public(entry))


async def update_store_file(request: Request) -> Response:
    _, entry = _store_file(request)
    params = v.check_object(
        "", await json_body(request), {"attributes": v.nullable(v.attributes())}, required=("attributes",)
    )
    entry["attributes"] = dict(params["attributes"] or {})
    return respond(public(entry))


async def delete_store_file(request: Request) -> Response:
    store = state(request).store
    vector_store, entry = _store_file(request)
    store.vector_store_files[vector_store["id"]].remove(entry)
    refresh(store, vector_store)
    return respond(deleted(entry["id"], "vector_store.file"))


async def create_batch(request: Request) -> Response:
    store = state(request).store
    vector_store = store.vector_store(request.path_params["vs_id"])
    params = v.check_object("", await json_body(request), rq.FILE_BATCH_FIELDS)
    specs = [{"file_id": f} for f in params.get("file_ids", [])] + list(params.get("files", []))
    if not specs:
        raise bad_request(
            "Missing required parameter: 'file_ids'.", param="file_ids", code="missing_required_parameter"
        )
    for index, spec in enumerate(specs):
        attach_file(
            store,
            vector_store,
            spec["file_id"],
            param=f"file_ids[{index}]",
            strategy=spec.get("chunking_strategy") or params.get("chunking_strategy"),
            attributes=spec.get("attributes") or params.get("attributes"),
        )
    batch: Obj = {
        "id": store.ids.new("file_batch"),
        "object": "vector_store.file_batch",
        "created_at": store.now(),
        "status": "in_progress",
        "vector_store_id": vector_store["id"],
        "file_counts": {},
        "_file_ids": [spec["file_id"] for spec in specs],
    }
    refresh_batch(store, batch)
    store.file_batches[batch["id"]] = batch
    return respond(public(batch))


def _batch(request: Request) -> Obj:
    store = state(request).store
    store.vector_store(request.path_params["vs_id"])
    batch = store.file_batches.get(request.path_params["batch_id"])
    if batch is None or batch["vector_store_id"] != request.path_params["vs_id"]:
        raise not_found("file_batch", request.path_params["batch_id"])
    return batch


async def retrieve_batch(request: Request) -> Response:
    store = state(request).store
    batch = _batch(request)
    process(store, store.vector_store(batch["vector_store_id"]), batch["_file_ids"])
    return respond(public(batch))


async def cancel_batch(request: Request) -> Response:
    store = state(request).store
    batch = _batch(request)
    if batch["status"] != "in_progress":
        raise ApiError(400, f"Cannot cancel a vector store file batch with status '{batch['status']}'.")
    for entry in store.vector_store_files[batch["vector_store_id"]]:
        if entry["id"] in batch["_file_ids"] and entry["status"] == "in_progress":
            entry["status"] = "cancelled"
    batch["status"] = "cancelled"
    refresh_batch(store, batch)
    refresh(store, store.vector_store(batch["vector_store_id"]))
    return respond(public(batch))


async def list_batch_files(request: Request) -> Response:
    store = state(request).store
    batch = _batch(request)
    items = [f for f in store.vector_store_files[batch["vector_store_id"]] if f["id"] in batch["_file_ids"]]
    return respond(_file_page(request, items))


ROUTES = [
    Route("/v1/files", create_file, methods=["POST"]),
    Route("/v1/files", list_files, methods=["GET"]),
    Route("/v1/files/{file_id}", retrieve_file, methods=["GET"]),
    Route("/v1/files/{file_id}", delete_file, methods=["DELETE"]),
    Route("/v1/files/{file_id}/content", file_content, methods=["GET"]),
    Route("/v1/vector_stores", create_store, methods=["POST"]),
    Route("/v1/vector_stores", list_stores, methods=["GET"]),
    Route("/v1/vector_stores/{vs_id}", retrieve_store, methods=["GET"]),
    Route("/v1/vector_stores/{vs_id}", update_store, methods=["POST"]),
    Route("/v1/vector_stores/{vs_id}", delete_store, methods=["DELETE"]),
    Route("/v1/vector_stores/{vs_id}/search", search_store, methods=["POST"]),
    Route("/v1/vector_stores/{vs_id}/files", create_store_file, methods=["POST"]),
    Route("/v1/vector_stores/{vs_id}/files", list_store_files, methods=["GET"]),
    Route("/v1/vector_stores/{vs_id}/files/{file_id}", retrieve_store_file, methods=["GET"]),
    Route("/v1/vector_stores/{vs_id}/files/{file_id}", update_store_file, methods=["POST"]),
    Route("/v1/vector_stores/{vs_id}/files/{file_id}", delete_store_file, methods=["DELETE"]),
    Route("/v1/vector_stores/{vs_id}/file_batches", create_batch, methods=["POST"]),
    Route("/v1/vector_stores/{vs_id}/file_batches/{batch_id}", retrieve_batch, methods=["GET"]),
    Route("/v1/vector_stores/{vs_id}/file_batches/{batch_id}/cancel", cancel_batch, methods=["POST"]),
    Route("/v1/vector_stores/{vs_id}/file_batches/{batch_id}/files", list_batch_files, methods=["GET"]),
]
