"""Checking one exchange (request, response, stream) against the contracts and the stream grammar.

:func:`check_exchange` is what the pytest plugin calls for every recorded or replayed response, and what
``harness verify`` calls for every interaction of a cassette. It is cheap: a route lookup, one JSON
parse per body, one SSE decode per stream, and nothing at all for traffic outside the Assistants API.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from harness._encoding import decode_content
from harness._findings import Finding
from harness._headers import header
from harness.contracts import Route, check_event, check_request, check_response, match_route
from harness.streams import check_stream
from harness.streams._sse import SSEEvent, decode_sse
from harness.verify._recording import Headers, api_path

_FORMS = ("multipart/", "application/x-www-form-urlencoded", "application/octet-stream")


OUTSIDE = "outside the Assistants API"
"""Why an exchange on no route of the contracts is not checked."""
V1 = "assistants=v1"
"""Why an exchange of the retired Assistants v1 (``OpenAI-Beta: assistants=v1``) is not checked."""


@dataclass(frozen=True, slots=True)
class ExchangeCheck:
    """What checking one exchange found.

    Attributes:
        route: The matched route template (``POST /threads/{thread_id}/runs``), or ``None`` when the
            request is not on an Assistants route and nothing was checked.
        findings: Every finding, both severities, events located by index.
        events: The decoded stream events, empty for a non-stream response.
        truncated: Whether the stream ended in the middle of an event.
        skipped: Why nothing was checked, when nothing was: ``outside the Assistants API``, or
            ``assistants=v1`` for traffic of the retired first version, which the v2 contracts do not
            describe.
    """

    route: str | None
    findings: list[Finding]
    events: tuple[SSEEvent, ...] = ()
    truncated: bool = False
    skipped: str | None = None


def check_exchange(
    method: str,
    uri: str,
    request_body: bytes | str | None,
    status: int,
    response_headers: Mapping[str, str | list[str]] | None,
    response_body: bytes | str,
    *,
    request_headers: Mapping[str, str | list[str]] | None = None,
) -> list[Finding]:
    """Check a request and its response (plain JSON or an SSE stream) against the contracts.

    The request is checked unless the API answered it with a client error (4xx): a rejected request is
    expected to break its contract, and the error body is checked instead. A stream is checked event by
    event and against the grammar; one returned by ``submit_tool_outputs`` is checked as resumed.

    Args:
        method: The HTTP method.
        uri: The request URI, absolute or a path, query included.
        request_body: The request body as sent, or ``None``.
        status: The response status code.
        response_headers: The response headers (values may be strings or lists of strings).
        response_body: The response body; a ``Content-Encoding`` still applied to it is undone.
        request_headers: The request headers, when known (a multipart upload is recognised by them).

    Returns:
        Every finding, violations and drift alike; use :func:`harness.contracts.failing` to keep
        the ones that fail in a given mode. Empty for requests outside the Assistants API, and for
        Assistants v1 traffic (``OpenAI-Beta: assistants=v1`` in ``request_headers``), which the v2
        contracts do not describe.
    """
    return inspect_exchange(
        method,
        uri,
        request_body,
        status,
        _headers(response_headers),
        response_body,
        request_headers=_headers(request_headers),
    ).findings


def inspect_exchange(
    method: str,
    uri: str,
    request_body: bytes | str | None,
    status: int,
    response_headers: Headers,
    response_body: bytes | str,
    *,
    request_headers: Headers | None = None,
) -> ExchangeCheck:
    """Like :func:`check_exchange`, also returning the route and the decoded stream events."""
    method = method.upper()
    path = api_path(uri)
    matched = match_route(method, path)
    if matched is None:
        return ExchangeCheck(route=None, findings=[], skipped=OUTSIDE)
    beta = header(request_headers or {}, "openai-beta") or ""
    if "assistants=v1" in beta.replace(" ", "").lower():
        return ExchangeCheck(route=matched[0].label, findings=[], skipped=V1)
    route = matched[0]
    template = route.label
    findings: list[Finding] = []
    if not 400 <= status < 500:
        # A request the API rejected with a client error is expected to break its contract (tests send
        # invalid requests on purpose); the error body is what gets checked then.
        findings = _check_request(route, method, path, uri, request_body, request_headers or {})
    body = response_body.encode("utf-8") if isinstance(response_body, str) else response_body
    try:
        body = decode_content(body, header(response_headers, "content-encoding"))
    except ValueError as error:
        findings.append(Finding(kind="unreadable", severity="violation", message=str(error), route=template))
        return ExchangeCheck(route=template, findings=_routed(findings, template))
    content_type = (header(response_headers, "content-type") or "").lower()
    if "text/event-stream" in content_type or (
        route.streams and 200 <= status < 300 and body.lstrip().startswith((b"event:", b"data:"))
    ):
        decoded = decode_sse(body)
        for index, event in enumerate(decoded.events):
            for finding in check_event(event.event or "message", event.data):
                findings.append(finding if finding.event is not None else finding.with_location(event=index))
        findings.extend(check_stream(decoded, resumed=path.endswith("/submit_tool_outputs")))
        return ExchangeCheck(
            route=template,
            findings=_routed(findings, template),
            events=decoded.events,
            truncated=decoded.truncated,
        )
    findings.extend(check_response(method, path, status, body))
    return ExchangeCheck(route=template, findings=_routed(findings, template))


def _check_request(
    route: Route, method: str, path: str, uri: str, body: bytes | str | None, headers: Headers
) -> list[Finding]:
    content_type = (header(headers, "content-type") or "").lower()
    form = any(marker in content_type for marker in _FORMS)
    if form and not route.multipart:
        return []  # not the JSON body this route takes: nothing to compare it with
    query = parse_qs(urlsplit(uri).query, keep_blank_values=True)
    return check_request(method, path, query=query, body=None if route.multipart else body)


def _routed(findings: list[Finding], template: str) -> list[Finding]:
    return [f if f.route is not None else dataclasses.replace(f, route=template) for f in findings]


def _headers(raw: Mapping[str, str | list[str]] | None) -> Headers:
    if not raw:
        return {}
    return {key: list(value) if isinstance(value, _SEQUENCES) else [value] for key, value in raw.items()}


_SEQUENCES = (list, tuple)
"""What header values may be (a constant: ``list | tuple`` would be built anew for every header)."""
