"""Fixtures of the embedded server's tests: a real uvicorn server on 127.0.0.1 and SDK clients for it."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest

from harness.server import RunningServer, serve_in_thread


@pytest.fixture
def server() -> Iterator[RunningServer]:
    """A fresh embedded server (seed 0, deterministic clock, any API key accepted)."""
    with serve_in_thread() as running:
        yield running


@pytest.fixture
def client(server: RunningServer) -> Iterator[openai.OpenAI]:
    """The official SDK pointed at the server: only ``base_url`` differs from a normal client."""
    with openai.OpenAI(base_url=server.base_url, api_key="test", max_retries=0) as sdk:
        yield sdk
