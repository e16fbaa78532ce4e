"""``run_fuzz`` against the embedded server: every route, then the stateful check. No finding."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.contracts import ROUTES, Route
from harness.fuzz import FuzzReport, run_fuzz
from harness.fuzz._examples import fuzzable
from harness.server import serve_in_thread


def _cases() -> Iterator[object]:
    for route in ROUTES:
        if not fuzzable(route):
            continue
        yield pytest.param(route, id=route.operation)


def _failures(report: FuzzReport, source: str | None = None) -> list[str]:
    cases = [case for case in report.failures if source is None or case.source == source]
    return [f"{case.title}: {case.findings[0].message}" for case in cases]


@pytest.mark.parametrize("route", list(_cases()))
def test_each_route_keeps_every_rule(route: Route) -> None:
    with serve_in_thread() as server:
        report = run_fuzz(server.base_url, routes=[route.label], examples=25, seed=0)
    assert report.routes == [route.label]
    assert report.requests > 5
    assert _failures(report) == []
    assert report.exit_code == 0


def test_the_stateful_check_finds_nothing_to_report() -> None:
    with serve_in_thread() as server:
        report = run_fuzz(server.base_url, examples=15, steps=20, seed=0, phases=["stateful"], shrink=False)
    assert _failures(report, "stateful") == []  # the examples phase of every route is tested above
    assert report.requests > 200
    assert report.events > 0  # streamed runs were checked too
