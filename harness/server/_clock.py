"""Clocks for the embedded server: a deterministic one by default, the wall clock on request.

Every timestamp the server writes (``created_at``, ``started_at``, ``completed_at`` …) comes from one
``Callable[[], int]`` returning Unix seconds. The default :class:`DeterministicClock` starts at
:data:`EPOCH` (2023-11-14 22:13:20 UTC) and advances one second each time it is read, so the same
requests always give the same timestamps, and later objects always have later timestamps.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from typing import Final

#: The first timestamp the deterministic clock gives: 1_700_000_000 (2023-11-14T22:13:20Z).
EPOCH: Final = 1_700_000_000

Clock = Callable[[], int]


class DeterministicClock:
    """A clock that returns ``start``, ``start + 1``, ``start + 2`` … one tick per read.

    Args:
        start: The first value returned.
    """

    def __init__(self, start: int = EPOCH) -> None:
        self._next = start
        self._lock = threading.Lock()

    def __call__(self) -> int:
        with self._lock:
            value = self._next
            self._next += 1
            return value


def seeded_start(seed: str) -> int:
    """A deterministic first timestamp for ``seed``: :data:`EPOCH` plus a whole number of minutes, less
    than a year, derived from the seed (the plugin seeds each test's clock with its node id)."""
    return EPOCH + (zlib.crc32(seed.encode("utf-8")) % (365 * 24 * 60)) * 60


def wall_clock() -> int:
    """The current Unix time in whole seconds."""
    return int(time.time())
