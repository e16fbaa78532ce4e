"""Plugin tests run pytest as users do: pytester in a subprocess, since HTTP patching is global."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.stub_api import StubAPI

TEST_FILE = """
import openai

def test_retrieve(openai_client):
    assert openai_client.beta.assistants.retrieve("asst_1").name == "Stub"

def test_stream(openai_client):
    stream = openai_client.beta.threads.runs.create(thread_id="t", assistant_id="a", stream=True)
    assert [e.event for e in stream][-1] == "thread.run.completed"
"""


def run_pytest(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """``pytest`` in a subprocess, with contract checks off: the stub API answers with partial objects
    (contract checks have their own tests, which pass ``--contracts`` again to override)."""
    return pytester.runpytest_subprocess("--contracts=off", *args)


@pytest.fixture
def live_stub(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubAPI]:
    """The stub API, with OPENAI_BASE_URL pointing at it for the pytest subprocess."""
    with StubAPI(event_pause=0.0) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-plugin-test-key-000000000000")
        yield stub


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replay conditions: no server, no key."""
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
