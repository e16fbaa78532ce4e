"""Validation of every request body and query, and normalisation of tools and tool resources.

Field lists and limits follow the official OpenAPI document; messages and codes follow real 400s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from harness.server import _validation as v
from harness.server._errors import bad_request

_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _function_name(param: str, value: Any) -> Any:
    v.string()(param, value)
    if not _NAME_PATTERN.match(value):
        raise bad_request(
            f"Invalid '{param}': string does not match pattern. Expected a string that matches the pattern "
            f"'^[a-zA-Z0-9_-]+$' with at most 64 characters.",
            param=param,
            code="invalid_value",
        )
    return value


_FUNCTION = v.obj(
    {
        "name": _function_name,
        "description": v.nullable(v.string(max_length=1024)),
        "parameters": v.nullable(v.free_object()),
        "strict": v.nullable(v.boolean()),
    },
    required=("name",),
)
_RANKING = v.obj(
    {
        "ranker": v.enum("auto", "default_2024_08_21"),
        "score_threshold": v.number(minimum=0, maximum=1),
    },
    required=("score_threshold",),
)
_FILE_SEARCH = v.obj(
    {"max_num_results": v.number(minimum=1, maximum=50, integer=True), "ranking_options": _RANKING}
)


def _tool(param: str, value: Any) -> Any:
    kind = v.discriminator(param, value, "code_interpreter", "file_search", "function")
    if kind == "function":
        checked = v.check_object(
            param, value, {"type": v.anything(), "function": _FUNCTION}, required=("function",)
        )
        return normalise_function(checked["function"])
    if kind == "file_search":
        checked = v.check_object(param, value, {"type": v.anything(), "file_search": _FILE_SEARCH})
        return normalise_file_search(checked.get("file_search") or {})
    v.check_object(param, value, {"type": v.anything()})
    return {"type": "code_interpreter"}


def normalise_function(function: Mapping[str, Any]) -> dict[str, Any]:
    """A function tool as the API echoes it: parameters default to an empty object, strict to false."""
    return {
        "type": "function",
        "function": {
            "name": function["name"],
            "description": function.get("description"),
            "parameters": function.get("parameters") or {"type": "object", "properties": {}},
            "strict": bool(function.get("strict") or False),
        },
    }


def normalise_file_search(options: Mapping[str, Any]) -> dict[str, Any]:
    """A file_search tool as the API echoes it, with its default ranking options."""
    ranking = options.get("ranking_options") or {}
    body: dict[str, Any] = {}
    if "max_num_results" in options:
        body["max_num_results"] = options["max_num_results"]
    body["ranking_options"] = {
        "ranker": "default_2024_08_21",
        "score_threshold": float(ranking.get("score_threshold", 0.0)),
        "hybrid_search": None,
    }
    return {"type": "file_search", "file_search": body}


def tools(max_items: int) -> v.Validator:
    """A tools array of at most ``max_items`` tools."""
    return v.nullable(v.array(_tool, max_items=max_items))


CHUNK_SIZE_MIN, CHUNK_SIZE_MAX = 100, 4096
"""Bounds of ``chunking_strategy.static.max_chunk_size_tokens``."""

_STATIC_CHUNKING = v.obj(
    {
        "max_chunk_size_tokens": v.number(minimum=CHUNK_SIZE_MIN, maximum=CHUNK_SIZE_MAX, integer=True),
        "chunk_overlap_tokens": v.number(minimum=0, integer=True),
    },
    required=("max_chunk_size_tokens", "chunk_overlap_tokens"),
)


def _chunking(param: str, value: Any) -> Any:
    """``{"type": "auto"}`` or ``{"type": "static", "static": {...}}``, overlapping at most half a chunk."""
    if v.discriminator(param, value, "auto", "static") == "auto":
        return v.check_object(param, value, {"type": v.anything()})
    checked = v.check_object(
        param, value, {"type": v.anything(), "static": _STATIC_CHUNKING}, required=("static",)
    )
    size = checked["static"]["max_chunk_size_tokens"]
    overlap = checked["static"]["chunk_overlap_tokens"]
    if overlap * 2 > size:
        where = f"{param}.static.chunk_overlap_tokens"
        raise bad_request(
            f"Invalid '{where}': the overlap must not exceed half of max_chunk_size_tokens. Expected a value "
            f"<= {size // 2}, but got {overlap} instead.",
            param=where,
            code="invalid_value",
        )
    return checked


_CHUNKING: v.Validator = _chunking
_NEW_VECTOR_STORE = v.obj(
    {
        "file_ids": v.array(v.string(), max_items=10000),
        "chunking_strategy": _CHUNKING,
        "metadata": v.metadata(),
    }
)
TOOL_RESOURCES = v.nullable(
    v.obj(
        {
            "code_interpreter": v.obj({"file_ids": v.array(v.string(), max_items=20)}),
            "file_search": v.obj(
                {
                    "vector_store_ids": v.array(v.string(), max_items=1),
                    "vector_stores": v.array(_NEW_VECTOR_STORE, max_items=1),
                }
            ),
        }
    )
)


_JSON_SCHEMA = v.obj(
    {
        "name": _function_name,
        "description": v.nullable(v.string()),
        "schema": v.nullable(v.free_object()),
        "strict": v.nullable(v.boolean()),
    },
    required=("name",),
)


def _response_format(param: str, value: Any) -> Any:
    if isinstance(value, str):
        return v.enum("auto")(param, value)
    if not isinstance(value, dict):
        raise v.type_error(param, "a string or an object", value)
    if v.discriminator(param, value, "text", "json_object", "json_schema") == "json_schema":
        return v.check_object(
            param, value, {"type": v.anything(), "json_schema": _JSON_SCHEMA}, required=("json_schema",)
        )
    return v.check_object(param, value, {"type": v.anything()})


def _tool_choice(param: str, value: Any) -> Any:
    if isinstance(value, str):
        return v.enum("none", "auto", "required")(param, value)
    if not isinstance(value, dict):
        raise v.type_error(param, "a string or an object", value)
    if value.get("type") == "function":
        return v.check_object(
            param,
            value,
            {"type": v.anything(), "function": v.obj({"name": _function_name}, required=("name",))},
            required=("function",),
        )
    return v.check_object(
        param, value, {"type": v.enum("function", "file_search", "code_interpreter")}, required=("type",)
    )


_TRUNCATION = v.obj(
    {
        "type": v.enum("auto", "last_messages"),
        "last_messages": v.nullable(v.number(minimum=1, integer=True)),
    },
    required=("type",),
)
_REASONING = v.nullable(v.enum("none", "minimal", "low", "medium", "high", "xhigh", "max"))

ASSISTANT_FIELDS: dict[str, v.Validator] = {
    "model": v.string(),
    "name": v.nullable(v.string(max_length=256)),
    "description": v.nullable(v.string(max_length=512)),
    "instructions": v.nullable(v.string(max_length=256000)),
    "reasoning_effort": _REASONING,
    "tools": tools(128),
    "tool_resources": TOOL_RESOURCES,
    "metadata": v.metadata(),
    "temperature": v.nullable(v.number(minimum=0, maximum=2)),
    "top_p": v.nullable(v.number(minimum=0, maximum=1)),
    "response_format": v.nullable(_response_format),
}

_CONTENT_PARTS: dict[str, v.Validator] = {
    "text": v.string(),
    "image_file": v.obj(
        {"file_id": v.string(), "detail": v.enum("auto", "low", "high")}, required=("file_id",)
    ),
    "image_url": v.obj({"url": v.string(), "detail": v.enum("auto", "low", "high")}, required=("url",)),
}


def _content_part(param: str, value: Any) -> Any:
    """A text, image_file or image_url part, carrying the member its type names."""
    kind = v.discriminator(param, value, *_CONTENT_PARTS)
    return v.check_object(param, value, {"type": v.anything(), kind: _CONTENT_PARTS[kind]}, required=(kind,))


def _content(param: str, value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if not value:
            raise bad_request(
                f"Invalid '{param}': empty array. Expected an array with minimum length 1, but got an empty "
                "array instead.",
                param=param,
                code="empty_array",
            )
        return v.array(_content_part)(param, value)
    raise v.type_error(param, "a string or an array", value)


_ATTACHMENT = v.obj(
    {
        "file_id": v.string(),
        "tools": v.array(
            v.obj({"type": v.enum("code_interpreter", "file_search")}, required=("type",)),
        ),
    },
    required=("file_id",),
)

MESSAGE_FIELDS: dict[str, v.Validator] = {
    "role": v.enum("user", "assistant"),
    "content": _content,
    "attachments": v.nullable(v.array(_ATTACHMENT)),
    "metadata": v.metadata(),
}
MESSAGE = v.obj(MESSAGE_FIELDS, required=("role", "content"))

THREAD_FIELDS: dict[str, v.Validator] = {
    "messages": v.array(MESSAGE, max_items=32),
    "tool_resources": TOOL_RESOURCES,
    "metadata": v.metadata(),
}

_RUN_COMMON: dict[str, v.Validator] = {
    "assistant_id": v.string(),
    "model": v.nullable(v.string()),
    "instructions": v.nullable(v.string(max_length=256000)),
    "tools": tools(20),
    "metadata": v.metadata(),
    "temperature": v.nullable(v.number(minimum=0, maximum=2)),
    "top_p": v.nullable(v.number(minimum=0, maximum=1)),
    "stream": v.nullable(v.boolean()),
    "max_prompt_tokens": v.nullable(v.number(minimum=1, integer=True)),
    "max_completion_tokens": v.nullable(v.number(minimum=1, integer=True)),
    "truncation_strategy": v.nullable(_TRUNCATION),
    "tool_choice": v.nullable(_tool_choice),
    "parallel_tool_calls": v.boolean(),
    "response_format": v.nullable(_response_format),
    "reasoning_effort": _REASONING,
}
RUN_FIELDS: dict[str, v.Validator] = {
    **_RUN_COMMON,
    "additional_instructions": v.nullable(v.string()),
    "additional_messages": v.nullable(v.array(MESSAGE, max_items=32)),
}
THREAD_AND_RUN_FIELDS: dict[str, v.Validator] = {
    **_RUN_COMMON,
    "thread": v.obj(THREAD_FIELDS),
    "tool_resources": TOOL_RESOURCES,
}
TOOL_OUTPUTS_FIELDS: dict[str, v.Validator] = {
    "tool_outputs": v.array(v.obj({"tool_call_id": v.string(), "output": v.string()})),
    "stream": v.nullable(v.boolean()),
}
METADATA_ONLY: dict[str, v.Validator] = {"metadata": v.metadata()}
THREAD_UPDATE_FIELDS: dict[str, v.Validator] = {"tool_resources": TOOL_RESOURCES, "metadata": v.metadata()}

VECTOR_STORE_FIELDS: dict[str, v.Validator] = {
    "file_ids": v.array(v.string(), max_items=500),
    "name": v.nullable(v.string(max_length=256)),
    "description": v.nullable(v.string(max_length=512)),
    "expires_after": v.nullable(
        v.obj(
            {"anchor": v.enum("last_active_at"), "days": v.number(minimum=1, maximum=365, integer=True)},
            required=("anchor", "days"),
        )
    ),
    "chunking_strategy": v.nullable(_CHUNKING),
    "metadata": v.metadata(),
}
VECTOR_STORE_UPDATE_FIELDS: dict[str, v.Validator] = {
    "name": VECTOR_STORE_FIELDS["name"],
    "expires_after": VECTOR_STORE_FIELDS["expires_after"],
    "metadata": v.metadata(),
}
VECTOR_STORE_FILE_FIELDS: dict[str, v.Validator] = {
    "file_id": v.string(),
    "attributes": v.nullable(v.attributes()),
    "chunking_strategy": v.nullable(_CHUNKING),
}
FILE_BATCH_MAX = 2000
"""Files of one vector store file batch: 1 to 2000, as ``file_ids`` or as ``files``."""
FILE_BATCH_FIELDS: dict[str, v.Validator] = {
    "file_ids": v.array(v.string(), min_items=1, max_items=FILE_BATCH_MAX),
    "files": v.array(
        v.obj(
            {"file_id": v.string(), "attributes": v.nullable(v.attributes()), "chunking_strategy": _CHUNKING},
            required=("file_id",),
        ),
        min_items=1,
        max_items=FILE_BATCH_MAX,
    ),
    "attributes": v.nullable(v.attributes()),
    "chunking_strategy": v.nullable(_CHUNKING),
}
SEARCH_FIELDS: dict[str, v.Validator] = {
    "query": lambda param, value: v.one_of_types(
        param, value, "a string or an array", (str, v.string()), (list, v.array(v.string()))
    ),
    "max_num_results": v.number(minimum=1, maximum=50, integer=True),
    "rewrite_query": v.boolean(),
    "filters": v.free_object(),
    "ranking_options": v.free_object(),
}

FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
FILE_EXPIRY_MIN, FILE_EXPIRY_MAX = 3600, 2_592_000
"""Bounds of a file's ``expires_after.seconds``: one hour to thirty days."""

