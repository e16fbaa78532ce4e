"""Default cassette paths: <cassette_dir>/<test file relative to the rootdir>/<Class>.<test>.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.plugin.conftest import run_pytest

SAME_NAMES = """
import pytest

class TestA:
    @pytest.mark.cassette
    def test_same(self, openai_client):
        assert openai_client.beta.assistants.create(model="gpt-4o", name="A").name == "A"

class TestB:
    @pytest.mark.cassette
    def test_same(self, openai_client):
        assert openai_client.beta.assistants.create(model="gpt-4o", name="B").name == "B"

@pytest.mark.cassette
@pytest.mark.parametrize("city", ["a/b", "a:b", "a_b"])
def test_city(openai_client, city):
    assert openai_client.beta.assistants.create(model="gpt-4o", name=city).name == city
"""

DUPLICATE_MODULE = """
import pytest

@pytest.mark.cassette
def test_dup(openai_client):
    assert openai_client.beta.assistants.create(model="gpt-4o", name="{name}").name == "{name}"
"""


def _recorded(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in (root / "cassettes").rglob("*.yaml"))


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record against the embedded server: no OPENAI_BASE_URL, no key."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


@pytest.mark.usefixtures("embedded")
def test_classes_and_parametrize_ids_get_their_own_cassettes(pytester: pytest.Pytester) -> None:
    pytester.mkpydir("tests")
    (pytester.path / "tests" / "test_classes.py").write_text(SAME_NAMES)
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=5)
    names = _recorded(pytester.path)
    assert len(names) == 5, names
    assert "cassettes/tests/test_classes/TestA.test_same.yaml" in names
    assert "cassettes/tests/test_classes/TestB.test_same.yaml" in names
    assert "cassettes/tests/test_classes/test_city[a_b].yaml" in names
    # "a/b" and "a:b" cannot be file names as they are: sanitised, with a digest so they stay apart.
    assert sum(name.startswith("cassettes/tests/test_classes/test_city[a_b]-") for name in names) == 2
    # Each replays its own recording.
    run_pytest(pytester).assert_outcomes(passed=5)


@pytest.mark.usefixtures("embedded")
def test_same_named_modules_in_two_folders_get_their_own_cassettes(pytester: pytest.Pytester) -> None:
    pytester.mkpydir("tests")
    for folder in ("a", "b"):
        pytester.mkpydir(f"tests/{folder}")
        (pytester.path / "tests" / folder / "test_dup.py").write_text(DUPLICATE_MODULE.format(name=folder))
    run_pytest(pytester, "--record-mode=once").assert_outcomes(passed=2)
    assert _recorded(pytester.path) == [
        "cassettes/tests/a/test_dup/test_dup.yaml",
        "cassettes/tests/b/test_dup/test_dup.yaml",
    ]
    # Re-recording one does not touch the other, and both still replay.
    other = pytester.path / "cassettes/tests/b/test_dup/test_dup.yaml"
    before = other.read_bytes()
    run_pytest(pytester, "tests/a", "--record-mode=rewrite").assert_outcomes(passed=1)
    assert other.read_bytes() == before
    run_pytest(pytester).assert_outcomes(passed=2)
