"""A recording, whatever format it was stored in: interactions with bytes bodies and list-valued headers.

Every reader of :mod:`harness.verify._readers` produces these plain objects, so the checks, the reports and
``harness show`` never see a format's quirks (Ruby's ``base64_string``, the test proxy's array of stream
lines, vcrpy's gzip-compressed ``!!binary`` bodies).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from harness._findings import Finding
from harness._headers import header as header  # re-exported for the cassette readers

RecordingFormat = Literal[
    "vcrpy-yaml", "vcrpy-json", "ruby-vcr-yaml", "r-vcr-yaml", "r-vcr-json", "test-proxy-json"
]
"""The cassette formats :func:`~harness.verify.read_recording` understands."""

Headers = dict[str, list[str]]


def normalise_headers(raw: object) -> Headers:
    """Headers as ``{name: [value, ...]}`` from a mapping whose values are strings or lists of them."""
    if not isinstance(raw, Mapping):
        return {}
    headers: Headers = {}
    for key, value in raw.items():
        if isinstance(value, list | tuple):
            headers[str(key)] = [_text(item) for item in value]
        elif value is not None:
            headers[str(key)] = [_text(value)]
    return headers


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def api_path(uri: str) -> str:
    """The API path of ``uri`` without scheme, host, query and the ``/v1`` (or Azure ``/openai``) prefix."""
    path = urlsplit(uri).path or "/"
    for prefix in ("/v1/", "/openai/"):
        index = path.find(prefix)
        if index != -1:
            return path[index + len(prefix) - 1 :]
    return path


@dataclass(frozen=True, slots=True)
class RecordedInteraction:
    """One request and its response, as recorded.

    Attributes:
        index: Position of the interaction in its file, from 0.
        method: The HTTP method, upper case.
        uri: The full request URI, query included.
        request_headers: Request headers, each name with its list of values.
        request_body: The request body, or ``None`` when there was none (or it was not recorded).
        status: The HTTP status code.
        response_headers: Response headers, each name with its list of values.
        response_body: The response body with any ``Content-Encoding`` undone.
        duration_ms: How long the exchange took, when the format records it.
        recorded_at: When the exchange happened, as the format wrote it, when it records it.
        content_encoding: The ``Content-Encoding`` the body was stored with, if any.
    """

    index: int
    method: str
    uri: str
    request_headers: Headers
    request_body: bytes | None
    status: int
    response_headers: Headers
    response_body: bytes
    duration_ms: float | None = None
    recorded_at: str | None = None
    content_encoding: str | None = None

    @property
    def path(self) -> str:
        """The API path (see :func:`api_path`)."""
        return api_path(self.uri)

    @property
    def content_type(self) -> str:
        """The response's media type in lower case, without parameters (``""`` when absent)."""
        value = header(self.response_headers, "content-type") or ""
        return value.split(";", 1)[0].strip().lower()

    @property
    def request_content_type(self) -> str:
        """The request's media type in lower case, without parameters (``""`` when absent)."""
        value = header(self.request_headers, "content-type") or ""
        return value.split(";", 1)[0].strip().lower()


@dataclass(frozen=True, slots=True)
class Recording:
    """A cassette read from disk.

    Attributes:
        path: The file, as given.
        format: Which cassette format it was stored in.
        interactions: Its interactions in order.
        problems: What could not be read in an otherwise readable file (a body that does not decode),
            as ``unreadable`` findings located at their interaction.
    """

    path: Path
    format: RecordingFormat
    interactions: list[RecordedInteraction]
    problems: list[Finding] = field(default_factory=list)
