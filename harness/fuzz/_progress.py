"""What a running fuzz session is doing, shown while it runs: a live display or a plain line now and then.

The runner updates a :class:`Progress` (phase, route, requests sent, findings so far); :func:`shown`
displays it on stderr while a block runs: on a terminal as a rich live display, otherwise as one plain
line every few seconds (for CI logs). The final report is printed after, unchanged.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of a session at one moment."""

    phase: str
    routes: tuple[str, ...]
    requests: int
    findings: int
    elapsed: float

    def line(self) -> str:
        """One plain line: ``harness fuzz: 12 s, coverage, POST /assistants, 340 requests, 1 finding``."""
        where = ", ".join(self.routes[:3]) + (f" (+{len(self.routes) - 3})" if len(self.routes) > 3 else "")
        findings = f"{self.findings} finding" + ("" if self.findings == 1 else "s")
        parts = [f"{self.elapsed:.0f} s", self.phase, where, f"{self.requests} requests", findings]
        return "harness fuzz: " + ", ".join(part for part in parts if part)


class Progress:
    """The session's progress, updated by the runner (thread-safe) and read by the display."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._phase = "starting"
        self._routes: list[str] = []
        self.requests: Callable[[], int] = lambda: 0
        """How many requests were sent so far (set by the runner)."""
        self.findings: Callable[[], int] = lambda: 0
        """How many distinct failures were found so far (set by the runner)."""

    def phase(self, name: str) -> None:
        """A phase begins."""
        with self._lock:
            self._phase = name
            self._routes = []

    def enter(self, route: str) -> None:
        """A route is being fuzzed."""
        with self._lock:
            self._routes.append(route)

    def leave(self, route: str) -> None:
        """A route is done."""
        with self._lock:
            if route in self._routes:
                self._routes.remove(route)

    def snapshot(self) -> Snapshot:
        """The state now."""
        with self._lock:
            phase, routes = self._phase, tuple(self._routes)
        return Snapshot(phase, routes, self.requests(), self.findings(), time.monotonic() - self._started)


@contextmanager
def shown(progress: Progress, stream: IO[str], *, interval: float = 5.0) -> Iterator[None]:
    """Show ``progress`` on ``stream`` while the block runs: live on a terminal, else a line every
    ``interval`` seconds."""
    if stream.isatty():
        with _live(progress, stream):
            yield
        return
    done = threading.Event()

    def report() -> None:
        while not done.wait(min(interval, 1.0) if progress.snapshot().requests == 0 else interval):
            stream.write(progress.snapshot().line() + "\n")
            stream.flush()

    thread = threading.Thread(target=report, name="harness-fuzz-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=interval + 1)


@contextmanager
def _live(progress: Progress, stream: IO[str]) -> Iterator[None]:
    from rich.console import Console, RenderableType
    from rich.live import Live
    from rich.table import Table

    def table() -> RenderableType:
        now = progress.snapshot()
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("harness fuzz", f"{now.elapsed:.0f} s")
        grid.add_row("phase", now.phase)
        grid.add_row("routes", "\n".join(now.routes) or "-")
        grid.add_row("requests", str(now.requests))
        grid.add_row("findings", str(now.findings), style="red" if now.findings else None)
        return grid

    with Live(get_renderable=table, console=Console(file=stream), refresh_per_second=4, transient=True):
        yield
