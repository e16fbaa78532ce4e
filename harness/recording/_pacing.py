"""Instant replay: the SDK's own waits are skipped while a cassette replays.

The openai SDK (1.x to 3.x) waits in two places: ``_sleep`` of its resources, between polls of
``create_and_poll``, ``poll``, ``submit_tool_outputs_and_poll``, ``create_and_run_poll`` and the vector
store helpers; and the back-off before a retry, computed by ``_calculate_retry_timeout``. During replay
both become zero, because the recorded answers are already there. Recording keeps the real pacing.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator
from typing import Any


def _no_sleep(self: Any, seconds: float) -> None:
    return None


async def _no_async_sleep(self: Any, seconds: float) -> None:
    return None


def _no_retry_wait(self: Any, *args: Any, **kwargs: Any) -> float:
    return 0.0


@contextlib.contextmanager
def _replaced(owner: type, name: str, value: Any) -> Iterator[None]:
    """``owner.name`` is ``value`` within the block (what the class itself held is put back)."""
    own = vars(owner)
    had, original = name in own, own.get(name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        if had:
            setattr(owner, name, original)
        else:
            delattr(owner, name)


@contextlib.contextmanager
def instant_sdk_waits() -> Iterator[None]:
    """Within the block, the openai SDK neither sleeps between polls nor before retries."""
    with contextlib.ExitStack() as stack:
        try:
            resource = importlib.import_module("openai._resource")
            base_client = importlib.import_module("openai._base_client")
        except ImportError:
            yield
            return
        stack.enter_context(_replaced(resource.SyncAPIResource, "_sleep", _no_sleep))
        stack.enter_context(_replaced(resource.AsyncAPIResource, "_sleep", _no_async_sleep))
        stack.enter_context(_replaced(base_client.BaseClient, "_calculate_retry_timeout", _no_retry_wait))
        yield
