"""The recorder: one cassette made active for a block of code.

Within ``with Recorder(config) as recorder:`` every request sent through httpx or httpx2 (so every
openai SDK call, whichever client made it) is replayed from the cassette or recorded into it, as the
record mode says; replay skips the SDK's waits; each response is checked by the optional ``check``
callable. Nothing is written until :meth:`Recorder.save`, which the caller invokes knowing whether
the code under test passed: only a passing run is saved under the cassette's name; any other goes to
``<name>.failed.<ext>``. A recording holds the cassette's lock (:mod:`harness.recording._locks`), and
every recorded request has a timeout (``record_timeout``) whose error names it.

Problems are reported as harness errors naming the cassette: a missing cassette at the first request
sent in replay, an unmatched request, a timed-out recording. Since the SDK may catch them and raise its
own error, :meth:`Recorder.explain` turns whatever reached the test into the harness error to show.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any, Protocol
from urllib.parse import urlsplit

from harness._errors import HarnessError
from harness._findings import Finding
from harness._headers import header_lists
from harness.recording._cassette import (
    Cassette,
    CassetteError,
    Interaction,
    failed_path,
)
from harness.recording._config import RecorderConfig
from harness.recording._locks import CassetteLocks
from harness.recording._matching import RequestKey
from harness.recording._pacing import instant_sdk_waits
from harness.recording._redaction import Redactor
from harness.recording._transport import Finish, patch_transports
from harness.streams._sse import decode_sse


def recording_meta(body: bytes, complete: bool, error: BaseException | None = None) -> dict[str, Any]:
    """The harness's notes on a response just recorded: the transport ``error`` that cut it, or
    ``closed_early`` when the client stopped reading before its end. A stream whose last event is
    ``done`` is complete even if unread to the end: the SDK stops reading there. No duration, so that
    recording an unchanged test again gives the same file."""
    meta: dict[str, Any] = {}
    if error is not None:
        meta["error"] = {"type": type(error).__name__, "message": str(error)}
    elif not complete and not body.rstrip().endswith(b"data: [DONE]"):
        meta["closed_early"] = True
    return meta


class RecordTimeoutError(CassetteError):
    """A request being recorded got no byte from the server within ``record_timeout`` seconds."""


_CUT_RULES = ("stream.truncated", "stream.done-last")
"""Grammar rules that a stream cut by a transport error breaks by being cut; the cut is reported instead."""

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9]*[_-][A-Za-z0-9_-]{6,}$")
"""What an API object id looks like (``asst_…``, ``thread_…``, ``file-…``)."""

_LIBRARY_PACKAGES = frozenset(
    {
        "openai",
        "httpx",
        "httpx2",
        "httpcore",
        "httpcore2",
        "anyio",
        "h11",
        "sniffio",
        "asyncio",
        "typing_extensions",
    }
)
"""Packages whose frames are hidden from a failing test's traceback when the harness explains it."""
_HIDDEN_HARNESS_MODULES = ("harness.recording", "harness._plugin")


class Checker(Protocol):
    """``check(method, uri, request_body, status, response_headers, response_body, *, request_headers)``.

    The request headers tell what the contracts cannot see in the body: the API version a recording
    was made against (``OpenAI-Beta: assistants=v1`` traffic is not checked) and multipart uploads.
    """

    def __call__(
        self,
        method: str,
        uri: str,
        request_body: bytes | None,
        status: int,
        response_headers: dict[str, list[str]],
        response_body: bytes,
        /,
        *,
        request_headers: dict[str, list[str]] | None = None,
    ) -> list[Finding]: ...


