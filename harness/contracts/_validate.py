"""Validation of one request, response or stream event against its contract, into findings.

Missing fields, wrong types, values outside an enum or a documented limit are *violations*; fields and
events the contract does not know are *drift* (real traffic grows fields before documentation does), and
so is the absence of a documented field that real traffic is known to leave out (the observed omissions
of ``_deviations.py``, matched on the model the field belongs to, wherever that object appears).
Each check is one pydantic ``validate_json`` straight from the bytes (or ``validate_python`` for parsed
data) by a validator that reports unknown fields as errors (see ``_core_schema.py``), built once per
contract from the compiled contracts (``_compiled.py``: the models themselves are not loaded); error
locations are turned into JSON paths once per distinct location.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

from pydantic_core import ErrorDetails, SchemaValidator, ValidationError

from harness._errors import HarnessError
from harness._findings import Finding
from harness.contracts._compiled import ERROR_CONTRACT, compiled
from harness.contracts._core_schema import CoreSchema, Location, list_fields, locate
from harness.contracts._deviations import is_observed_omission
from harness.contracts._diagnostics import describe_error, show_value
from harness.contracts._routes import Route, match_route

ContractMode = Literal["off", "tolerant", "strict"]
"""``off``: nothing fails; ``tolerant``: violations fail; ``strict``: violations and drift fail."""

_MODES: tuple[ContractMode, ...] = ("off", "tolerant", "strict")
_IGNORED_QUERY = frozenset({"api-version"})
"""Transport parameters that are not part of the API (Azure's ``api-version``)."""


class EventLike(Protocol):
    """What :func:`check_stream_events` needs of an event (``harness.streams.SSEEvent`` fits)."""

    @property
    def event(self) -> str | None: ...

    @property
    def data(self) -> str: ...


class _Validator(Protocol):
    def validate_json(self, input: str | bytes | bytearray, /) -> Any: ...

    def validate_python(self, input: Any, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class _Target:
    """A compiled contract: its drift-detecting validator and the core schema errors are located in."""

    validator: _Validator
    core_schema: CoreSchema
    locations: dict[tuple[str | int, ...], Location] = field(default_factory=dict)
    """Error locations already followed through the core schema (the same ones recur)."""

    def locate(self, loc: tuple[str | int, ...]) -> Location:
        """The JSON location of a pydantic error location (cached)."""
        where = self.locations.get(loc)
        if where is None:
            if len(self.locations) >= _LOCATION_CACHE:
                self.locations.clear()
            where = self.locations[loc] = locate(self.core_schema, loc)
        return where


_LOCATION_CACHE = 4096


@functools.cache
def _target(name: str) -> _Target:
    """The target of the contract ``name``, built when first needed: a session builds the validators of
    the objects its traffic carries, no others."""
    contract = compiled().contract(name)
    return _Target(SchemaValidator(contract.schema, {"strict": contract.strict}), contract.schema)


@functools.cache
def _list_fields(name: str) -> frozenset[str]:
    return list_fields(_target(name).core_schema)


def _event_target(event: str) -> _Target | None:
    """The target of an event's ``data`` (``None`` for ``done`` and unknown events)."""
    data = compiled().events().get(event)
    return _target(data) if data is not None else None


_Place = tuple[str | None, str, int | None]
"""Where findings go: ``(route label, object name, event index)``."""


def _validate(target: _Target, body: Any, as_json: bool, place: _Place) -> list[Finding]:
    try:
        if as_json:
            target.validator.validate_json(body)
        else:
            target.validator.validate_python(body)
    except ValidationError as error:
        return _findings(target, error, place)
    return []


def _findings(target: _Target, error: ValidationError, place: _Place) -> list[Finding]:
    findings: list[Finding] = []
    grouped: dict[tuple[str, ...], list[tuple[ErrorDetails, Location]]] = {}
    for detail in error.errors(include_url=False):
        where = target.locate(detail["loc"])
        if detail["type"] == "extra_forbidden":
            findings.append(_unknown_field(".".join(where.path), detail["input"], place))
        elif where.union_labels:
            grouped.setdefault(tuple(where.path), []).append((detail, where))
        else:
            findings.append(_error_finding(detail, where, place))
    for group in grouped.values():
        findings.append(_union_violation(group, place))
    return findings


def _error_finding(detail: ErrorDetails, where: Location, place: _Place) -> Finding:
    kind, path, message, expected = describe_error(detail, where)
    observed = detail["type"] == "missing" and _observed_omission(where, path)
    if observed:
        message += f" (real {where.owner} objects are known to lack it)"
    return Finding(
        kind=kind,
        severity="drift" if observed else "violation",
        message=message,
        event=place[2],
        route=place[0],
        object=place[1],
        path=".".join(path),
        expected=expected,
        seen=_brief(detail.get("input")) if kind != "missing" else None,
    )


def _union_violation(group: list[tuple[ErrorDetails, Location]], place: _Place) -> Finding:
    specific = [(d, w) for d, w in group if not d["type"].endswith("_type")]
    if specific:
        return _error_finding(specific[0][0], specific[0][1], place)
    detail, where = group[0]
    kinds = [_LABELS.get(label.removeprefix("constrained-"), label) for label in where.union_labels]
    expected = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    return Finding(
        kind="type",
        severity="violation",
        message=f"expected {expected}, saw {show_value(detail.get('input'))}",
        event=place[2],
        route=place[0],
        object=place[1],
        path=".".join(where.path),
        expected=expected,
        seen=_brief(detail.get("input")),
    )


_LABELS = {"str": "a string", "float": "a number", "int": "an integer", "bool": "a boolean"}


def _observed_omission(where: Location, path: list[str]) -> bool:
    """Whether a missing field is one that real traffic is known to leave out of its object.

    Only outside plain unions: there the object's model is not known for certain.
    """
    return (
        not where.union_labels
        and where.owner is not None
        and bool(path)
        and is_observed_omission(where.owner, path[-1])
    )


def _unknown_field(path: str, value: Any, place: _Place) -> Finding:
    name = path.rpartition(".")[2]
    return Finding(
        kind="unknown_field",
        severity="drift",
        message=f"field '{name}' is not in the {place[1]} contract (saw {show_value(value)})",
        event=place[2],
        route=place[0],
        object=place[1],
        path=path,
        seen=_brief(value),
    )


def _brief(value: Any) -> Any:
    """The value for ``Finding.seen``: small values as they are, big ones summarised."""
    if isinstance(value, str) and len(value) > 80:
        return value[:77] + "..."
    if isinstance(value, dict | list) and len(value) > 8:
        return show_value(value)
    return value


def _is_json_text(body: object) -> bool:
    return isinstance(body, str | bytes | bytearray)


def _looks_like_sse(body: str | bytes | bytearray) -> bool:
    head = body[:64].lstrip()
    text = head.decode("utf-8", "replace") if isinstance(head, bytes | bytearray) else head
    return text.startswith(("event:", "data:", ":"))


def check_request(
    method: str,
    path: str,
    *,
    query: Mapping[str, str | list[str]] | None,
    body: object,
) -> list[Finding]:
    """Check a request's query parameters and body against its route's contract.

    Args:
        method: The HTTP method.
        path: The request path or URL; when ``query`` is ``None`` its query string is used.
        query: The query parameters (a value may be repeated, hence lists).
        body: The JSON body as text or bytes, or already parsed; ``None`` or empty when there is none.
            Multipart bodies (file uploads) are checked only when given as a mapping of form fields.

    Returns:
        The findings; ``[]`` for a route outside the contract.
    """
    matched = match_route(method, path)
    if matched is None:
        return []
    route = matched[0]
    if query is None and "?" in path:
        query = parse_qs(urlsplit(path).query, keep_blank_values=True)
    findings = _check_query(route, query or {})
    if route.request is None:
        return findings
    if route.multipart and not isinstance(body, Mapping):
        return findings
    if body is None or (_is_json_text(body) and not body):
        body = {}
    place = (route.label, route.request, None)
    findings += _validate(_target(route.request), body, _is_json_text(body), place)
    return findings


def _check_query(route: Route, query: Mapping[str, str | list[str]]) -> list[Finding]:
    params = {key: value for key, value in query.items() if key not in _IGNORED_QUERY}
    if not params:
        return []
    if route.query is None:
        place = (route.label, "query", None)
        return [_unknown_field(key, value, place) for key, value in params.items()]
    lists = _list_fields(route.query)
    normalised: dict[str, Any] = {}
    for key, value in params.items():
        if key in lists:
            normalised[key] = [value] if isinstance(value, str) else list(value)
        elif isinstance(value, str) or len(value) != 1:
            normalised[key] = value if isinstance(value, str) else list(value)
        else:
            normalised[key] = value[0]
    place = (route.label, route.query, None)
    return _validate(_target(route.query), normalised, False, place)


def check_response(method: str, path: str, status: int, body: object) -> list[Finding]:
    """Check a response body against its route's contract.

    Args:
        method: The HTTP method of the request.
        path: The request path or URL.
        status: The response status; bodies of status >= 400 are checked as error bodies, other
            non-2xx statuses are not checked.
        body: The body as text or bytes (parsed here; unparseable text is a ``type`` finding at path
            ``""``), or already parsed. A streamed body (``text/event-stream`` of a streaming route) is
            decoded and each event checked, findings carrying the event index.

    Returns:
        The findings; ``[]`` for a route outside the contract.
    """
    matched = match_route(method, path)
    if matched is None:
        return []
    route = matched[0]
    name: str | None
    if status >= 400:
        name = ERROR_CONTRACT
    elif 200 <= status < 300:
        name = route.response
    else:
        return []
    if name is None:
        return []
    if isinstance(body, str | bytes | bytearray):
        if route.streams and name != ERROR_CONTRACT and _looks_like_sse(body):
            from harness.streams._sse import decode_sse

            events = decode_sse(body if isinstance(body, str) else bytes(body)).events
            return _stream_findings(events, route.label)
        return _validate(_target(name), body, True, (route.label, name, None))
    return _validate(_target(name), body, False, (route.label, name, None))


def check_event(event: str, data: str | object) -> list[Finding]:
    """Check one stream event: its name, and its data against the object that name carries.

    Args:
        event: The ``event:`` name; a name outside the contract is an ``unknown_event`` drift finding.
        data: The raw ``data:`` text (or bytes), or the already parsed data.

    Returns:
        The findings, with ``object`` set to the event name and ``path`` relative to the data.
    """
    return _check_event(event, data, (None, event, None))


def _check_event(event: str | None, data: object, place: _Place) -> list[Finding]:
    target = _event_target(event) if event is not None else None
    if target is not None:
        return _validate(target, data, isinstance(data, str | bytes | bytearray), place)
    if event == "done":
        if data in ("[DONE]", b"[DONE]"):
            return []
        return [
            Finding(
                kind="enum",
                severity="violation",
                message=f"expected the data '[DONE]', saw {show_value(data)}",
                event=place[2],
                route=place[0],
                object="done",
                expected="[DONE]",
                seen=_brief(data),
            )
        ]
    return [
        Finding(
            kind="unknown_event",
            severity="drift",
            message=f"event {event!r} is not in the stream contract" if event else "event without a name",
            event=place[2],
            route=place[0],
            object=event,
            seen=event,
        )
    ]


def check_stream_events(events: Iterable[EventLike]) -> list[Finding]:
    """Check every event of a stream; each finding's ``event`` is the index of its event."""
    return _stream_findings(events, None)


def _stream_findings(events: Iterable[EventLike], route: str | None) -> list[Finding]:
    findings: list[Finding] = []
    for index, event in enumerate(events):
        name = event.event
        findings += _check_event(name, event.data, (route, name or "", index))
    return findings


def failing(findings: Iterable[Finding], mode: ContractMode) -> list[Finding]:
    """The findings that fail under ``mode`` (``tolerant``: violations; ``strict``: everything)."""
    if mode not in _MODES:
        expected = "|".join(_MODES)
        raise HarnessError(
            f"unknown contract mode: expected one of {expected}, saw {mode!r}; pass one of these"
        )
    if mode == "off":
        return []
    if mode == "tolerant":
        return [finding for finding in findings if finding.severity == "violation"]
    return list(findings)
