"""The time a fuzz session may take, and how it stops early: ``--max-time``, a signal, the shrink budget.

A session checks its :class:`Budget` before every request. Once the session's time is up, or a signal
asked it to stop, the check raises :class:`SessionStopped`, a ``BaseException`` so that neither Hypothesis
nor the state machine takes it for a failing example: it unwinds the whole Hypothesis run, and the
runner reports what was found until then (each failure at its shortest reproduction so far).

Shrinking has a budget of its own (:func:`shrink_budget`): past it, Hypothesis stops shrinking and reports
the shortest reproduction found so far.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_MAX_TIME = 300.0
"""Seconds a session takes at most, unless told otherwise."""
DEFAULT_SHRINK_TIME = 10.0
"""Seconds Hypothesis may spend shrinking the failures of one route (or of the stateful check)."""


class SessionStopped(BaseException):
    """The session must stop now: its time is up or it was interrupted. ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Budget:
    """The deadline of a session and its stop switch (thread-safe).

    Args:
        max_time: Seconds the session may take; ``None`` for no limit.
        stop: An event that, once set, stops the session (the CLI sets it on SIGTERM or Ctrl-C).
    """

    def __init__(self, max_time: float | None, *, stop: threading.Event | None = None) -> None:
        self.started = time.monotonic()
        self.max_time = max_time
        self.deadline = None if max_time is None else self.started + max_time
        self.stop_event = stop or threading.Event()
        self.reason: str | None = None
        """Why the session stopped early, once it has."""

    def stop(self, reason: str) -> None:
        """Ask the session to stop at its next request."""
        if self.reason is None:
            self.reason = reason
        self.stop_event.set()

    def elapsed(self) -> float:
        """Seconds since the session started."""
        return time.monotonic() - self.started

    def remaining(self) -> float | None:
        """Seconds left, or ``None`` without a limit."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())

    def check(self) -> None:
        """Raise :class:`SessionStopped` when the session must stop."""
        if self.stop_event.is_set():
            raise SessionStopped(self.reason or "interrupted by Ctrl-C or SIGTERM")
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.stop(f"--max-time of {self.max_time:g} s reached")
            raise SessionStopped(self.reason or "out of time")


@contextmanager
def shrink_budget(seconds: float) -> Iterator[None]:
    """Let Hypothesis shrink for at most ``seconds`` per run while the block runs (default five minutes).

    Hypothesis keeps this limit in a module constant; should a release move it, shrinking keeps
    Hypothesis's own limit.
    """
    try:
        from hypothesis.internal.conjecture import engine
    except ImportError:  # pragma: no cover - the internals moved
        yield
        return
    original = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if original is None:  # pragma: no cover - the internals moved
        yield
        return
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = original
