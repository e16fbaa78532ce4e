"""JSON Schema export of the contracts: one file per object, stream event, request body and query.

File names: ``Run.json`` (objects), ``event.thread.run.created.json`` (events),
``request.CreateRunRequest.json`` (bodies), ``query.ListQuery.json`` (query parameters), and
``index.json`` which lists them all with the route table. The output is deterministic (sorted keys, two
space indent, trailing newline) so that the committed copy can be compared with the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from harness._errors import HarnessError
from harness.contracts._models import (
    EVENT_MODELS,
    ErrorObject,
    ErrorResponse,
    MessageDeltaEvent,
    RunStepDeltaEvent,
)
from harness.contracts._routes import ROUTES

GENERATOR = "harness contracts export"
"""Marks an ``index.json`` written here, so that a later export may remove files it no longer writes."""
_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": _DIALECT, **schema}


def _models() -> tuple[dict[str, type[BaseModel]], dict[str, type[BaseModel]], dict[str, type[BaseModel]]]:
    objects: dict[str, type[BaseModel]] = {}
    requests: dict[str, type[BaseModel]] = {}
    queries: dict[str, type[BaseModel]] = {}
    for model in (ErrorResponse, ErrorObject, MessageDeltaEvent, RunStepDeltaEvent):
        objects[model.__name__] = model
    for route in ROUTES:
        if route.response_model is not None:
            objects[route.response_model.__name__] = route.response_model
        if route.request_model is not None:
            requests[route.request_model.__name__] = route.request_model
        if route.query_model is not None:
            queries[route.query_model.__name__] = route.query_model
    return objects, requests, queries


def schema_files() -> dict[str, str]:
    """Every exported file: name -> text (``index.json`` included)."""
    objects, requests, queries = _models()
    files: dict[str, str] = {}
    index: dict[str, Any] = {
        "generator": GENERATOR,
        "objects": {},
        "events": {},
        "requests": {},
        "queries": {},
    }
    for name, model in objects.items():
        files[f"{name}.json"] = _dump(_schema(model))
        index["objects"][name] = f"{name}.json"
    for event, model in EVENT_MODELS.items():
        files[f"event.{event}.json"] = _dump(_schema(model))
        index["events"][event] = f"event.{event}.json"
    for name, model in requests.items():
        files[f"request.{name}.json"] = _dump(_schema(model))
        index["requests"][name] = f"request.{name}.json"
    for name, model in queries.items():
        files[f"query.{name}.json"] = _dump(_schema(model))
        index["queries"][name] = f"query.{name}.json"
    index["routes"] = [
        {
            "method": route.method,
            "template": route.template,
            "operation": route.operation,
            "request": f"request.{route.request_model.__name__}.json" if route.request_model else None,
            "query": f"query.{route.query_model.__name__}.json" if route.query_model else None,
            "response": f"{route.response_model.__name__}.json" if route.response_model else None,
            "streams": route.streams,
        }
        for route in ROUTES
    ]
    files["index.json"] = _dump(index)
    return dict(sorted(files.items()))


def stale_files(out_dir: Path) -> dict[str, str]:
    """Files of ``out_dir`` that differ from :func:`schema_files`: name -> ``changed|missing|extra``."""
    expected = schema_files()
    status: dict[str, str] = {}
    for name, text in expected.items():
        path = out_dir / name
        if not path.is_file():
            status[name] = "missing"
        elif path.read_text(encoding="utf-8") != text:
            status[name] = "changed"
    if out_dir.is_dir():
        for path in sorted(out_dir.glob("*.json")):
            if path.name not in expected:
                status[path.name] = "extra"
    return status


def export_schemas(out_dir: Path) -> list[Path]:
    """Write every schema file into ``out_dir`` (created if needed) and return their paths.

    Files a previous export wrote that the models no longer produce are removed; other files are left
    alone.

    Raises:
        HarnessError: ``out_dir`` exists and is not a directory.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise HarnessError(
            f"expected a directory for the schemas, saw a file at {out_dir}; pass another --out"
        )
    files = schema_files()
    previous = _previous_files(out_dir / "index.json")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    for name in sorted(previous - set(files)):
        (out_dir / name).unlink(missing_ok=True)
    return written


def _previous_files(index_path: Path) -> set[str]:
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(index, dict) or index.get("generator") != GENERATOR:
        return set()
    names = {"index.json"}
    for group in ("objects", "events", "requests", "queries"):
        entries = index.get(group)
        if isinstance(entries, dict):
            names.update(str(name) for name in entries.values())
    return names
