"""Readers of cassette files: vcrpy YAML and JSON, Ruby VCR YAML, R's vcr YAML and JSON, the Azure SDK
test proxy's JSON.

:func:`read_recording` looks at the file's content rather than trusting its name: a mapping with
``interactions`` is vcrpy, one with ``http_interactions`` is Ruby VCR or R's vcr (told apart by R's
``recorded_with`` on each interaction and its ``status_code`` status), one with ``Entries`` is the test
proxy. The Ruby, R and test-proxy formats are read, never written.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from harness._encoding import decode_content
from harness._errors import HarnessError
from harness._findings import Finding
from harness._yaml import UnsafeYamlError, load_json, load_yaml
from harness.verify._recording import (
    Headers,
    RecordedInteraction,
    Recording,
    RecordingFormat,
    header,
    normalise_headers,
)

CASSETTE_SUFFIXES = (".yaml", ".yml", ".json")
"""File name endings :func:`read_recording` is tried on when a folder is walked."""


class UnreadableRecording(HarnessError):
    """A file that should be a cassette but cannot be read; the message says why."""


class NotARecording(UnreadableRecording):
    """A well-formed YAML or JSON file that is no cassette of a known format."""


class _Problems:
    """Collects per-interaction problems of a file that is readable as a whole."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []

    def add(self, index: int, message: str) -> None:
        self.findings.append(
            Finding(kind="unreadable", severity="violation", message=message, interaction=index)
        )


def read_recording(path: Path) -> Recording:
    """Read the cassette at ``path``.

    Raises:
        NotARecording: The file parses but holds no cassette of a known format.
        UnreadableRecording: The file cannot be opened or parsed, or its interactions are malformed.
    """
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableRecording(f"cannot open {path}: {error.strerror or error}") from error
    try:
        return _read(path, raw)
    except (MemoryError, RecursionError) as error:
        what = "memory" if isinstance(error, MemoryError) else "stack"
        raise UnreadableRecording(f"{path} cannot be read: reading it ran out of {what}") from None


def _read(path: Path, raw: bytes) -> Recording:
    try:
        document = _parse(path, raw)
    except UnsafeYamlError as error:
        detail = " ".join(str(error).split())
        raise UnreadableRecording(f"{path} is refused: {detail}") from error
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as error:
        kind = "JSON" if path.suffix.lower() == ".json" else "YAML"
        detail = " ".join(str(error).split())
        raise UnreadableRecording(f"{path} is not valid {kind}: {detail}") from error
    fmt, items, reader = _detect(path, document)
    problems = _Problems()
    interactions: list[RecordedInteraction] = []
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise UnreadableRecording(
                f"{path}: interaction {index} should be a mapping, found {type(item).__name__}"
            )
        try:
            interactions.append(reader(index, item, problems))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise UnreadableRecording(
                f"{path}: interaction {index} is malformed ({type(error).__name__}: {error}); "
                f"expected a {fmt} interaction with a request and a response"
            ) from error
    return Recording(path=path, format=fmt, interactions=interactions, problems=problems.findings)


def _parse(path: Path, raw: bytes) -> Any:
    if path.suffix.lower() == ".json":
        return load_json(raw.decode("utf-8-sig"))
    return load_yaml(raw)


_Reader = Callable[[int, Mapping[str, Any], _Problems], RecordedInteraction]


def _detect(path: Path, document: Any) -> tuple[RecordingFormat, list[Any], _Reader]:
    is_json = path.suffix.lower() == ".json"
    if isinstance(document, Mapping):
        if isinstance(document.get("interactions"), list):
            return ("vcrpy-json" if is_json else "vcrpy-yaml"), document["interactions"], _vcrpy_interaction
        if isinstance(document.get("http_interactions"), list):
            items = document["http_interactions"]
            if _is_r_vcr(items):
                return ("r-vcr-json" if is_json else "r-vcr-yaml"), items, partial(_r_interaction, path)
            return "ruby-vcr-yaml", items, _ruby_interaction
        if isinstance(document.get("Entries"), list):
            return "test-proxy-json", document["Entries"], _proxy_interaction
        keys = ", ".join(sorted(str(key) for key in document)[:6]) or "none"
        seen = f"a mapping with keys {keys}"
    else:
        seen = f"a {type(document).__name__}"
    raise NotARecording(
        f"{path} is not a cassette: expected a mapping with `interactions` (vcrpy), `http_interactions` "
        f"(Ruby or R vcr) or `Entries` (test proxy), found {seen}"
    )


