"""The public surface of the fuzz feature, pinned: names, profiles, rule ids."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

import harness.fuzz
import harness.strategies


def test_strategies_exports_a_small_sorted_api() -> None:
    assert harness.strategies.__all__ == [
        "GeneratedRequest",
        "InvalidRequest",
        "InvalidRule",
        "invalid_requests",
        "requests",
        "responses",
        "stream_events",
    ]
    assert sorted(harness.strategies.__all__) == harness.strategies.__all__


def test_fuzz_exports_a_sorted_api() -> None:
    assert harness.fuzz.__all__ == [
        "EMBEDDED",
        "FUZZ_RULES",
        "FailingCase",
        "FuzzFailure",
        "FuzzReport",
        "dumps_report",
        "register_profiles",
        "render_text",
        "run_fuzz",
        "stable_generation",
        "to_json",
    ]
    for name in harness.fuzz.__all__:
        assert getattr(harness.fuzz, name) is not None


@pytest.mark.parametrize("name", ["dev", "ci"])
def test_the_profiles_are_registered(name: str) -> None:
    harness.fuzz.register_profiles()
    profile = settings.get_profile(name)
    assert profile.deadline is None
    assert HealthCheck.too_slow in profile.suppress_health_check
    if name == "ci":
        assert profile.derandomize and profile.database is None and profile.print_blob
    else:
        assert not profile.derandomize


def test_every_fuzz_rule_is_explained() -> None:
    assert set(harness.fuzz.FUZZ_RULES) == {
        "request.valid-accepted",
        "request.invalid-rejected",
        "error.names-param",
        "server.error",
        "transport.complete",
        "write.applies",
        "retrieve.matches",
        "delete.gone",
        "list.complete",
        "list.has-more",
        "list.limit",
        "list.cursors",
        "run.lifecycle",
        "run.terminal",
    }
    assert all(text.endswith(".") for text in harness.fuzz.FUZZ_RULES.values())
