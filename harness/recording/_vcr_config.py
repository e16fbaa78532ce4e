"""vcrpy's configuration keys (``vcr_config``, ``@pytest.mark.vcr(...)``) on the harness's recorder.

:func:`parse_vcr_config` turns the keyword dictionary a pytest-recording suite passes to
``vcr.use_cassette`` into a frozen :class:`VcrSettings`, and names every key it cannot honour.
:class:`VcrRecorder` is a :class:`~harness.recording.Recorder` that applies them: the request filters
and ``before_record_request`` before matching and storage (as vcrpy does), ``before_record_response``
on what is stored, and ``ignore_hosts`` / ``ignore_localhost`` as requests that pass through unrecorded.

vcrpy itself is imported only when a ``before_record_request`` callable needs one of its ``Request``
objects.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from harness._errors import HarnessError
from harness.recording._cassette import Interaction
from harness.recording._config import RecorderConfig
from harness.recording._locks import CassetteLocks
from harness.recording._recorder import Checker, Recorder
from harness.recording._transport import Finish

# vcrpy matcher name -> the harness's request parts it compares. Scheme, host and port are never
# compared: a cassette replays against any base URL.
MATCHERS: dict[str, frozenset[str]] = {
    "method": frozenset({"method"}),
    "uri": frozenset({"path", "query"}),
    "url": frozenset({"path", "query"}),
    "path": frozenset({"path"}),
    "query": frozenset({"query"}),
    "body": frozenset({"body"}),
    "raw_body": frozenset({"body"}),
    "scheme": frozenset(),
    "host": frozenset(),
    "port": frozenset(),
}
VCR_DEFAULT_MATCH_ON = ("method", "scheme", "host", "port", "path", "query")
"""vcrpy's default ``match_on``: the body is not compared."""

HONOURED_KEYS: frozenset[str] = frozenset(
    {
        "record_mode",
        "serializer",
        "cassette_library_dir",
        "match_on",
        "filter_headers",
        "filter_query_parameters",
        "filter_post_data_parameters",
        "before_record_request",
        "before_record",
        "before_record_response",
        "ignore_hosts",
        "ignore_localhost",
        "decode_compressed_response",
        "allow_playback_repeats",
        "allowed_hosts",
    }
)
"""Keys with a harness equivalent. Every other key is named in a warning and otherwise ignored."""

LOCALHOSTS = ("localhost", "0.0.0.0", "127.0.0.1")

Filter = tuple[str, Any]
"""``(name, replacement)``: ``None`` removes, a string replaces, a callable computes the new value."""


@dataclass(frozen=True, slots=True)
class VcrSettings:
    """A ``vcr_config`` dictionary (merged with the marker's keywords), resolved.

    Attributes:
        record_mode: vcrpy's record mode, or ``None`` when not given.
        serializer: ``yaml`` or ``json``: the cassette's file suffix.
        cassette_library_dir: A folder that replaces pytest-recording's ``vcr_cassette_dir``.
        match_on: The request parts matching compares.
        filter_headers: Request headers removed or replaced before matching and storage.
        filter_query_parameters: Query parameters removed or replaced.
        filter_post_data_parameters: Form or JSON body parameters removed or replaced.
        before_record_request: Callables given vcrpy's ``Request``; ``None`` from one means "do not
            record this request" (it passes through).
        before_record_response: Callables given the stored response mapping; ``None`` drops it.
        ignore_hosts: Hosts whose requests pass through, unrecorded.
        allowed_hosts: pytest-recording's host patterns that network blocking lets through.
        unsupported: The keys (and ``match_on`` matchers) that have no harness equivalent.
    """

    record_mode: str | None = None
    serializer: str = "yaml"
    cassette_library_dir: Path | None = None
    match_on: frozenset[str] = frozenset({"method", "path", "query"})
    filter_headers: tuple[Filter, ...] = ()
    filter_query_parameters: tuple[Filter, ...] = ()
    filter_post_data_parameters: tuple[Filter, ...] = ()
    before_record_request: tuple[Callable[[Any], Any], ...] = ()
    before_record_response: tuple[Callable[[Any], Any], ...] = ()
    ignore_hosts: frozenset[str] = frozenset()
    allowed_hosts: tuple[str, ...] = ()
    unsupported: tuple[str, ...] = field(default=())


def _callables(value: Any, key: str) -> tuple[Callable[[Any], Any], ...]:
    items = value if isinstance(value, list | tuple) else [value]
    result = tuple(item for item in items if item is not None)
    for item in result:
        if not callable(item):
            raise HarnessError(f"vcr_config[{key!r}] must be a callable or a list of callables; got {item!r}")
    return result


