"""Scrubbing: secrets never reach disk.

Every interaction passes through :class:`Redactor` before it is stored, and again (idempotently) when a
cassette is loaded and when a live request is matched against the recording, so both sides of a
comparison are scrubbed the same way. Built-in rules cover the credentials the OpenAI SDK sends and the
account identifiers the API returns; :class:`~harness.recording.RedactionRules` adds a project's own.

What is scrubbed, by default (the README's "Secrets never reach disk" lists the same):

- the values of the headers in :data:`SECRET_REQUEST_HEADERS` and :data:`SECRET_RESPONSE_HEADERS`;
- the values of the query parameters in :data:`SECRET_QUERY_PARAMETERS`;
- every match of the built-in patterns (``sk-…`` keys, ``Bearer …`` tokens, ``org-…`` and ``proj_…``
  identifiers, JWT-shaped tokens) in the URL, the reason phrase, every other header value and the
  bodies — text bodies as text, other bodies (non-UTF-8 uploads, multipart parts) as bytes;
- in event streams, the text and tool-call arguments that the deltas build, checked as a whole: every
  delta that carries part of a match is scrubbed, so the scrubbed deltas still add up to the scrubbed
  whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from harness._errors import HarnessError
from harness.recording._config import RedactionRules
from harness.recording._stream_redaction import scrub_pieces, scrub_stream

REDACTED = "REDACTED"

SECRET_REQUEST_HEADERS: frozenset[str] = frozenset(
    {
        "authorization",
        "api-key",
        "x-api-key",
        "openai-organization",
        "openai-project",
        "cookie",
        "proxy-authorization",
    }
)
"""Request headers whose values are replaced whatever they hold."""
SECRET_RESPONSE_HEADERS: frozenset[str] = frozenset(
    {"set-cookie", "openai-organization", "openai-project", "api-key", "x-api-key"}
)
"""Response headers whose values are replaced whatever they hold."""
SECRET_QUERY_PARAMETERS: tuple[str, ...] = ("api-key", "api_key", "apikey", "key", "access_token", "token")
"""Query parameters (in URLs) whose values are replaced whatever they hold."""


# (pattern, replacement template). Each replacement no longer matches its pattern, or maps to itself, so
# that scrubbing twice gives what scrubbing once gave.
_BUILTIN_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{16,}", "sk-" + REDACTED),
    (r"(?i)\bbearer\s+(?!REDACTED\b)[A-Za-z0-9._~+/=\-]{8,}", "Bearer " + REDACTED),
    (r"(?<![A-Za-z0-9])org-[A-Za-z0-9]{16,}", "org-" + REDACTED),
    (r"(?<![A-Za-z0-9])proj_[A-Za-z0-9]{16,}", "proj_" + REDACTED),
    # The value of a secret query parameter, in a URL or wherever a header or body quotes one.
    (
        r"(?i)([?&;](?:"
        + "|".join(re.escape(name) for name in SECRET_QUERY_PARAMETERS)
        + r")=)(?!REDACTED(?:[&#;\s\"'<>\\]|$))[^&#;\s\"'<>\\]+",
        r"\1" + REDACTED,
    ),
    # JWT-shaped: a base64url header and payload (both JSON objects, so both start "eyJ"), a signature.
    (r"(?<![A-Za-z0-9_\-])eyJ[A-Za-z0-9_\-]{4,}\.eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*", "jwt-" + REDACTED),
)


def _could_hold_builtin_bytes(value: bytes) -> bool:
    """Whether a built-in pattern's bytes twin could match ``value`` (see :func:`_BUILTIN_SEARCH`).

    Bytes patterns ignore case for ASCII letters only, exactly as ``bytes.lower()`` lowers them.
    """
    if b"sk-" in value or b"org-" in value or b"proj_" in value or b"eyJ" in value:
        return True
    lowered = value.lower()
    return b"bearer" in lowered or b"key=" in lowered or b"token=" in lowered


def _scoped(pattern: str) -> str:
    """``pattern`` as one alternative of a larger expression (a leading ``(?i)`` becomes ``(?i:...)``)."""
    if pattern.startswith("(?i)"):
        return "(?i:" + pattern[4:] + ")"
    return "(?:" + pattern + ")"


_BUILTIN_MATCH = re.compile("|".join(_scoped(pattern) for pattern, _ in _BUILTIN_PATTERNS)).search


def _BUILTIN_SEARCH(value: str) -> object | None:
    """Finds a match of any built-in pattern (none of them refers back to its own groups).

    Every built-in pattern contains a literal: a key's prefix (``sk-``, ``org-``, ``proj_``), a JWT's
    ``eyJ`` or, ignoring case, ``bearer`` or a secret query parameter's ``name=`` (each name ends in
    ``key`` or ``token``). Text without any of them is answered with substring tests, much cheaper
    than the patterns. For ASCII text, ignoring case is exactly what ``str.lower()`` does; other text
    always goes to the patterns (their case folding is wider than ``str.lower()``).
    """
    if (
        value.isascii()
        and "sk-" not in value
        and "org-" not in value
        and "proj_" not in value
        and "eyJ" not in value
    ):
        lowered = value.lower()
        if "bearer" not in lowered and "key=" not in lowered and "token=" not in lowered:
            return None
    return _BUILTIN_MATCH(value)


def _compile_path(path: str) -> tuple[str, ...]:
    parts = tuple(part for part in path.strip().strip(".").split(".") if part)
    if not parts:
        raise HarnessError(
            f"cassette_redact_json_paths: empty JSON path {path!r}; "
            "write dotted keys, e.g. 'metadata.user_email'"
        )
    return parts


class Redactor:
    """Scrubs headers, URLs and bodies of stored interactions (vcrpy's dict format).

    Args:
        rules: Extra header names, regular expressions and JSON paths to scrub.
    """

    def __init__(self, rules: RedactionRules | None = None) -> None:
        rules = rules or RedactionRules()
        extra_headers = {name.lower() for name in rules.headers}
        self._request_headers = SECRET_REQUEST_HEADERS | extra_headers
        self._response_headers = SECRET_RESPONSE_HEADERS | extra_headers
        patterns: list[tuple[re.Pattern[str], str]] = [
            (re.compile(pattern), replacement) for pattern, replacement in _BUILTIN_PATTERNS
        ]
        for pattern in rules.patterns:
            try:
                patterns.append((re.compile(pattern), REDACTED))
            except re.error as error:
                raise HarnessError(
                    f"cassette_redact_patterns: {pattern!r} is not a valid regular expression ({error}); "
                    "fix it in the ini file"
                ) from None
        self._patterns = tuple(patterns)
        # One search for "could any built-in pattern match?": most header values and URLs hold nothing
        # secret, and a value no pattern matches is left as it is by every substitution anyway.
        self._builtin_count = len(_BUILTIN_PATTERNS)
        self._builtin_search = _BUILTIN_SEARCH
        self._byte_patterns = tuple(
            (_bytes_pattern(pattern), replacement.encode("utf-8")) for pattern, replacement in patterns
        )
        self._json_paths = tuple(_compile_path(path) for path in rules.json_paths)

    def text(self, value: str) -> str:
        """Scrub every secret-looking substring of ``value``."""
        patterns = self._patterns
        if self._builtin_search(value) is None:
            patterns = patterns[self._builtin_count :]  # the project's own patterns still apply
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value

    def pieces(self, values: Sequence[str]) -> list[str]:
        """Scrub the text that ``values`` make when joined (the deltas of a stream), piece by piece.

        Every piece that carries part of a match is edited, and the result joins up to
        ``text("".join(values))``.
        """
        return scrub_pieces(values, self._patterns)

    def binary(self, value: bytes) -> bytes:
        """Scrub every secret-looking run of bytes of ``value`` (a body that is not UTF-8 text)."""
        patterns = self._byte_patterns
        if not _could_hold_builtin_bytes(value):
            patterns = patterns[self._builtin_count :]
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value

    def request(self, request: dict[str, Any]) -> dict[str, Any]:
        """A scrubbed copy of a stored request (``method``, ``uri``, ``body``, ``headers``)."""
        scrubbed = dict(request)
        scrubbed["uri"] = self.text(str(request.get("uri", "")))
        scrubbed["headers"] = self._headers(request.get("headers") or {}, self._request_headers)
        scrubbed["body"] = self._body(request.get("body"))
        return scrubbed

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """A scrubbed copy of a stored response (``status``, ``headers``, ``body.string``)."""
        scrubbed = dict(response)
        status = response.get("status")
        if isinstance(status, dict) and status.get("message") is not None:
            scrubbed["status"] = {**status, "message": self.text(str(status["message"]))}
        scrubbed["headers"] = self._headers(response.get("headers") or {}, self._response_headers)
        body = dict(response.get("body") or {})
        body["string"] = self._body(body.get("string"))
        scrubbed["body"] = body
        return scrubbed

    def _headers(self, headers: dict[str, Any], secret: frozenset[str] | set[str]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for name, values in headers.items():
            listed = values if isinstance(values, list) else [values]
            if name.lower() in secret:
                result[name] = [REDACTED for _ in listed]
            else:
                result[name] = [self.text(str(value)) for value in listed]
        return result

    def _body(self, body: Any) -> Any:
        if body is None:
            return None
        if isinstance(body, bytes):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return self.binary(body)  # binary uploads, multipart parts: scrubbed as bytes
            return self._text_body(text).encode("utf-8")
        if isinstance(body, str):
            return self._text_body(body)
        return body

    def _text_body(self, text: str) -> str:
        if "data:" in text and "delta" in text:
            text = scrub_stream(text, self._patterns)
        text = self.text(text)
        if not self._json_paths:
            return text
        stripped = text.lstrip()
        if stripped.startswith(("{", "[")):
            return self._json_text(text)
        if "data:" in text:
            return "".join(self._sse_line(line) for line in text.splitlines(keepends=True))
        return text

    def _sse_line(self, line: str) -> str:
        if not line.startswith("data:"):
            return line
        body = line[5:]
        ending = body[len(body.rstrip("\r\n")) :]
        payload = body.rstrip("\r\n")
        lead = " " if payload.startswith(" ") else ""
        return "data:" + lead + self._json_text(payload[len(lead) :]) + ending

    def _json_text(self, text: str) -> str:
        try:
            document = json.loads(text)
        except ValueError:
            return text
        changed = False

        def blank(_: Any) -> str:
            nonlocal changed
            changed = True
            return REDACTED

        for path in self._json_paths:
            document = _replace_at(document, path, blank)
        if not changed:
            return text
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _bytes_pattern(pattern: re.Pattern[str]) -> re.Pattern[bytes]:
    """The bytes twin of a text pattern, so that a body that is not UTF-8 is scrubbed too."""
    try:
        return re.compile(pattern.pattern.encode("utf-8"), pattern.flags & ~re.UNICODE)
    except (re.error, ValueError):
        # A pattern that only makes sense on text (\N{...}, \p...): match its UTF-8 bytes literally.
        return re.compile(re.escape(pattern.pattern.encode("utf-8")))


def _replace_at(node: Any, path: tuple[str, ...], replace: Callable[[Any], Any]) -> Any:
    if not path:
        return node if node == REDACTED else replace(node)
    head, rest = path[0], path[1:]
    children: Iterable[Any]
    if isinstance(node, dict):
        children = list(node) if head == "*" else [head] if head in node else []
        for key in children:
            node[key] = _replace_at(node[key], rest, replace)
    elif isinstance(node, list):
        if head == "*":
            children = range(len(node))
        elif head.isdigit() and int(head) < len(node):
            children = [int(head)]
        else:
            children = []
        for index in children:
            node[index] = _replace_at(node[index], rest, replace)
    return node
