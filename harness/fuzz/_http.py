"""Talking to the server under test: one request at a time over real HTTP, every call checked.

:class:`Api` sends a request with httpx (a plain client with an explicit base URL, so a recorder's
transport patch sees every request), reads the whole response, and checks it with
:func:`harness.verify.check_exchange`: contract findings for bodies and events, grammar findings for
streams. Request bodies are encoded deterministically, so a seeded fuzz session sends byte-identical
requests every time.

Nothing waits forever: every request has a timeout, a stream is read event by event with an idle timeout
and a total limit, and the grammar is checked as the events arrive, so a stream that breaks it is cut at
the event that broke it. The session's :class:`~harness.fuzz._budget.Budget` is checked before each
request.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from harness._errors import HarnessError
from harness._findings import Finding
from harness.contracts import match_route
from harness.fuzz._budget import Budget

_COMPLETION_RULES = frozenset(
    {
        "stream.truncated",
        "stream.done-last",
        "run.single-terminal",
        "object.single-terminal",
        "content.text-deltas",
        "content.function-arguments",
        "content.code-input",
    }
)
"""Grammar rules that only a finished stream can keep: a prefix of a legal stream may break them."""


@dataclass(slots=True)
class ApiCall:
    """One request and its response (one call of the server under test).

    Attributes:
        method: The HTTP method.
        path: The path below the base URL, query included (``/threads/thread_1/runs?limit=2``).
        body: The JSON (or form) body sent, or ``None``.
        status: The response status; 0 when no response came.
        headers: The response headers.
        content: The response body.
        findings: What the contract and grammar checks found in it.
        error: Why no (complete) response came, if so.
        failing: The findings, of any check, that fail the session (set by the session).
    """

    method: str
    path: str
    body: Any
    status: int = 0
    headers: dict[str, list[str]] = field(default_factory=dict)
    content: bytes = b""
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    failing: list[Finding] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        """Whether the answer is a 2xx that broke nothing, so that its body can be relied on."""
        return 200 <= self.status < 300 and not self.failing

    @property
    def route(self) -> str | None:
        """The route label, when the path is on one."""
        matched = match_route(self.method, self.path)
        return matched[0].label if matched else None

    @property
    def streamed(self) -> bool:
        """Whether the response is an event stream."""
        return any("text/event-stream" in value for value in self.headers.get("content-type", []))

    def json(self) -> Any:
        """The response body parsed as JSON (``None`` when it is not JSON)."""
        try:
            return json.loads(self.content)
        except ValueError:
            return None

    def describe(self) -> str:
        """``METHOD /path BODY -> STATUS`` with long strings in the body cut short."""
        sent = "" if self.body is None else " " + brief_json(self.body)
        answer = str(self.status) if self.status else f"no response ({self.error})"
        return f"{self.method} {self.path}{sent} -> {answer}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by the fuzz report."""
        return {
            "method": self.method,
            "path": self.path,
            "body": _jsonable(self.body),
            "status": self.status,
            "error": self.error,
        }


def _jsonable(body: Any) -> Any:
    if isinstance(body, bytes):
        return body.decode("utf-8", errors="replace")
    if isinstance(body, dict):
        return {key: _jsonable(item) for key, item in body.items()}
    if isinstance(body, list):
        return [_jsonable(item) for item in body]
    return body


def brief_json(body: Any, limit: int = 40) -> str:
    """Compact JSON of ``body`` with strings over ``limit`` characters shown as ``"xxx…(N chars)"``."""

    def cut(item: Any) -> Any:
        if isinstance(item, str | bytes) and len(item) > limit:
            text = item if isinstance(item, str) else item.decode("utf-8", errors="replace")
            return f"{text[:12]}…({len(item)} chars)"
        if isinstance(item, dict):
            if len(item) > 20:
                return {**{k: cut(v) for k, v in list(item.items())[:3]}, "…": f"({len(item)} pairs)"}
            return {str(k)[:limit] + ("…" if len(str(k)) > limit else ""): cut(v) for k, v in item.items()}
        if isinstance(item, list):
            if len(item) > 20:
                return [cut(item[0]), f"…({len(item)} items)"]
            return [cut(v) for v in item]
        return item

    return json.dumps(_jsonable(cut(body)), separators=(",", ":"), ensure_ascii=False)


