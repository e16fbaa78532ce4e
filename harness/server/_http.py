"""HTTP plumbing shared by the route modules: the server's state, JSON bodies and responses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

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


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object body (``{}`` when empty); 400 for anything else."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request(
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
            "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not "
            "valid JSON.)"
        ) from None
    if not isinstance(body, dict):
        raise bad_request("Invalid type for body: expected an object.", code="invalid_type")
    return body


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