_FILE_EXPIRATION = v.obj(
    {
        "anchor": v.enum("created_at"),
        "seconds": v.number(minimum=FILE_EXPIRY_MIN, maximum=FILE_EXPIRY_MAX, integer=True),
    },
    required=("anchor", "seconds"),
)
_FORM_FIELD = re.compile(r"expires_after\[([^\[\]]*)\](.*)", re.DOTALL)
_INTEGER_TEXT = re.compile(r"-?[0-9]+")


def file_expiration(form: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``expires_after`` of a multipart upload, sent as ``expires_after[anchor]`` / ``[seconds]`` fields.

    Returns:
        ``{"anchor": "created_at", "seconds": n}``, or ``None`` when the upload sets no expiration.

    Raises:
        ApiError: The expiration is not an object, lacks ``anchor`` or ``seconds``, or breaks their rules.
    """
    if "expires_after" in form:
        raise v.type_error("expires_after", "an object", form["expires_after"])
    fields: dict[str, Any] = {}
    for key, item in form.items():
        match = _FORM_FIELD.fullmatch(key)
        if match is None:
            continue
        name, nested = match.groups()
        fields[name] = {} if nested else item
    if not fields:
        return None
    seconds = fields.get("seconds")
    if isinstance(seconds, str) and _INTEGER_TEXT.fullmatch(seconds):
        fields["seconds"] = int(seconds)
    checked: dict[str, Any] = _FILE_EXPIRATION("expires_after", fields)
    return checked


def list_query(query: Mapping[str, str], *, max_limit: int = 100) -> tuple[int, str, str | None, str | None]:
    """Validate ``limit``, ``order``, ``after`` and ``before`` query parameters.

    Returns:
        ``(limit, order, after, before)`` with defaults 20 and ``"desc"``.
    """
    limit = 20
    if "limit" in query:
        try:
            limit = int(query["limit"])
        except ValueError:
            raise bad_request(
                "Invalid type for 'limit': expected an integer, but got a string instead.",
                param="limit",
                code="invalid_type",
            ) from None
        v.number(minimum=1, maximum=max_limit, integer=True)("limit", limit)
    order = v.enum("asc", "desc")("order", query.get("order", "desc"))
    return limit, order, query.get("after"), query.get("before")