def _bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", errors="surrogateescape")
    raise TypeError(f"a body should be text or binary, found {type(value).__name__}")


def _response_body(raw: bytes, headers: Headers, index: int, problems: _Problems) -> tuple[bytes, str | None]:
    encoding = header(headers, "content-encoding")
    if not encoding or encoding.strip().lower() == "identity":
        return raw, None
    try:
        return decode_content(raw, encoding), encoding
    except ValueError as error:
        problems.add(index, f"response body cannot be decoded: {error}")
        return raw, encoding


def _vcrpy_interaction(index: int, item: Mapping[str, Any], problems: _Problems) -> RecordedInteraction:
    request = item["request"]
    response = item["response"]
    body = request.get("body")
    if isinstance(body, Mapping):  # some stubs store the request body like a response body
        body = body.get("string")
    response_headers = normalise_headers(response.get("headers"))
    if "body" in response:
        stored = response["body"]
        raw = _bytes(stored.get("string", b"") if isinstance(stored, Mapping) else (stored or b""))
    else:  # vcrpy < 5 httpx stubs: decoded text under `content`
        raw = _bytes(response.get("content") or b"")
    status = response.get("status", response.get("status_code"))
    code: Any = status.get("code") if isinstance(status, Mapping) else status
    decoded, encoding = _response_body(raw, response_headers, index, problems)
    notes: Mapping[str, Any] = item["harness"] if isinstance(item.get("harness"), Mapping) else item
    duration = notes.get("duration_ms")
    recorded_at = notes.get("recorded_at", item.get("recorded_at"))
    return RecordedInteraction(
        index=index,
        method=str(request["method"]).upper(),
        uri=str(request["uri"]),
        request_headers=normalise_headers(request.get("headers")),
        request_body=None if body is None else _bytes(body),
        status=int(code),
        response_headers=response_headers,
        response_body=decoded,
        duration_ms=float(duration) if isinstance(duration, int | float) else None,
        recorded_at=None if recorded_at is None else str(recorded_at),
        content_encoding=encoding,
    )


def _ruby_body(body: Any) -> bytes | None:
    if body is None:
        return None
    if not isinstance(body, Mapping):
        return _bytes(body)
    if body.get("base64_string") is not None:
        try:
            return base64.b64decode("".join(str(body["base64_string"]).split()), validate=True)
        except binascii.Error as error:
            raise ValueError(f"base64_string is not base64: {error}") from error
    value = body.get("string")
    return None if value is None else _bytes(value)


def _ruby_interaction(index: int, item: Mapping[str, Any], problems: _Problems) -> RecordedInteraction:
    request = item["request"]
    response = item["response"]
    status = response["status"]
    response_headers = normalise_headers(response.get("headers"))
    request_body = _ruby_body(request.get("body"))
    decoded, encoding = _response_body(
        _ruby_body(response.get("body")) or b"", response_headers, index, problems
    )
    recorded_at = item.get("recorded_at")
    return RecordedInteraction(
        index=index,
        method=str(request["method"]).upper(),
        uri=str(request["uri"]),
        request_headers=normalise_headers(request.get("headers")),
        request_body=request_body or None,
        status=int(status["code"] if isinstance(status, Mapping) else status),
        response_headers=response_headers,
        response_body=decoded,
        recorded_at=None if recorded_at is None else str(recorded_at),
        content_encoding=encoding,
    )


def _is_r_vcr(items: Sequence[Any]) -> bool:
    """R's vcr writes ``recorded_with`` on each interaction and a status with ``status_code``; Ruby's
    VCR writes ``recorded_with`` once per file and a status with ``code``."""
    for item in items:
        if not isinstance(item, Mapping):
            continue
        response = item.get("response")
        status = response.get("status") if isinstance(response, Mapping) else None
        if "recorded_with" in item or (isinstance(status, Mapping) and "status_code" in status):
            return True
    return False


