"""HTTP plumbing shared by the route modules: the server's state, JSON bodies and responses."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse

from harness.server._errors import ApiError, bad_request
from harness.server._faults import FaultConfig, FaultCounter
from harness.server._runs import RunEngine
from harness.server._state import Store


@dataclass
class ServerState:
    """Everything one app instance holds: the store, the run engine and its options."""

    store: Store
    engine: RunEngine
    faults: FaultConfig | None = None
    poll_after_ms: int = 5
    api_key: str | None = None
    counter: FaultCounter = field(default_factory=FaultCounter)


def state(request: Request) -> ServerState:
    """The :class:`ServerState` of the app serving ``request``."""
    server: ServerState = request.app.state.server
    return server


MAX_JSON_BODY = 8 * 1024 * 1024
"""The largest JSON body accepted, in bytes (larger ones get a 400 before they are read whole)."""

MAX_JSON_DEPTH = 64
"""The deepest nesting of arrays and objects accepted in a JSON body."""

_UNPARSEABLE = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
    "valid JSON.)"
)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


async def _read_limited(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_JSON_BODY:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_JSON_BODY:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> ApiError:
    return bad_request(
        f"The request body is larger than the {MAX_JSON_BODY // (1024 * 1024)} MB this server accepts.",
        code="request_too_large",
    )


def _problem(value: Any) -> str | None:
    """Why ``value`` (parsed JSON) cannot be stored and echoed: too deep, or a lone surrogate."""
    level = [value]
    for _ in range(MAX_JSON_DEPTH + 1):
        children: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                for key, child in item.items():
                    children.append(key)
                    children.append(child)
            elif isinstance(item, list):
                children.extend(item)
            elif isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return "it holds a lone surrogate (\\ud800-\\udfff), which is not valid Unicode"
        if not children:
            return None
        level = children
    return f"it is nested deeper than {MAX_JSON_DEPTH} levels"


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object body (``{}`` when empty); 400 for anything else.

    Refused with the API's "could not parse" 400: text that is not JSON or not UTF-8, ``NaN`` and
    ``Infinity``, lone surrogates, nesting deeper than :data:`MAX_JSON_DEPTH`; bodies larger than
    :data:`MAX_JSON_BODY` get a 400 of their own.
    """
    raw = await _read_limited(request)
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise bad_request(_UNPARSEABLE) from None
    problem = _problem(body)
    if problem is not None:
        raise bad_request(f"{_UNPARSEABLE} ({problem})")
    if not isinstance(body, dict):
        raise bad_request("Invalid type for body: expected an object.", code="invalid_type")
    return body


@contextlib.asynccontextmanager
async def form_body(request: Request) -> AsyncIterator[FormData]:
    """The request's multipart (or urlencoded) form, closed after the block; 400 when it is malformed.

    Which exception a malformed form raises depends on the Starlette and python-multipart versions (an
    ``HTTPException`` in recent ones, the parser's own errors in older ones), so any of them is the 400.
    """
    try:
        form = await request.form()
    except Exception as error:
        detail = getattr(error, "detail", None) or str(error) or type(error).__name__
        raise bad_request(
            f"Could not parse the multipart form of your request ({detail}). Send the file as a "
            "multipart/form-data body with a 'file' part and a 'purpose' field."
        ) from None
    try:
        yield form
    finally:
        await form.close()


def respond(body: Any, status: int = 200) -> JSONResponse:
    """A JSON response (headers are added by the middleware)."""
    return JSONResponse(body, status_code=status)


def error_response(error: ApiError) -> JSONResponse:
    """The JSON response of an :class:`ApiError`."""
    return JSONResponse(error.body(), status_code=error.status, headers=error.headers)


def include_content(request: Request) -> bool:
    """Whether ``include[]`` asks for file search result content; 400 for unknown include values."""
    values = request.query_params.getlist("include[]") + request.query_params.getlist("include")
    allowed = "step_details.tool_calls[*].file_search.results[*].content"
    for index, value in enumerate(values):
        if value != allowed:
            raise ApiError(
                400,
                f"Invalid value: '{value}'. Supported values are: '{allowed}'.",
                param=f"include[{index}]",
                code="invalid_value",
            )
    return bool(values)
