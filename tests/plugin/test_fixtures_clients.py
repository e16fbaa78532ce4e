"""The openai_client, async_openai_client and cassette fixtures."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

FIXTURES = """
import pytest

def test_sync(openai_client, cassette):
    assert openai_client.beta.assistants.retrieve("asst_1").name == "Stub"
    assert len(cassette.interactions) == 1
    assert cassette.interactions[0].key.path == "/v1/assistants/asst_1"

@pytest.mark.anyio
async def test_async(async_openai_client, cassette):
    stream = await async_openai_client.beta.threads.runs.create(thread_id="t", assistant_id="a", stream=True)
    names = [event.event async for event in stream]
    assert names[-1] == "thread.run.completed"
    assert [i.plays for i in cassette.interactions] == ([1] if cassette.replay_only else [0])

@pytest.fixture
def anyio_backend():
    return "asyncio"
"""


def test_sync_and_async_clients_record_then_replay_without_key(
    pytester: pytest.Pytester, live_stub: StubAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_fixtures=FIXTURES)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=2)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    run_pytest(pytester).assert_outcomes(passed=2)


def test_fixtures_are_documented(pytester: pytest.Pytester) -> None:
    result = run_pytest(pytester, "--fixtures")
    result.stdout.fnmatch_lines_random(
        [
            "cassette -- *",
            "*The active cassette*",
            "openai_client -- *",
            "async_openai_client -- *",
        ]
    )


def test_help_lists_every_option(pytester: pytest.Pytester) -> None:
    # -p no:recording: were pytest-recording loaded first, --record-mode would be its option (same dest).
    result = run_pytest(pytester, "-p", "no:recording", "--help")
    result.stdout.fnmatch_lines_random(
        [
            "*--record-mode=RECORD_MODE*",
            "*--cassette-dir=CASSETTE_DIR*",
            "*--cassette-unused=CASSETTE_UNUSED*",
            "*--contracts=CONTRACTS*",
            "*cassette_redact_headers*",
        ]
    )


def test_plugin_import_stays_light(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_light="""
import sys

def test_nothing_heavy_imported():
    heavy = [name for name in ("vcr", "openai", "hypothesis", "starlette", "uvicorn") if name in sys.modules]
    assert heavy == []
"""
    )
    # Other plugins that import their own heavy packages are turned off (older pytest-recording releases
    # import vcrpy); test_plugin_cold_start checks the harness beside pytest-recording.
    result = run_pytest(
        pytester, "-p", "no:hypothesispytest", "-p", "no:anyio", "-p", "no:syrupy", "-p", "no:recording"
    )
    result.assert_outcomes(passed=1)
