"""Errors in the hosted API's shape: ``{"error": {"message", "type", "param", "code"}}``."""

from __future__ import annotations

from typing import Any

#: How the hosted API names each object kind in its "No … found" messages.
_NOUNS = {
    "assistant": "assistant",
    "thread": "thread",
    "message": "message",
    "run": "run",
    "step": "run step",
    "vector_store": "vector store",
    "vector_store_file": "file",
    "file_batch": "file batch",
}


class ApiError(Exception):
    """An error response: raised anywhere in a handler, turned into JSON by the app.

    Args:
        status: The HTTP status code.
        message: The human-readable message.
        type: The error type (``invalid_request_error`` for nearly everything).
        param: The request parameter at fault, if any.
        code: The machine-readable code, if any.
        headers: Extra response headers (``retry-after`` for 429).
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        """The JSON body of the response."""
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def bad_request(message: str, *, param: str | None = None, code: str | None = None) -> ApiError:
    """A 400 ``invalid_request_error``."""
    return ApiError(400, message, param=param, code=code)


def not_found(kind: str, object_id: str) -> ApiError:
    """The 404 for an unknown id, worded as the hosted API words it."""
    if kind == "file":
        return ApiError(404, f"No such File object: {object_id}", param="id")
    return ApiError(404, f"No {_NOUNS.get(kind, kind)} found with id '{object_id}'.")


def invalid_url(method: str, path: str) -> ApiError:
    """The 404 for a route the API does not have."""
    return ApiError(404, f"Invalid URL ({method} {path})")


def missing_key() -> ApiError:
    """The 401 for a request without a bearer key."""
    return ApiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header "
        "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    )


def wrong_key(key: str) -> ApiError:
    """The 401 for a request whose bearer key is not the configured one (the key is masked)."""
    masked = key[:3] + "*" * max(len(key) - 7, 1) + key[-4:] if len(key) > 8 else "*" * len(key)
    return ApiError(401, f"Incorrect API key provided: {masked}.", code="invalid_api_key")