def _r_body(body: Any, cassette: Path) -> bytes | None:
    """A body as R's vcr stores it: ``{encoding, string}``, ``{encoding, base64_string}`` (exact bytes
    kept), or ``{file: true, string: <path>}`` for a body written to disk beside the cassette."""
    if not isinstance(body, Mapping) or not body.get("file"):
        return _ruby_body(body)
    folder = cassette.resolve().parent
    named = Path(str(body.get("string") or ""))
    for candidate in (folder / named, folder / f"{cassette.stem}-files" / named.name):
        resolved = candidate.resolve()
        if resolved.is_relative_to(folder) and resolved.is_file():
            return resolved.read_bytes()
    raise ValueError(
        f"the body is stored in the file {str(named)!r}, which is not in the cassette's folder {folder} "
        f"(looked for it there and in {cassette.stem}-files/)"
    )


def _r_response_body(
    raw: bytes, headers: Headers, index: int, problems: _Problems
) -> tuple[bytes, str | None]:
    """R's HTTP clients hand vcr the body already decompressed, and vcr keeps the ``Content-Encoding``
    header: such a body is taken as it is. Only a body that is still encoded (gzip's magic bytes, or
    one that another encoding decodes) is decoded, so nothing is decoded twice."""
    encoding = header(headers, "content-encoding")
    if not encoding or encoding.strip().lower() == "identity":
        return raw, None
    if encoding.strip().lower() in {"gzip", "x-gzip"}:
        if raw[:2] == b"\x1f\x8b":
            return _response_body(raw, headers, index, problems)
        return raw, None
    try:
        return decode_content(raw, encoding), encoding
    except ValueError:
        return raw, None


def _r_interaction(
    cassette: Path, index: int, item: Mapping[str, Any], problems: _Problems
) -> RecordedInteraction:
    request = item["request"]
    response = item["response"]
    status = response["status"]
    code = status.get("status_code", status.get("code")) if isinstance(status, Mapping) else status
    response_headers = normalise_headers(response.get("headers"))
    decoded, encoding = _r_response_body(
        _r_body(response.get("body"), cassette) or b"", response_headers, index, problems
    )
    recorded_at = item.get("recorded_at")
    return RecordedInteraction(
        index=index,
        method=str(request["method"]).upper(),
        uri=str(request["uri"]),
        request_headers=normalise_headers(request.get("headers")),
        request_body=_r_body(request.get("body"), cassette) or None,
        status=int(str(code).strip()),
        response_headers=response_headers,
        response_body=decoded,
        recorded_at=None if recorded_at is None else str(recorded_at),
        content_encoding=encoding,
    )


_TEXTUAL = ("text/", "json", "xml", "x-www-form-urlencoded", "event-stream")


def _proxy_body(value: Any, headers: Headers) -> bytes | None:
    """The test proxy stores JSON bodies as JSON, text as a string (streams as a list of lines), and
    anything else as base64."""
    if value is None:
        return None
    content_type = (header(headers, "content-type") or "").lower()
    if (
        isinstance(value, list)
        and all(isinstance(line, str) for line in value)
        and "json" not in content_type
    ):
        return "".join(value).encode("utf-8")
    if isinstance(value, str):
        if not content_type or any(marker in content_type for marker in _TEXTUAL):
            return value.encode("utf-8")
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _proxy_interaction(index: int, item: Mapping[str, Any], problems: _Problems) -> RecordedInteraction:
    request_headers = normalise_headers(item.get("RequestHeaders"))
    response_headers = normalise_headers(item.get("ResponseHeaders"))
    response_body = _proxy_body(item.get("ResponseBody"), response_headers) or b""
    return RecordedInteraction(
        index=index,
        method=str(item["RequestMethod"]).upper(),
        uri=str(item["RequestUri"]),
        request_headers=request_headers,
        request_body=_proxy_body(item.get("RequestBody"), request_headers),
        status=int(item["StatusCode"]),
        response_headers=response_headers,
        response_body=response_body,
    )
