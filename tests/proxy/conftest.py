"""Proxy tests run the proxy for real: uvicorn on 127.0.0.1, clients speaking HTTP to it."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from harness.proxy import ProxyConfig, RunningProxy, serve_proxy

ProxyFactory = Callable[..., AbstractContextManager[RunningProxy]]


class Report(io.StringIO):
    """What the proxy wrote to its report stream (standard error in the CLI)."""


@pytest.fixture
def report() -> Report:
    """The proxy's report stream."""
    return Report()


@pytest.fixture
def start_proxy(tmp_path: Path, report: Report) -> ProxyFactory:
    """Start a proxy with ``ProxyConfig`` keywords (cassettes in ``tmp_path/cassettes`` by default)."""

    @contextmanager
    def start(**options: Any) -> Iterator[RunningProxy]:
        options.setdefault("cassette_dir", tmp_path / "cassettes")
        with serve_proxy(ProxyConfig(**options), report=report) as proxy:
            yield proxy

    return start
