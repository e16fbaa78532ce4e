"""The recipe of docs/fuzz.md, run as a downstream project runs it: a property test with the strategies,
``openai_client`` and ``@pytest.mark.cassette``, recorded once against the embedded server and replayed
offline with the ``ci`` profile."""

from __future__ import annotations

import pytest

CONFTEST = """
import pytest
from harness.fuzz import stable_generation


@pytest.fixture(autouse=True, scope="session")
def _examples_from_the_seed_alone():
    with stable_generation():
        yield
"""

TEST_FILE = """
import pytest
from hypothesis import HealthCheck, given, settings
from harness.strategies import requests


@pytest.mark.cassette
@settings(max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(request=requests(route="messages.create", ids={"file": []}))
def test_a_message_reads_back(openai_client, request):
    thread = openai_client.beta.threads.create()
    message = openai_client.beta.threads.messages.create(thread.id, **request.body)
    again = openai_client.beta.threads.messages.retrieve(message.id, thread_id=thread.id)
    assert again.content == message.content and again.metadata == message.metadata
"""


def test_a_recorded_property_test_replays_offline(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_messages=TEST_FILE)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    recorded = pytester.runpytest_subprocess("--hypothesis-profile=ci", "--record-mode=once")
    recorded.assert_outcomes(passed=1)
    cassette = pytester.path / "cassettes" / "test_messages" / "test_a_message_reads_back.yaml"
    assert cassette.read_text().count("request:") >= 6 * 3

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # nothing listens there
    replayed = pytester.runpytest_subprocess("--hypothesis-profile=ci", "--cassette-unused=fail")
    replayed.assert_outcomes(passed=1)
