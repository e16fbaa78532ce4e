"""The recorder: one cassette made active for a block of code.

Within ``with Recorder(config) as recorder:`` every request sent through httpx or httpx2 (so every
openai SDK call, whichever client made it) is replayed from the cassette or recorded into it, as the
record mode says; replay skips the SDK's waits; each response is checked by the optional ``check``
callable. Nothing is written until :meth:`Recorder.save`, which the caller invokes knowing whether
the code under test passed: a failed run never overwrites a cassette that existed before it.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

from harness._findings import Finding
from harness.recording._cassette import Cassette, Interaction, UnmatchedRequestError
from harness.recording._config import RecorderConfig
from harness.recording._pacing import instant_sdk_waits
from harness.recording._redaction import Redactor
from harness.recording._transport import patch_transports


def _ends_with_done(body: bytes) -> bool:
    """True when a stream's last event is ``done``: the SDK stops reading there, before the end of the
    body, which is not the caller stopping early."""
    return body.rstrip().endswith(b"data: [DONE]")


Checker = Callable[[str, str, bytes | None, int, dict[str, list[str]], bytes], list[Finding]]
"""``check(method, uri, request_body, status, response_headers, response_body) -> findings``."""


class Recorder:
    """Replays and records the HTTP traffic of a block of code into one cassette.

    Args:
        config: Where the cassette lives and how to treat it.
        check: Called on every response served or recorded (once per interaction); its findings
            collect in :attr:`findings`.
    """

    def __init__(self, config: RecorderConfig, *, check: Checker | None = None) -> None:
        self.config = config
        self._check = check
        self._lock = threading.RLock()
        self._stack = contextlib.ExitStack()
        self._tees: list[Any] = []
        self._checked: set[int] = set()
        self.cassette: Cassette | None = None
        self.findings: list[Finding] = []
        """Contract and grammar findings on the traffic, located in the cassette."""
        self.errors: list[UnmatchedRequestError] = []
        """Requests the cassette did not hold (each distinct request once)."""
        self.patched_modules: list[str] = []

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
        cassette = self._active()
        with self._lock:
            key = cassette.key_for(request)
            interaction = cassette.lookup(key)
            if interaction is None and cassette.replay_only:
                error = cassette.unmatched(key)
                if all(existing.request != key for existing in self.errors):
                    self.errors.append(error)
                raise error
            return interaction

    def served(self, interaction: Interaction) -> None:
        """Check a replayed interaction (the first time it is served)."""
        self._run_check(interaction)

    def begin(self, request: dict[str, Any]) -> Callable[[Any, bytes, bool], None]:
        """Reserve the interaction for a request about to be sent; returns its completion callback."""
        cassette = self._active()
        with self._lock:
            interaction = cassette.start_recording(request)

        def finish(response: Any, body: bytes, complete: bool) -> None:
            headers: dict[str, list[str]] = {}
            for name, value in response.headers.multi_items():
                headers.setdefault(name, []).append(value)
            meta: dict[str, Any] = {}  # no duration: re-recording an unchanged test gives the same file
            if not complete and not _ends_with_done(body):
                meta["closed_early"] = True
            with self._lock:
                cassette.finish_recording(
                    interaction,
                    status=response.status_code,
                    reason=response.reason_phrase,
                    headers=headers,
                    body=body,
                    meta=meta,
                )
            self._run_check(interaction)

        return finish

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

        When the code under test failed and the cassette existed before, the existing file is kept
        and the new recording goes next to it as ``<name>.failed.<ext>`` so that nothing is lost.
        """
        cassette = self._active()
        if not cassette.dirty:
            return None
        if passed or not cassette.existed:
            return cassette.save()
        path = cassette.path
        return cassette.save(path.with_name(f"{path.stem}.failed{path.suffix}"))

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
        request = interaction.request
        found = self._check(
            str(request.get("method", "GET")),
            str(request.get("uri", "")),
            interaction.request_body or None,
            interaction.status,
            interaction.response.get("headers") or {},
            interaction.response_body,
        )
        if interaction.meta.get("closed_early"):
            # The caller stopped reading: an unfinished stream is what it asked for.
            found = [finding for finding in found if finding.kind != "grammar"]
        located = [finding.with_location(file=str(cassette.path), interaction=number) for finding in found]
        with self._lock:
            self.findings.extend(located)