class Recorder:
    """Replays and records the HTTP traffic of a block of code into one cassette.

    Args:
        config: Where the cassette lives and how to treat it.
        check: Called on every response served or recorded (once per interaction); its findings
            collect in :attr:`findings`.
    """

    def __init__(
        self, config: RecorderConfig, *, check: Checker | None = None, locks: CassetteLocks | None = None
    ) -> None:
        self.config = config
        self._check = check
        self._lock = threading.RLock()
        self._stack = contextlib.ExitStack()
        self._tees: list[Any] = []
        self._checked: set[int] = set()
        self._own_locks = locks is None
        self._locks = locks if locks is not None else CassetteLocks()
        self._timed_out: set[RequestKey] = set()
        self.cassette: Cassette | None = None
        self.findings: list[Finding] = []
        """Contract and grammar findings on the traffic, located in the cassette."""
        self.errors: list[CassetteError] = []
        """Why requests failed in the harness (each distinct problem once): a request the cassette does
        not hold, a missing cassette, a recording that timed out."""
        self.hints: list[str] = []
        """Explanations for errors the server answered while recording (see ``new_episodes``)."""
        self.notes: list[str] = []
        """What the test report should mention: streams cut by a transport error."""
        self.patched_modules: list[str] = []

    @property
    def record_timeout(self) -> float:
        """Seconds a recorded request may wait for a byte from the server."""
        return self.config.record_timeout

    # -- life cycle ------------------------------------------------------------------------------

    def __enter__(self) -> Recorder:
        self.cassette = Cassette(
            self.config.path,
            record_mode=self.config.record_mode,
            redactor=Redactor(self.config.redaction),
            rerecord_hint=self.config.rerecord_hint,
            match_on=self.config.match_on,
            extra_paths=self.config.extra_paths,
        )
        if not self.cassette.replay_only:
            self._locks.acquire(self.cassette.path, self.config.owner)
        try:
            self.patched_modules = self._stack.enter_context(patch_transports(self, self._tees))
            if self.cassette.replay_only:
                self._stack.enter_context(instant_sdk_waits())
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            for tee in self._tees:
                tee.finish()  # responses the code under test never closed: keep what was received
        finally:
            self._stack.close()  # even when a response cannot be stored (an undecodable body)

    # -- the exchange the transport patch talks to ------------------------------------------------

    def lookup(self, request: dict[str, Any]) -> Interaction | None:
        """The interaction to replay for ``request``; raises when it may not be recorded either."""
        __tracebackhide__ = True
        cassette = self._active()
        with self._lock:
            key = cassette.key_for(request)
            if cassette.replay_only and not cassette.existed and not cassette.extra_paths:
                raise self._remember(cassette.not_found(key))
            interaction = cassette.lookup(key)
            if interaction is None and cassette.replay_only:
                raise self._remember(cassette.unmatched(key))
            if interaction is None and key in self._timed_out:
                # The SDK retries a request that timed out; waiting again would only multiply the wait.
                raise self._timeout_error(request, None)
            return interaction

    def served(self, interaction: Interaction) -> None:
        """Check a replayed interaction (the first time it is served)."""
        self._run_check(interaction)

    def locate(self, interaction: Interaction) -> str:
        """``cassette <path>, interaction #<n>``, for messages about ``interaction``."""
        cassette = self._active()
        with self._lock:
            number = cassette.interactions.index(interaction)
        return f"cassette {cassette.path}, interaction #{number}"

    def timed_out(self, request: dict[str, Any], error: BaseException) -> CassetteError:
        """The error that replaces a timeout while recording ``request``; later retries of it fail at once."""
        cassette = self._active()
        with self._lock:
            self._timed_out.add(cassette.key_for(request))
        return self._timeout_error(request, error)

    def begin(self, request: dict[str, Any]) -> Finish:
        """Reserve the interaction for a request about to be sent; returns its completion callback."""
        cassette = self._active()
        with self._lock:
            interaction = cassette.start_recording(request)

        def finish(response: Any, body: bytes, complete: bool, error: BaseException | None = None) -> None:
            with self._lock:
                cassette.finish_recording(
                    interaction,
                    status=response.status_code,
                    reason=response.reason_phrase,
                    headers=header_lists(response.headers.multi_items()),
                    body=body,
                    meta=recording_meta(body, complete, error),
                )
            if error is not None:
                self._note_cut(interaction)
            self._hint_unknown_ids(interaction)
            self._run_check(interaction)

        return finish

    def _remember(self, error: CassetteError) -> CassetteError:
        __tracebackhide__ = True
        if all(str(existing) != str(error) for existing in self.errors):
            self.errors.append(error)
        return error

    def _timeout_error(self, request: dict[str, Any], error: BaseException | None) -> CassetteError:
        cassette = self._active()
        described = cassette.key_for(request).describe()
        cause = f" ({type(error).__name__}: {error})" if error is not None and str(error) else ""
        url = str(request.get("uri", ""))
        found = RecordTimeoutError(
            f"no answer from {urlsplit(url).netloc or url} for {self.config.record_timeout:g} s while "
            f"recording {described} into cassette {cassette.path}{cause}.\n"
            f"Check that the server is up and answering (OPENAI_BASE_URL), or allow it longer with "
            f"record_timeout (ini option, --record-timeout, or @pytest.mark.cassette(record_timeout=...))."
        )
        return self._remember(found)

    def _note_cut(self, interaction: Interaction) -> None:
        error = interaction.meta.get("error") or {}
        events = len(decode_sse(interaction.response_body).events) if interaction.is_stream else 0
        what = f"the stream was cut after {events} event(s)" if interaction.is_stream else "the body was cut"
        with self._lock:
            self.notes.append(
                f"{self.locate(interaction)}: {what} by {error.get('type')}: {error.get('message')}; "
                "replay raises the same error at the same point, and the grammar checks the events "
                "received, not the missing end of the stream"
            )

    def _hint_unknown_ids(self, interaction: Interaction) -> None:
        """In ``new_episodes``, a 404 or 400 for an id that only a replayed response gave out gets a hint."""
        cassette = self._active()
        if cassette.record_mode != "new_episodes" or interaction.status not in (400, 404):
            return
        candidates = [part for part in urlsplit(str(interaction.request.get("uri", ""))).path.split("/")]
        try:
            body = json.loads(interaction.request_body or b"null")
        except ValueError:
            body = None
        candidates.extend(_strings(body))
        with self._lock:
            played = [item.loaded and item.plays for item in cassette.interactions]
            replayed = [(n, item) for n, item in enumerate(cassette.interactions) if played[n]]
        for candidate in dict.fromkeys(part for part in candidates if _ID.match(part)):
            for number, item in replayed:
                if candidate.encode() in item.response_body:
                    self.hints.append(
                        f"hint: {interaction.key.describe()} got {interaction.status} from the server "
                        f"while recording with record mode 'new_episodes'. The id {candidate!r} comes "
                        f"from a replayed response (interaction #{number} of {cassette.path}), which "
                        f"this server never sent, so it does not know that id. Re-record the whole "
                        f"cassette instead: {_rewrite_hint(cassette.rerecord_hint)}"
                    )
                    return

    # -- results ---------------------------------------------------------------------------------

    def failing_findings(self) -> list[Finding]:
        """The findings that fail under the configured contracts mode."""
        mode = self.config.contracts
        if mode == "off":
            return []
        if mode == "strict":
            return list(self.findings)
        return [finding for finding in self.findings if finding.severity == "violation"]

    def save(self, *, passed: bool = True) -> Path | None:
        """Write what was recorded; returns the file written, or ``None`` when nothing was new.

        Only a run that passed is saved under the cassette's name (a first recording included); any
        other goes to ``<name>.failed.<ext>``, so that the previous cassette is kept, nothing is lost,
        and ``once`` records again next time instead of replaying a broken recording. A passing save
        removes a ``.failed`` file left by an earlier run. The recording lock is released (unless the
        locks were passed in, to be released by their owner).
        """
        cassette = self._active()
        try:
            if not cassette.dirty:
                return None
            if passed:
                written = cassette.save()
                failed_path(cassette.path).unlink(missing_ok=True)
                return written
            return cassette.save(failed_path(cassette.path))
        finally:
            if self._own_locks:
                self._locks.release(cassette.path)

    def explain(self, error: BaseException) -> BaseException | None:
        """The harness error to report for ``error``, which reached the test, or ``None`` to keep it.

        A harness error (raised by the transport patch, perhaps wrapped by the SDK as a connection error)
        comes back with the frames of the SDK, httpx and the harness removed from its traceback, so
        that the test's own line and the harness's message are what the report shows. Any other error
        is kept, with the :attr:`hints` added to it as notes; so is anything that is not an
        ``Exception`` (an interrupt, pytest's skip).
        """
        if not isinstance(error, Exception):
            return None  # KeyboardInterrupt, SystemExit, pytest's skip and fail: never replaced
        found: BaseException | None = error if isinstance(error, HarnessError) else None
        if found is None:
            found = self.errors[0] if self.errors else _harness_error(error)
        if found is None:
            for hint in self.hints:
                error.add_note(hint)
            return None
        found.__cause__ = None
        found.__suppress_context__ = True
        return found.with_traceback(_user_frames(error.__traceback__))

    def _active(self) -> Cassette:
        if self.cassette is None:
            raise RuntimeError("the recorder is not active: use it as a context manager")
        return self.cassette

    def _run_check(self, interaction: Interaction) -> None:
        if self._check is None or self.config.contracts == "off" or interaction.response is None:
            return
        with self._lock:
            if id(interaction) in self._checked:
                return
            self._checked.add(id(interaction))
            cassette = self._active()
            number = cassette.interactions.index(interaction)
        located = interaction_findings(self._check, interaction, cassette.path, number)
        with self._lock:
            self.findings.extend(located)


