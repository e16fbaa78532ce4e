"""--cassette-dir / ini cassette_dir, and the marker's path."""

from __future__ import annotations

import pytest

from tests.plugin.conftest import run_pytest
from tests.stub_api import StubAPI

MARKED = """
import pytest

@pytest.mark.cassette("shared/one.yaml")
def test_relative(openai_client):
    openai_client.beta.assistants.retrieve("asst_1")

@pytest.mark.cassette
def test_default_name(openai_client):
    openai_client.beta.assistants.retrieve("asst_2")

@pytest.mark.cassette
def test_own_client():
    import openai
    openai.OpenAI().beta.assistants.retrieve("asst_3")

@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.cassette
def test_param(openai_client, n):
    openai_client.beta.assistants.retrieve(f"asst_{n}")
"""


def test_cassette_dir_option_and_marker_paths(pytester: pytest.Pytester, live_stub: StubAPI) -> None:
    pytester.makepyfile(test_marks=MARKED)
    absolute = pytester.path / "elsewhere" / "abs.yaml"
    pytester.makepyfile(
        test_abs=f"""
import pytest

@pytest.mark.cassette(path={str(absolute)!r})
def test_absolute(openai_client):
    openai_client.beta.assistants.retrieve("asst_9")
"""
    )
    run_pytest(pytester, "--record-mode=once", "--cassette-dir=recordings").assert_outcomes(passed=6)
    base = pytester.path / "recordings"
    assert (base / "shared" / "one.yaml").is_file()
    assert (base / "test_marks" / "test_default_name.yaml").is_file()
    assert (base / "test_marks" / "test_own_client.yaml").is_file(), "a client made by the code under test"
    assert (base / "test_marks" / "test_param[1].yaml").is_file()
    assert absolute.is_file()


def test_ini_cassette_dir(pytester: pytest.Pytester, live_stub: StubAPI) -> None:
    pytester.makepyfile(test_marks=MARKED)
    pytester.makeini("[pytest]\ncassette_dir = from_ini\n")
    run_pytest(pytester, "--record-mode=once", "-k", "default_name").assert_outcomes(passed=1)
    assert (pytester.path / "from_ini" / "test_marks" / "test_default_name.yaml").is_file()


def test_unknown_marker_keyword_is_reported(pytester: pytest.Pytester, offline: None) -> None:
    pytester.makepyfile(
        test_bad="""
import pytest

@pytest.mark.cassette(record="once")
def test_x():
    pass
"""
    )
    result = run_pytest(pytester)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*unknown keyword(s)*record*accepted: path, record_mode, unused, contracts*"]
    )
