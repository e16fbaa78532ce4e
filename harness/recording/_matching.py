"""Request matching: what makes a live request "the same" as a recorded one.

Compared: method, path, query (as a sorted multiset) and the body — JSON canonically (key order and
whitespace ignored), multipart uploads by field names and a digest of each part, anything else by a
digest of its bytes. Not compared: scheme, host and port (a cassette recorded against one base URL
replays against another) and headers. A top-level ``"stream": false`` counts as absent — it is the API's
default, which the Python SDK's polling helpers send and the TypeScript SDK's leave out — so one cassette
replays to every SDK. Each request reduces to a hashable :class:`RequestKey`, so a
lookup costs the same in a cassette of ten interactions or of ten thousand.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from harness._headers import header


@dataclass(frozen=True, slots=True)
class RequestKey:
    """The parts of a request that matching compares."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: str

    def describe(self) -> str:
        """``METHOD /path?query`` for messages."""
        query = "&".join(f"{name}={value}" for name, value in self.query)
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    return str(body).encode("utf-8")


def canonical_body(body: Any, content_type: str = "") -> str:
    """A string equal for two bodies exactly when matching considers them the same."""
    raw = _as_bytes(body)
    if not raw:
        return ""
    if "multipart/form-data" in content_type:
        return _multipart_signature(raw, content_type)
    try:
        document = json.loads(raw)
    except ValueError:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if isinstance(document, dict) and document.get("stream") is False:
        document = {key: value for key, value in document.items() if key != "stream"}
    return "json:" + json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _multipart_signature(raw: bytes, content_type: str) -> str:
    boundary = ""
    for piece in content_type.split(";"):
        name, _, value = piece.strip().partition("=")
        if name.lower() == "boundary":
            boundary = value.strip('"')
    if not boundary:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    fields: list[str] = []
    for part in raw.split(b"--" + boundary.encode("latin-1")):
        if not part.strip() or part.strip() == b"--":
            continue
        head, _, content = part.partition(b"\r\n\r\n")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        name = ""
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            if line.lower().startswith("content-disposition"):
                for item in line.split(";"):
                    key, _, value = item.strip().partition("=")
                    if key == "name":
                        name = value.strip('"')
        fields.append(f"{name}={hashlib.sha256(content).hexdigest()[:16]}")
    return "multipart:" + ",".join(sorted(fields))


MATCHED_PARTS: frozenset[str] = frozenset({"method", "path", "query", "body"})
"""The parts of a request that matching can compare; by default, all of them."""


def request_key(request: dict[str, Any], match_on: frozenset[str] = MATCHED_PARTS) -> RequestKey:
    """The :class:`RequestKey` of a request in vcrpy's dict form (``method``, ``uri``, ``body``,
    ``headers``), comparing only the parts named in ``match_on`` (a subset of :data:`MATCHED_PARTS`)."""
    parts = urlsplit(str(request.get("uri", "")))
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True))) if "query" in match_on else ()
    content_type = header(request.get("headers") or {}, "content-type") or ""
    return RequestKey(
        method=str(request.get("method", "GET")).upper() if "method" in match_on else "*",
        path=(parts.path or "/") if "path" in match_on else "*",
        query=query,
        body=canonical_body(request.get("body"), content_type) if "body" in match_on else "",
    )


def _json_differences(left: Any, right: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit:
        return
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right), key=str):
            child = f"{path}.{key}" if path else str(key)
            if key not in left:
                out.append(f"{child}: not recorded, sent {json.dumps(right[key])[:80]}")
            elif key not in right:
                out.append(f"{child}: recorded {json.dumps(left[key])[:80]}, not sent")
            else:
                _json_differences(left[key], right[key], child, out, limit)
            if len(out) >= limit:
                return
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            _json_differences(a, b, f"{path}.{index}" if path else str(index), out, limit)
    elif left != right:
        out.append(f"{path or 'body'}: recorded {json.dumps(left)[:80]}, sent {json.dumps(right)[:80]}")


def describe_difference(recorded: RequestKey, sent: RequestKey, *, limit: int = 8) -> list[str]:
    """Readable lines saying how ``sent`` differs from ``recorded``."""
    lines: list[str] = []
    if recorded.method != sent.method:
        lines.append(f"method: recorded {recorded.method}, sent {sent.method}")
    if recorded.path != sent.path:
        lines.append(f"path: recorded {recorded.path}, sent {sent.path}")
    if recorded.query != sent.query:
        lines.append(f"query: recorded {dict(recorded.query)}, sent {dict(sent.query)}")
    if recorded.body != sent.body:
        if recorded.body.startswith("json:") and sent.body.startswith("json:"):
            _json_differences(json.loads(recorded.body[5:]), json.loads(sent.body[5:]), "", lines, limit)
        else:
            lines.append(
                f"body: recorded {recorded.body[:80] or '(empty)'}, sent {sent.body[:80] or '(empty)'}"
            )
    return lines[:limit]


def similarity(recorded: RequestKey, sent: RequestKey) -> int:
    """A score for choosing the closest recorded request to an unmatched one (higher is closer)."""
    score = 0
    if recorded.method == sent.method:
        score += 4
    if recorded.path == sent.path:
        score += 8
    elif recorded.path.rsplit("/", 1)[0] == sent.path.rsplit("/", 1)[0]:
        score += 2
    if recorded.query == sent.query:
        score += 1
    if recorded.body == sent.body:
        score += 2
    return score
