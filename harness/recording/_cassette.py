"""Cassettes: the recorded interactions of one test, their lookup, and their safe storage.

The file format is vcrpy's (see :mod:`harness._yaml`); what this module adds is the
behaviour around it:

- lookup by :class:`~harness.recording._matching.RequestKey` in constant time;
- repeated identical requests (polls) replay in recorded order, and once they are used up the last
  one repeats, so a poll loop ends in the recorded terminal state;
- every interaction is scrubbed before it is stored;
- every interaction read from a file is checked for the shape replay needs, so a hand-edited or
  damaged cassette fails with its path, the interaction's index, and what was expected and seen;
- writes are atomic (a temporary file in the same folder, then a rename) and keep the file's mode, a
  corrupt file is reported with its path and never overwritten;
- a recording the test did not pass goes to ``<name>.failed.<ext>`` (:func:`failed_path`), which no
  lookup and no folder walk treats as a cassette.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness._encoding import decode_content
from harness._errors import HarnessError
from harness._headers import header
from harness._yaml import FORMAT_VERSION, dump_json, dump_yaml, load_document, serializer_for
from harness.recording._config import RecordMode
from harness.recording._matching import (
    MATCHED_PARTS,
    RequestKey,
    describe_difference,
    request_key,
    similarity,
)
from harness.recording._redaction import Redactor


class CassetteError(HarnessError):
    """A cassette cannot be used as asked."""


class CassetteNotFoundError(CassetteError):
    """A test sent a request in replay, and its cassette file does not exist."""


class CorruptCassetteError(CassetteError):
    """A cassette file exists but cannot be parsed or replayed; it is left untouched.

    Attributes:
        cassette: The file.
        interaction: The index of the interaction at fault, when one is.
    """

    def __init__(self, message: str, *, cassette: Path | None = None, interaction: int | None = None) -> None:
        super().__init__(message)
        self.cassette = cassette
        self.interaction = interaction


FAILED_MARK = ".failed"
"""What :func:`failed_path` inserts before the extension of a cassette whose test failed."""


def failed_path(path: Path) -> Path:
    """Where the recording of a test that did not pass is kept: ``c.yaml`` → ``c.failed.yaml``."""
    return path.with_name(f"{path.stem}{FAILED_MARK}{path.suffix}")


def is_failed_recording(path: Path) -> bool:
    """True for ``<name>.failed.<ext>`` files, which are kept for inspection and never replayed."""
    return path.stem.lower().endswith(FAILED_MARK)


class UnmatchedRequestError(CassetteError):
    """A request that the cassette does not hold, in a mode that may not record it."""

    def __init__(self, message: str, *, cassette: Path, request: RequestKey) -> None:
        super().__init__(message)
        self.cassette = cassette
        self.request = request


def _text_or_bytes(body: bytes) -> str | bytes:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body


@dataclass(eq=False)
class Interaction:
    """One request and its response, as stored (scrubbed) in the cassette.

    Attributes:
        request: vcrpy's request mapping: ``method``, ``uri``, ``body``, ``headers``.
        response: vcrpy's response mapping: ``status``, ``headers``, ``body``; ``None`` while a
            response being recorded is still streaming in.
        key: What matching compares.
        meta: The harness's notes on the recording (``duration_ms``, ``closed_early``).
        loaded: True when the interaction came from the file, False when recorded in this run.
        plays: How often replay has served it.
    """

    request: dict[str, Any]
    response: dict[str, Any] | None
    key: RequestKey
    meta: dict[str, Any] = field(default_factory=dict)
    loaded: bool = False
    plays: int = 0

    @property
    def status(self) -> int:
        """The response status code (0 while still recording)."""
        return int(self.response["status"]["code"]) if self.response else 0

    @property
    def is_stream(self) -> bool:
        """True when the response is a server-sent event stream."""
        if not self.response:
            return False
        return "text/event-stream" in (header(self.response.get("headers") or {}, "content-type") or "")

    @property
    def response_body(self) -> bytes:
        """The stored response body as bytes."""
        if not self.response:
            return b""
        body = (self.response.get("body") or {}).get("string")
        if body is None:
            return b""
        return body if isinstance(body, bytes) else str(body).encode("utf-8")

    @property
    def request_body(self) -> bytes:
        """The stored request body as bytes."""
        body = self.request.get("body")
        if body is None:
            return b""
        return body if isinstance(body, bytes) else str(body).encode("utf-8")

    def to_document(self) -> dict[str, Any]:
        """The mapping written to the file."""
        document: dict[str, Any] = {"request": self.request, "response": self.response}
        if self.meta:
            document["harness"] = self.meta
        return document


class Cassette:
    """The interactions of one cassette file and the rules for replaying and recording them.

    Args:
        path: The cassette file (``.yaml``/``.yml``, or ``.json``).
        record_mode: See :data:`~harness.recording.RecordMode`.
        redactor: What scrubs interactions before they are stored or compared.
        rerecord_hint: The command quoted in errors to (re-)record this cassette.
    """

    def __init__(
        self,
        path: Path,
        *,
        record_mode: RecordMode = "none",
        redactor: Redactor | None = None,
        rerecord_hint: str = "",
        match_on: frozenset[str] = MATCHED_PARTS,
        extra_paths: Sequence[Path] = (),
    ) -> None:
        self.path = Path(path)
        self.match_on = match_on
        self.extra_paths = tuple(Path(extra) for extra in extra_paths if Path(extra).is_file())
        self._read_only: set[int] = set()
        self.record_mode: RecordMode = record_mode
        self.redactor = redactor or Redactor()
        self.rerecord_hint = rerecord_hint or "pytest --record-mode=once"
        self.interactions: list[Interaction] = []
        if is_failed_recording(self.path):
            raise CassetteError(
                f"{self.path} is the recording of a test that failed, kept for inspection; it is never "
                f"replayed or recorded into. Name the cassette without '{FAILED_MARK}' (rename the file "
                f"if its content is right), or record it again with: {self.rerecord_hint}"
            )
        if self.path.exists() and not self.path.is_file():
            raise CorruptCassetteError(
                f"cassette {self.path} is a directory (or another non-file), expected a cassette file "
                f"(.yaml or .json). Point the cassette elsewhere, or remove it and record with: "
                f"{self.rerecord_hint}",
                cassette=self.path,
            )
        self.existed = self.path.is_file()
        self._index: dict[RequestKey, list[Interaction]] = defaultdict(list)
        self._cursor: dict[RequestKey, int] = defaultdict(int)
        # A cassette being recorded is written even when the test sends nothing (``interactions: []``),
        # so that the next replay finds it; ``rewrite`` empties an existing one.
        self._dirty = record_mode == "rewrite" or (not self.existed and record_mode != "none")
        if self.existed and record_mode != "rewrite":
            self._load()
        for extra in self.extra_paths if record_mode != "rewrite" else ():
            before = len(self.interactions)
            self._load(extra)
            self._read_only.update(id(item) for item in self.interactions[before:])

    # -- loading ---------------------------------------------------------------------------------

    def _load(self, path: Path | None = None) -> None:
        path = path or self.path
        try:
            text = path.read_text(encoding="utf-8")
            document = load_document(text, serializer_for(path))
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise self._corrupt(path, f"cannot be read: {type(error).__name__}: {error}") from error
        except Exception as error:  # yaml.YAMLError and friends, which share no base with the above
            raise self._corrupt(path, f"cannot be parsed: {error}") from error
        for number, item in enumerate(document["interactions"]):
            problem = interaction_problem(item)
            if problem is not None:
                raise self._corrupt(path, problem, number)
            try:
                self._add_loaded(item)
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise self._corrupt(
                    path, f"cannot be used: {type(error).__name__}: {error}", number
                ) from error

    def _corrupt(self, path: Path, problem: str, number: int | None = None) -> CorruptCassetteError:
        where = f"cassette {path}" if number is None else f"cassette {path}, interaction #{number}:"
        return CorruptCassetteError(
            f"{where} {problem}\n"
            f"The file was left as it is. Fix it, or delete it and record again with: {self.rerecord_hint}",
            cassette=path,
            interaction=number,
        )

    def _add_loaded(self, item: dict[str, Any]) -> None:
        # Requests are scrubbed as live ones are, so that the two match; responses are served as the file
        # holds them (a plain vcrpy cassette's too) and scrubbed only if they are written again.
        request = self.redactor.request(_plain(item["request"]))
        response = _plain(item["response"])
        meta = item.get("harness") if isinstance(item.get("harness"), dict) else {}
        interaction = Interaction(
            request, response, request_key(request, self.match_on), dict(meta or {}), loaded=True
        )
        self.interactions.append(interaction)
        self._index[interaction.key].append(interaction)

    # -- replay ----------------------------------------------------------------------------------

    @property
    def replay_only(self) -> bool:
        """True when no request may reach the network."""
        return self.record_mode == "none" or (self.record_mode == "once" and self.existed)

    @property
    def replays(self) -> bool:
        """True when recorded interactions are served at all."""
        return self.record_mode in ("none", "once", "new_episodes")

    def lookup(self, key: RequestKey) -> Interaction | None:
        """The recorded interaction to serve for ``key``, or ``None`` when it must be recorded.

        Identical requests are served in recorded order; when they are used up, the last one repeats
        in the replay-only modes (the terminal state of a poll) and is recorded anew otherwise.
        """
        if not self.replays:
            return None
        candidates = self._index.get(key)
        if not candidates:
            return None
        position = self._cursor[key]
        if position < len(candidates):
            self._cursor[key] = position + 1
            chosen = candidates[position]
        elif self.replay_only:
            chosen = candidates[-1]
        else:
            return None
        chosen.plays += 1
        return chosen

    def not_found(self, key: RequestKey) -> CassetteNotFoundError:
        """The error for a request sent in replay when the cassette file does not exist."""
        failed = failed_path(self.path)
        kept = (
            f" The last recording failed and is kept, never replayed, in {failed}."
            if failed.is_file()
            else ""
        )
        return CassetteNotFoundError(
            f"cassette {self.path} does not exist, and record mode {self.record_mode!r} only replays; "
            f"the test sent {key.describe()}. No network call was made.{kept}\n"
            f"Record the cassette with: {self.rerecord_hint}"
        )

    def unmatched(self, key: RequestKey) -> UnmatchedRequestError:
        """The error for a request the cassette does not hold, naming the closest recorded one."""
        lines = [
            f"request not in cassette {self.path}:",
            f"  sent:     {key.describe()}",
        ]
        best: Interaction | None = None
        best_score = -1
        for interaction in self.interactions:
            score = similarity(interaction.key, key)
            if score > best_score:
                best, best_score = interaction, score
        if best is not None:
            number = self.interactions.index(best)
            lines.append(f"  closest:  #{number} {best.key.describe()}")
            lines.extend(f"    - {line}" for line in describe_difference(best.key, key))
        else:
            lines.append("  the cassette holds no interactions")
        lines.append(
            f"No network call was made (record mode {self.record_mode!r}). "
            f"To record the new traffic, re-run with: {self.rerecord_hint}"
        )
        return UnmatchedRequestError("\n".join(lines), cassette=self.path, request=key)

    # -- recording -------------------------------------------------------------------------------

    def start_recording(self, request: dict[str, Any]) -> Interaction:
        """Reserve the next place in the cassette for ``request``; :meth:`finish_recording` fills it."""
        stored = self.redactor.request(_request_for_storage(request))
        interaction = Interaction(stored, None, request_key(stored, self.match_on))
        self.interactions.append(interaction)
        self._dirty = True
        return interaction

    def finish_recording(
        self,
        interaction: Interaction,
        *,
        status: int,
        reason: str,
        headers: dict[str, list[str]],
        body: bytes,
        meta: dict[str, Any],
    ) -> None:
        """Store the response of a recorded interaction: decoded, scrubbed, as readable text."""
        headers = {name: list(values) for name, values in headers.items()}
        encoding = header(headers, "content-encoding")
        try:
            decoded = decode_content(body, encoding)
        except ValueError as error:  # bytes that cannot be scrubbed are never stored
            raise CassetteError(
                f"cannot record {interaction.request.get('method')} {interaction.request.get('uri')} "
                f"into {self.path}: {error}. Nothing of this response was stored; install the module "
                "named, or have the client send `Accept-Encoding: identity`"
            ) from None
        if encoding and encoding.lower() != "identity":
            body = decoded
            headers = {
                name: values
                for name, values in headers.items()
                if name.lower() not in ("content-encoding", "content-length")
            }
            headers["content-length"] = [str(len(body))]
        response = {
            "status": {"code": status, "message": reason},
            "headers": headers,
            "body": {"string": _text_or_bytes(body)},
        }
        interaction.response = self.redactor.response(response)
        interaction.meta = meta

    def key_for(self, request: dict[str, Any]) -> RequestKey:
        """The matching key of a live request, scrubbed the way stored requests are."""
        return request_key(self.redactor.request(_request_for_storage(request)), self.match_on)

    # -- bookkeeping -----------------------------------------------------------------------------

    @property
    def played(self) -> list[Interaction]:
        """Interactions served by replay at least once."""
        return [interaction for interaction in self.interactions if interaction.plays]

    @property
    def unused(self) -> list[Interaction]:
        """Interactions from the file that replay never served."""
        if not self.replays:
            return []
        return [item for item in self.interactions if item.loaded and not item.plays]

    @property
    def recorded(self) -> list[Interaction]:
        """Interactions recorded in this run."""
        return [interaction for interaction in self.interactions if not interaction.loaded]

    @property
    def dirty(self) -> bool:
        """True when the run recorded something that is not on disk yet."""
        return self._dirty

    def documents(self) -> list[dict[str, Any]]:
        """The interactions as they will be written, in file order."""
        complete = [
            item
            for item in self.interactions
            if item.response is not None and id(item) not in self._read_only
        ]
        if self.record_mode == "all":
            recorded_keys = {item.key for item in complete if not item.loaded}
            complete = [item for item in complete if not item.loaded or item.key not in recorded_keys]
            complete.sort(key=lambda item: item.loaded)
        return [self._document(item) for item in complete]

    def _document(self, item: Interaction) -> dict[str, Any]:
        document = item.to_document()
        if item.loaded and item.response is not None:
            document["response"] = self.redactor.response(item.response)
        return document

    def save(self, path: Path | None = None) -> Path:
        """Write the cassette atomically to ``path`` (default: its own path) and return where.

        A file that is replaced keeps its permission bits; a new file gets the umask's default.

        Raises:
            CassetteError: When the file cannot be written (the message names it and the reason).
        """
        target = Path(path) if path is not None else self.path
        document = {"interactions": self.documents(), "version": FORMAT_VERSION}
        kind = serializer_for(target)
        text = dump_json(document) if kind == "json" else dump_yaml(document)
        try:
            _write_atomically(target, text)
        except OSError as error:
            raise CassetteError(
                f"cannot write cassette {target}: {type(error).__name__}: {error.strerror or error}. "
                "Check that its folder is writable and that the path is not a directory."
            ) from error
        if target == self.path:
            self._dirty = False
        return target


def _write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 minus the umask, as for any file a program creates; not mkstemp's 0o600.
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _seen(value: Any) -> str:
    """A value as an error message shows it: its YAML-ish type and a short excerpt."""
    kinds = {dict: "a mapping", list: "a list", str: "text", bytes: "bytes", bool: "a boolean"}
    kind = kinds.get(type(value), "nothing" if value is None else f"{type(value).__name__}")
    text = repr(value)
    return f"{kind} {text[:60] + '...' if len(text) > 60 else text}" if value is not None else kind


def _header_problem(headers: Any, where: str) -> str | None:
    if headers is None:
        return None
    if not isinstance(headers, dict):
        return f"{where}: expected a mapping of header names to lists of values, seen {_seen(headers)}"
    for name, values in headers.items():
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, dict | list) or value is None:
                return f"{where}.{name}: expected text values, seen {_seen(value)}"
    return None


def interaction_problem(item: Any) -> str | None:
    """What keeps a stored interaction from being replayed, or ``None`` when it can be.

    The checks are the ones replay relies on: the shapes of the request and the response, a status
    code that is a number, text or bytes bodies, and a JSON body where the content type says JSON.
    """
    if not isinstance(item, dict) or not isinstance(item.get("request"), dict):
        seen = _seen(item.get("request")) if isinstance(item, dict) else _seen(item)
        return f"request: expected a mapping with method, uri, headers and body, seen {seen}"
    request = item["request"]
    for name in ("method", "uri"):
        if not isinstance(request.get(name), str):
            return f"request.{name}: expected text, seen {_seen(request.get(name))}"
    if not isinstance(request.get("body"), str | bytes | None):
        return f"request.body: expected text, bytes or nothing, seen {_seen(request.get('body'))}"
    problem = _header_problem(request.get("headers"), "request.headers")
    if problem:
        return problem
    response = item.get("response")
    if not isinstance(response, dict):
        return f"response: expected a mapping with status, headers and body, seen {_seen(response)}"
    status = response.get("status")
    if not isinstance(status, dict):
        return f"response.status: expected a mapping like {{code: 200, message: OK}}, seen {_seen(status)}"
    code = status.get("code")
    if isinstance(code, bool) or not isinstance(code, int | str) or not str(code).strip().isdigit():
        return f"response.status.code: expected an HTTP status number like 200, seen {_seen(code)}"
    if not 100 <= int(code) <= 599:
        return f"response.status.code: expected an HTTP status from 100 to 599, seen {code}"
    if not isinstance(status.get("message"), str | None):
        return f"response.status.message: expected text, seen {_seen(status.get('message'))}"
    problem = _header_problem(response.get("headers"), "response.headers")
    if problem:
        return problem
    body = response.get("body")
    if not isinstance(body, dict | None):
        return f"response.body: expected a mapping like {{string: ...}}, seen {_seen(body)}"
    text = (body or {}).get("string")
    if not isinstance(text, str | bytes | None):
        return f"response.body.string: expected text or !!binary bytes, seen {_seen(text)}"
    meta = item.get("harness")
    if meta is not None and not isinstance(meta, dict):
        return f"harness: expected a mapping of notes on the recording, seen {_seen(meta)}"
    error = (meta or {}).get("error")
    if error is not None and not (
        isinstance(error, dict)
        and isinstance(error.get("type"), str)
        and isinstance(error.get("message"), str)
    ):
        return f"harness.error: expected a mapping with 'type' and 'message' as text, seen {_seen(error)}"
    return _json_body_problem(response.get("headers") or {}, text)


def _json_body_problem(headers: dict[str, Any], text: str | bytes | None) -> str | None:
    if not text or "json" not in (header(headers, "content-type") or "").lower():
        return None
    raw = text.encode("utf-8") if isinstance(text, str) else text
    try:
        raw = decode_content(raw, header(headers, "content-encoding"))
    except ValueError:
        return None  # an encoding the harness cannot undo: replay serves it as recorded
    try:
        json.loads(raw)
    except ValueError as error:
        return (
            f"response.body.string: the content-type says JSON, but the body is not valid JSON "
            f"({error}); seen {_seen(raw.decode('utf-8', errors='replace'))}"
        )
    return None


def _plain(value: Any) -> Any:
    """vcrpy's loaders return bodies as bytes where the file had text; keep text as text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bytes):
        return _text_or_bytes(value)
    return value


def _request_for_storage(request: dict[str, Any]) -> dict[str, Any]:
    body = request.get("body")
    return {
        "body": _text_or_bytes(body) if isinstance(body, bytes) and body else (body or None),
        "headers": request.get("headers") or {},
        "method": request.get("method", "GET"),
        "uri": request.get("uri", ""),
    }
