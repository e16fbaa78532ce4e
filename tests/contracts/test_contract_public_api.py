"""The public API of ``harness.contracts`` is pinned."""

from __future__ import annotations

import inspect

import harness.contracts as contracts


def _isort_key(name: str) -> tuple[int, str]:
    """Constants, then classes, then functions, each alphabetical (the order ruff keeps)."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_and_complete() -> None:
    assert contracts.__all__ == sorted(contracts.__all__, key=_isort_key)
    for name in contracts.__all__:
        assert hasattr(contracts, name), name
    assert {"Route", "ROUTES", "match_route", "check_request", "check_response", "check_event"} <= set(
        contracts.__all__
    )
    assert {"check_stream_events", "ContractMode", "failing", "Run", "RunStep", "Message"} <= set(
        contracts.__all__
    )


def test_check_signatures_are_stable() -> None:
    assert str(inspect.signature(contracts.check_request)) == (
        "(method: 'str', path: 'str', *, query: 'Mapping[str, str | list[str]] | None', body: 'object') "
        "-> 'list[Finding]'"
    )
    assert str(inspect.signature(contracts.check_response)) == (
        "(method: 'str', path: 'str', status: 'int', body: 'object') -> 'list[Finding]'"
    )
    assert (
        str(inspect.signature(contracts.check_event))
        == "(event: 'str', data: 'str | object') -> 'list[Finding]'"
    )
    assert str(inspect.signature(contracts.failing)) == (
        "(findings: 'Iterable[Finding]', mode: 'ContractMode') -> 'list[Finding]'"
    )
    assert str(inspect.signature(contracts.match_route)) == (
        "(method: 'str', path: 'str') -> 'tuple[Route, dict[str, str]] | None'"
    )