def encode_json(body: Any) -> bytes:
    """The bytes of a JSON body, the same for the same body every time."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def form_fields(body: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """A multipart body as form fields and files; nested objects as ``name[key]`` fields."""
    data: dict[str, str] = {}
    files: dict[str, tuple[str, bytes]] = {}

    def put(name: str, item: Any) -> None:
        if isinstance(item, bytes):
            files[name] = ("fuzz.txt", item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                put(f"{name}[{key}]", inner)
        elif isinstance(item, bool):
            data[name] = "true" if item else "false"
        else:
            data[name] = str(item)

    for key, item in body.items():
        put(key, item)
    return data, files


_BOUNDARY = "harness-fuzz-form-boundary"


class Api:
    """A client of the server under test.

    Args:
        base_url: The API root, e.g. ``http://127.0.0.1:8000/v1``.
        api_key: Sent as ``Authorization: Bearer KEY``.
        timeout: Seconds to wait for each response, and for each event of a stream (the idle timeout);
            a whole stream may take ``stream_factor`` times as long.
        check: Checks each call; by default :func:`harness.verify.check_exchange`.
        budget: The session's budget, checked before every request.
    """

    stream_factor = 6
    """How many request timeouts a whole stream may take."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        timeout: float = 10.0,
        check: Callable[..., list[Finding]] | None = None,
        budget: Budget | None = None,
    ) -> None:
        if check is None:
            from harness.verify import check_exchange

            check = check_exchange
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.budget = budget or Budget(None)
        self._check = check
        self._client = httpx.Client(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {api_key}", "OpenAI-Beta": "assistants=v2"},
            timeout=timeout,
            follow_redirects=False,
        )
        self.sent = 0
        """How many requests were sent."""
        self.events = 0
        """How many stream events came back."""

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        form: bool = False,
        on_event: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> ApiCall:
        """Send one request and check its response.

        Args:
            method: The HTTP method.
            path: The path below the base URL, e.g. ``/assistants``.
            body: The JSON body (or, with ``form``, the multipart fields), or ``None``.
            query: Query parameters; list values are repeated.
            form: Send ``body`` as a multipart form.
            on_event: Called with the events read so far (``{"event", "data"}``, data unparsed) after
                each event of a streamed response.
        """
        params: list[tuple[str, str | int | float | bool | None]] = [
            (key, item) for key, value in (query or {}).items() for item in _as_list(value)
        ]
        request_body: bytes | None = None
        kwargs: dict[str, Any] = {}
        if form and body is not None:
            data, files = form_fields(body)
            kwargs = {"data": data, "files": files}
            if files:  # a fixed boundary, so that a seeded session sends byte-identical uploads too
                kwargs["headers"] = {"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"}
        elif body is not None:
            request_body = encode_json(body)
            kwargs = {"content": request_body, "headers": {"Content-Type": "application/json"}}
        target = path + ("?" + str(httpx.QueryParams(params)) if params else "")
        call = ApiCall(method=method, path=target, body=body)
        self.budget.check()
        self.sent += 1
        request = self._client.build_request(method, self.base_url + path, params=params or None, **kwargs)
        try:
            response = self._client.send(request, stream=True)
        except httpx.TransportError as error:
            call.error = f"{type(error).__name__}: {error}"
            return call
        try:
            call.status = response.status_code
            for name, item in response.headers.multi_items():
                call.headers.setdefault(name.lower(), []).append(item)
            if call.streamed:
                call.content, call.error = self._read_stream(response, on_event)
            else:
                call.content, call.error = self._read_body(response)
        finally:
            response.close()
        self._judge(call, str(request.url), None if form else request_body)
        return call

    def _read_body(self, response: httpx.Response) -> tuple[bytes, str | None]:
        try:
            return response.read(), None
        except httpx.TransportError as error:
            return b"", f"{type(error).__name__}: {error}"

    def _read_stream(
        self, response: httpx.Response, on_event: Callable[[list[dict[str, Any]]], None] | None
    ) -> tuple[bytes, str | None]:
        """Read a stream event by event, checking the grammar as the events arrive.

        Returns the bytes read and why reading stopped early, if it did: the idle timeout, the total
        limit, or an event that broke the grammar (the rest of the stream is then left unread).
        """
        from harness.streams import SSEDecoder, check_stream

        decoder = SSEDecoder()
        chunks: list[bytes] = []
        events: list[dict[str, Any]] = []
        checked = 0
        until = time.monotonic() + self.timeout * self.stream_factor
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                for event in decoder.feed(chunk):
                    events.append({"event": event.event, "data": event.data})
                    if on_event is not None:
                        on_event(events)
                if len(events) >= 2 * checked + 4:  # checking every prefix would be quadratic
                    checked = len(events)
                    if _breaks_grammar(check_stream(events)):
                        return b"".join(chunks), None
                if time.monotonic() > until:
                    limit = self.timeout * self.stream_factor
                    return b"".join(chunks), f"the stream was still open after {limit:g} s"
                self.budget.check()
        except httpx.TimeoutException:
            return b"".join(chunks), f"no event for {self.timeout:g} s: the stream stalled"
        except httpx.TransportError as error:
            return b"".join(chunks), f"{type(error).__name__}: {error}"
        return b"".join(chunks), None

    def _judge(self, call: ApiCall, url: str, request_body: bytes | None) -> None:
        try:
            call.findings = self._check(
                call.method, url, request_body, call.status, call.headers, call.content
            )
        except HarnessError as error:
            call.error = call.error or str(error)
        if call.streamed:
            from harness.streams import decode_sse

            self.events += len(decode_sse(call.content).events)


def _breaks_grammar(findings: list[Finding]) -> bool:
    """Whether a stream's prefix already breaks a rule that no later event can mend."""
    return any(finding.rule not in _COMPLETION_RULES for finding in findings)


def _as_list(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


def probe(api: Api) -> None:
    """Make sure an Assistants API answers at the base URL.

    Raises:
        HarnessError: Nothing answers there, or not an Assistants API, or the key is refused; the message
            names the URL and what to do.
    """
    exchange = api.call("GET", "/assistants", query={"limit": 1})
    where = api.base_url
    if exchange.status == 0:
        raise HarnessError(
            f"cannot reach an Assistants API at {where}: {exchange.error}. Start the server (for example "
            "`harness serve`), check --base-url (it ends with /v1), or leave --base-url out to fuzz the "
            "embedded server"
        )
    if exchange.status == 401:
        raise HarnessError(
            f"{where} refused the API key (401 on GET /assistants): pass the key it expects with --api-key"
        )
    if exchange.status == 404:
        raise HarnessError(
            f"no Assistants API at {where}: GET /assistants answered 404. The base URL is the API root, "
            "usually ending with /v1 (e.g. http://127.0.0.1:8000/v1)"
        )