def _filters(value: Any, key: str) -> tuple[Filter, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise HarnessError(
            f"vcr_config[{key!r}] must be a list of names or (name, value) pairs; got {value!r}"
        )
    result: list[Filter] = []
    for item in value:
        if isinstance(item, str):
            result.append((item, None))
        elif isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str):
            result.append((item[0], item[1]))
        else:
            raise HarnessError(
                f"vcr_config[{key!r}]: {item!r} is neither a name nor a (name, value) pair; "
                "write e.g. 'authorization' or ('authorization', 'DUMMY')"
            )
    return tuple(result)


def parse_vcr_config(config: Mapping[str, Any]) -> VcrSettings:
    """Resolve a vcrpy keyword dictionary; raises :class:`HarnessError` on a malformed value."""
    unsupported = sorted(str(key) for key in config if key not in HONOURED_KEYS)
    match_on: set[str] = set()
    for matcher in config.get("match_on") or VCR_DEFAULT_MATCH_ON:
        if isinstance(matcher, str) and matcher in MATCHERS:
            match_on |= MATCHERS[matcher]
        else:
            unsupported.append(f"match_on: {getattr(matcher, '__name__', matcher)}")
    serializer = str(config.get("serializer") or "yaml")
    if serializer not in ("yaml", "json"):
        unsupported.append(f"serializer: {serializer}")
        serializer = "yaml"
    ignore_hosts = set(config.get("ignore_hosts") or ())
    if config.get("ignore_localhost"):
        ignore_hosts.update(LOCALHOSTS)
    allowed = config.get("allowed_hosts") or ()
    library = config.get("cassette_library_dir")
    return VcrSettings(
        record_mode=str(config["record_mode"]) if config.get("record_mode") is not None else None,
        serializer=serializer,
        cassette_library_dir=Path(library) if library else None,
        match_on=frozenset(match_on),
        filter_headers=_filters(config.get("filter_headers") or (), "filter_headers"),
        filter_query_parameters=_filters(
            config.get("filter_query_parameters") or (), "filter_query_parameters"
        ),
        filter_post_data_parameters=_filters(
            config.get("filter_post_data_parameters") or (), "filter_post_data_parameters"
        ),
        before_record_request=_callables(config.get("before_record_request"), "before_record_request")
        + _callables(config.get("before_record"), "before_record"),
        before_record_response=_callables(config.get("before_record_response"), "before_record_response"),
        ignore_hosts=frozenset(str(host) for host in ignore_hosts),
        allowed_hosts=tuple(allowed.split(",") if isinstance(allowed, str) else allowed),
        unsupported=tuple(unsupported),
    )


# -- request filters, on the transport's request mapping ---------------------------------------------


def _replacement(value: Any, name: str, current: Any, request: dict[str, Any]) -> Any:
    return value(name, current, request) if callable(value) else value


def _filter_headers(request: dict[str, Any], filters: tuple[Filter, ...]) -> None:
    headers = dict(request.get("headers") or {})
    for name, value in filters:
        for key in [key for key in headers if key.lower() == name.lower()]:
            current = headers.pop(key)
            new = _replacement(
                value, key, current[0] if isinstance(current, list) and current else current, request
            )
            if new is not None:
                headers[key] = [new]
    request["headers"] = headers


def _filter_query(request: dict[str, Any], filters: tuple[Filter, ...]) -> None:
    parts = urlsplit(str(request.get("uri", "")))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for name, value in filters:
        if not any(key == name for key, _ in query):
            continue
        kept: list[tuple[str, str]] = []
        for key, current in query:
            if key != name:
                kept.append((key, current))
                continue
            new = _replacement(value, key, current, request)
            if new is not None:
                kept.append((key, str(new)))
        query = kept
    request["uri"] = urlunsplit(parts._replace(query=urlencode(query)))


def _content_type(request: dict[str, Any]) -> str:
    for key, values in (request.get("headers") or {}).items():
        if key.lower() == "content-type":
            return str(values[0] if isinstance(values, list) and values else values)
    return ""


