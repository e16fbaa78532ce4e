"""The progress of a fuzz session: a live display on a terminal, a plain line now and then otherwise."""

from __future__ import annotations

import io
import time

from harness.fuzz._progress import Progress, shown


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _progress() -> Progress:
    progress = Progress()
    progress.requests = lambda: 42
    progress.findings = lambda: 1
    progress.phase("coverage")
    progress.enter("coverage POST /assistants")
    return progress


def test_a_plain_line_every_interval_when_not_on_a_terminal() -> None:
    stream = io.StringIO()
    with shown(_progress(), stream, interval=0.1):
        time.sleep(0.5)
    lines = stream.getvalue().splitlines()
    assert len(lines) >= 2
    assert lines[0].startswith("harness fuzz: ")
    assert "coverage, coverage POST /assistants, 42 requests, 1 finding" in lines[0]


def test_a_live_display_on_a_terminal() -> None:
    stream = _Terminal()
    with shown(_progress(), stream):
        time.sleep(0.6)
    text = stream.getvalue()
    assert "phase" in text and "coverage POST /assistants" in text and "42" in text
    assert "harness fuzz:" not in text  # no plain lines on a terminal
