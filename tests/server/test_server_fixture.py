"""The ``assistants_server`` fixture, as a test suite uses it."""

from __future__ import annotations

import pytest


def test_fixture_yields_a_working_base_url(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import re
        import httpx

        def test_uses_it(assistants_server):
            assert re.fullmatch(r"http://127\\.0\\.0\\.1:\\d+/v1", assistants_server)
            created = httpx.post(assistants_server + "/assistants", json={"model": "gpt-4o"})
            assert created.json()["id"].startswith("asst_")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