def _filter_body(request: dict[str, Any], filters: tuple[Filter, ...]) -> None:
    body = request.get("body")
    if not body:
        return
    raw = body if isinstance(body, bytes) else str(body).encode("utf-8")
    if "json" in _content_type(request):
        try:
            document = json.loads(raw)
        except ValueError:
            return
        if not isinstance(document, dict):
            return
        for name, value in filters:
            if name in document:
                new = _replacement(value, name, document.pop(name), request)
                if new is not None:
                    document[name] = new
        request["body"] = json.dumps(document).encode("utf-8")
        return
    if "x-www-form-urlencoded" not in _content_type(request):
        return
    fields = parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True)
    for name, value in filters:
        replaced: list[tuple[str, str]] = []
        for key, current in fields:
            new = _replacement(value, key, current, request) if key == name else current
            if new is not None:
                replaced.append((key, str(new)))
        fields = replaced
    request["body"] = urlencode(fields).encode("utf-8")


def _through_vcr_request(request: dict[str, Any], hook: Callable[[Any], Any]) -> dict[str, Any] | None:
    from vcr.request import Request

    headers = {
        name: values[0] if isinstance(values, list) and values else values
        for name, values in (request.get("headers") or {}).items()
    }
    result = hook(Request(request["method"], request["uri"], request.get("body"), headers))
    if result is None:
        return None
    body = result.body
    return {
        "method": result.method,
        "uri": result.uri,
        "body": body.read() if hasattr(body, "read") else body,
        "headers": {name: [value] for name, value in result.headers.items()},
    }


def filter_request(request: dict[str, Any], settings: VcrSettings) -> dict[str, Any] | None:
    """``request`` as vcrpy would record and match it, or ``None`` when it is not recorded at all."""
    if urlsplit(str(request.get("uri", ""))).hostname in settings.ignore_hosts:
        return None
    filtered: dict[str, Any] | None = dict(request)
    assert filtered is not None
    if settings.filter_headers:
        _filter_headers(filtered, settings.filter_headers)
    if settings.filter_query_parameters:
        _filter_query(filtered, settings.filter_query_parameters)
    if settings.filter_post_data_parameters:
        _filter_body(filtered, settings.filter_post_data_parameters)
    for hook in settings.before_record_request:
        filtered = _through_vcr_request(filtered, hook)
        if filtered is None:
            return None
    return filtered


def filter_response(response: dict[str, Any], settings: VcrSettings) -> dict[str, Any] | None:
    """A stored response after the ``before_record_response`` callables (vcrpy's mapping, bytes body)."""
    current: dict[str, Any] | None = json.loads(json.dumps(response, default=str))
    body = (response.get("body") or {}).get("string")
    if current is not None:
        current["body"] = {"string": body.encode("utf-8") if isinstance(body, str) else body}
    for hook in settings.before_record_response:
        if current is None:
            return None
        current = hook(current)
    if current is None:
        return None
    stored = (current.get("body") or {}).get("string")
    if isinstance(stored, bytes):
        try:
            current["body"] = {"string": stored.decode("utf-8")}
        except UnicodeDecodeError:
            current["body"] = {"string": stored}
    return current


def _pass_through(response: Any, body: bytes, complete: bool, error: BaseException | None = None) -> None:
    return None


class VcrRecorder(Recorder):
    """A :class:`~harness.recording.Recorder` that applies a :class:`VcrSettings` as vcrpy would.

    Args:
        config: Where the cassette lives and how to treat it.
        settings: The resolved ``vcr_config``.
        check: As for :class:`~harness.recording.Recorder`.
        locks: As for :class:`~harness.recording.Recorder`.
    """

    def __init__(
        self,
        config: RecorderConfig,
        settings: VcrSettings,
        *,
        check: Checker | None = None,
        locks: CassetteLocks | None = None,
    ) -> None:
        super().__init__(config, check=check, locks=locks)
        self.settings = settings

    def lookup(self, request: dict[str, Any]) -> Interaction | None:
        """As :meth:`Recorder.lookup`, on the filtered request; ignored requests pass through."""
        filtered = filter_request(request, self.settings)
        if filtered is None:
            return None
        return super().lookup(filtered)

    def begin(self, request: dict[str, Any]) -> Finish:
        """As :meth:`Recorder.begin`, on the filtered request; ``before_record_response`` afterwards."""
        filtered = filter_request(request, self.settings)
        if filtered is None:
            return _pass_through
        cassette = self._active()
        with self._lock:
            position = len(cassette.interactions)
            finish = super().begin(filtered)
            interaction = cassette.interactions[position]
        if not self.settings.before_record_response:
            return finish

        def finish_and_filter(
            response: Any, body: bytes, complete: bool, error: BaseException | None = None
        ) -> None:
            finish(response, body, complete, error)
            with self._lock:
                stored = interaction.response
                kept = filter_response(stored, self.settings) if stored is not None else None
                if kept is None:
                    cassette.interactions.remove(interaction)
                else:
                    interaction.response = kept

        return finish_and_filter
