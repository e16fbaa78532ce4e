"""Writing a report where the user asked: stdout or ``--output FILE``, as text or a machine format."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def write_report(
    output: Path | None,
    fmt: str,
    *,
    text: Callable[[Console], object],
    data: Callable[[], str],
) -> None:
    """Write ``text(console)`` when ``fmt`` is ``text``, else ``data()``, to ``output`` or stdout."""
    from rich.console import Console

    stream = sys.stdout if output is None else output.open("w", encoding="utf-8")
    try:
        if fmt == "text":
            text(Console(file=stream, highlight=False))
        else:
            stream.write(data())
    finally:
        if stream is not sys.stdout:
            stream.close()
