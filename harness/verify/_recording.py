"""A recording, whatever format it was stored in: interactions with bytes bodies and list-valued headers.

Every reader of :mod:`harness.verify._readers` produces these plain objects, so the checks, the reports and
``harness show`` never see a format's quirks (Ruby's ``base64_string``, the test proxy's array of stream
lines, vcrpy's gzip-compressed ``!!binary`` bodies).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from harness._findings import Finding

RecordingFormat = Literal["vcrpy-yaml", "vcrpy-json", "ruby-vcr-yaml", "test-proxy-json"]
"""The cassette formats :func:`~harness.verify.read_recording` understands."""

Headers = dict[str, list[str]]


def header(headers: Mapping[str, list[str]], name: str) -> str | None:
    """The first value of header ``name`` (case-insensitive), or ``None`` when it is absent."""
    wanted = name.lower()
    for key, values in headers.items():
        if key.lower() == wanted and values:
            return values[0]
    return None


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


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """Undo ``Content-Encoding`` (gzip, deflate, br when a brotli module is installed).

    Bodies that are already decoded (a recorder that stored what the client saw while keeping the
    header) are returned unchanged: gzip is recognised by its magic bytes, deflate and br by trying.

    Raises:
        ValueError: The body claims an encoding it does not have, or br without a brotli module.
    """
    if not content_encoding or not body:
        return body
    codings = [coding.strip().lower() for coding in content_encoding.split(",") if coding.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            if body[:2] == b"\x1f\x8b":
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError, zlib.error) as error:
                    raise ValueError(f"the gzip-encoded body does not decompress: {error}") from error
        elif coding == "deflate":
            body = _inflate(body)
        elif coding == "br":
            body = _unbrotli(body)
        else:
            raise ValueError(f"unknown Content-Encoding {coding!r}; expected gzip, deflate, br or identity")
    return body


def _inflate(body: bytes) -> bytes:
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        try:
            return zlib.decompress(body, wbits)
        except zlib.error:
            continue
    return body


def _unbrotli(body: bytes) -> bytes:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        try:
            import brotlicffi as brotli  # type: ignore[import-not-found]
        except ImportError:
            if body[:1] in (b"{", b"[", b"e", b"d", b":"):
                return body  # already decoded text
            raise ValueError(
                "the body is br-encoded and no brotli module is installed; run `pip install brotli`"
            ) from None
    try:
        result: bytes = brotli.decompress(body)
    except Exception:  # brotli raises its own error type; an undecodable body is probably decoded text
        return body
    return result


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