def interaction_findings(check: Checker, interaction: Interaction, path: Path, number: int) -> list[Finding]:
    """The findings of one recorded or replayed interaction, located at ``path`` and its ``number``.

    A stream the caller stopped reading is not held to the grammar; one a transport error cut is
    checked for the events it received, not for the end that never came.
    """
    request = interaction.request
    response = interaction.response or {}
    found = check(
        str(request.get("method", "GET")),
        str(request.get("uri", "")),
        interaction.request_body or None,
        interaction.status,
        response.get("headers") or {},
        interaction.response_body,
        request_headers=request.get("headers") or {},
    )
    if interaction.meta.get("closed_early"):
        found = [finding for finding in found if finding.kind != "grammar"]
    elif interaction.meta.get("error"):
        found = [finding for finding in found if not _about_the_missing_end(finding)]
    return [finding.with_location(file=str(path), interaction=number) for finding in found]


def _about_the_missing_end(finding: Finding) -> bool:
    if finding.kind != "grammar":
        return False
    # ``run.single-terminal`` is also broken by a run that ends twice; only "never ends" is the cut's.
    return finding.rule in _CUT_RULES or (
        finding.rule == "run.single-terminal" and finding.message.startswith("the run never ends")
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _rewrite_hint(hint: str) -> str:
    return re.sub(r"--record-mode=\w+", "--record-mode=rewrite", hint) if hint else "--record-mode=rewrite"


def _is_library_frame(frame: FrameType) -> bool:
    name = str(frame.f_globals.get("__name__", ""))
    return name.split(".")[0] in _LIBRARY_PACKAGES or name.startswith(_HIDDEN_HARNESS_MODULES)


def _harness_error(error: BaseException) -> HarnessError | None:
    """``error`` itself when the harness raised it, or the harness error it wraps (the SDK reports an
    exception of its transport as a connection error caused by it)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, HarnessError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _user_frames(traceback: TracebackType | None) -> TracebackType | None:
    """``traceback`` without the frames of the SDK, httpx and the harness's recording machinery."""
    kept: list[TracebackType] = []
    while traceback is not None:
        if not _is_library_frame(traceback.tb_frame):
            kept.append(traceback)
        traceback = traceback.tb_next
    rebuilt: TracebackType | None = None
    for entry in reversed(kept):
        rebuilt = TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt
