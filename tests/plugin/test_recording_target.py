"""Recording against the embedded server: fresh state per test, byte-identical re-recordings, and
clients built at import time recorded and replayed like the fixtures' clients."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.conftest import run_pytest

ORDER = """
import pytest

@pytest.mark.cassette
@pytest.mark.parametrize("name", ["first", "second"])
def test_list(openai_client, name):
    openai_client.beta.assistants.create(model="gpt-4o", name=name)
    assert [a.name for a in openai_client.beta.assistants.list()] == [name]
"""

APP = """
from openai import OpenAI

client = OpenAI()  # built when the module is imported, before any fixture


def make(name):
    return client.beta.assistants.create(model="gpt-4o", name=name)
"""

USES_APP = """
import pytest
from app import make

@pytest.mark.cassette
def test_make(cassette):
    assert make("from-import").name == "from-import"
    assert cassette.interactions[0].request["uri"] == "https://api.openai.com/v1/assistants"
"""


@pytest.fixture
def no_key_no_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*.yaml"))}


@pytest.mark.usefixtures("no_key_no_url")
def test_each_test_records_against_fresh_state_and_rerecording_is_byte_identical(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_order=ORDER)
    run_pytest(pytester, "--record-mode=rewrite").assert_outcomes(passed=2)
    first = _files(pytester.path / "cassettes")
    assert len(first) == 2
    # Another selection and order, the same bytes: a recording depends on its test alone.
    run_pytest(pytester, "--record-mode=rewrite", "-k", "second").assert_outcomes(passed=1, deselected=1)
    run_pytest(pytester, "--record-mode=rewrite", "-k", "first").assert_outcomes(passed=1, deselected=1)
    assert _files(pytester.path / "cassettes") == first
    text = next(iter(first.values())).decode()
    assert "127.0.0.1" not in text and "duration_ms" not in text and "\n      date:" not in text
    run_pytest(pytester).assert_outcomes(passed=2)


@pytest.mark.usefixtures("no_key_no_url")
def test_a_client_built_at_import_time_records_to_the_embedded_server_and_replays_without_key(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(app=APP, test_app=USES_APP)
    pytester.makeini("[pytest]\npythonpath = .\n")
    # Nothing but the embedded server is reachable here: a request to api.openai.com would fail.
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=1)
    body = (pytester.path / "cassettes" / "test_app" / "test_make.yaml").read_text()
    assert "x-request-id" in body and "req_" in body  # answered by the embedded server
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # replay: nothing listens there
    run_pytest(pytester).assert_outcomes(passed=1)
    monkeypatch.delenv("OPENAI_BASE_URL")
    run_pytest(pytester).assert_outcomes(passed=1)


def test_a_real_key_is_left_alone_and_the_placeholder_is_not_leaked(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_env="""
import os

def test_key():
    assert os.environ["OPENAI_API_KEY"] == os.environ["EXPECTED_KEY"]
"""
    )
    monkeypatch.setenv("OPENAI_API_KEY", "sk-mine")
    monkeypatch.setenv("EXPECTED_KEY", "sk-mine")
    run_pytest(pytester).assert_outcomes(passed=1)
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("EXPECTED_KEY", "harness-placeholder-key")
    run_pytest(pytester).assert_outcomes(passed=1)
