"""Hostile cassettes: each file of the corpus, and the outcome it must have wherever a cassette is read.

A cassette arrives in a pull request. Whatever it holds, replay (the plugin, the library), ``harness
verify`` and ``harness show`` construct nothing but data, expand nothing past a small budget, and answer
with an error that names the file, never with a traceback, a hang, or a command run.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from harness.recording import CorruptCassetteError, Recorder, RecorderConfig

pytestmark = pytest.mark.security

CORPUS = Path(__file__).parent / "corpus"
BILLION_LAUGHS = CORPUS / "billion_laughs.yaml"

REPLAY_TEST = """
def test_replay(openai_client):
    openai_client.beta.assistants.list()
"""


def apply_cassette(folder: Path, marker: Path) -> Path:
    """A cassette whose interactions are a ``!!python/object/apply`` that would create ``marker``."""
    path = folder / "apply.yaml"
    command = f"{sys.executable} -c \"open({str(marker)!r}, 'w').write('ran')\""
    path.write_text(
        f"interactions: !!python/object/apply:os.system [{json.dumps(command)}]\nversion: 1\n",
        encoding="utf-8",
    )
    return path


def harness_cli(*args: str | Path, memory_limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # pragma: no cover - runs in the child
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return subprocess.run(
        [sys.executable, "-m", "harness", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


# -- code from a cassette -------------------------------------------------------------------------


def test_python_apply_tag_is_refused_by_library_replay_naming_file_and_tag(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = apply_cassette(tmp_path, marker)
    with pytest.raises(CorruptCassetteError) as caught:
        Recorder(RecorderConfig(path=path, record_mode="none")).__enter__()
    assert str(path) in str(caught.value)
    assert "!!python/object/apply:os.system is refused" in str(caught.value)
    assert not marker.exists()
    assert "python/object/apply" in path.read_text()  # the file is left as it was


def test_python_apply_tag_is_refused_by_plugin_replay(pytester: pytest.Pytester) -> None:
    marker = pytester.path / "ran"
    folder = pytester.path / "cassettes" / "test_replay"
    folder.mkdir(parents=True)
    apply_cassette(folder, marker).rename(folder / "test_replay.yaml")
    pytester.makepyfile(test_replay=REPLAY_TEST)
    result = pytester.runpytest_subprocess("--contracts=off")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["cassette *test_replay.yaml cannot be parsed: line 1: the tag !!python/object/apply:os.system*"]
    )
    assert not marker.exists()


def test_python_apply_tag_is_an_unreadable_finding_in_verify_and_show(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    path = apply_cassette(tmp_path, marker)
    verified = harness_cli("verify", path)
    assert verified.returncode == 1, verified.stderr
    assert "unreadable" in verified.stdout
    assert "!!python/object/apply:os.system is refused" in verified.stdout
    shown = harness_cli("show", path)
    assert shown.returncode == 1, shown.stderr
    assert "cannot be read" in shown.stdout
    assert "Traceback" not in verified.stderr + shown.stderr
    assert not marker.exists()


def test_the_installed_vcrpy_refuses_the_tag_too(tmp_path: Path) -> None:
    """pyproject's vcrpy floor is a version whose own loader is safe: plain vcrpy runs nothing either."""
    from vcr.serializers import yamlserializer

    marker = tmp_path / "ran"
    text = apply_cassette(tmp_path, marker).read_text(encoding="utf-8")
    with pytest.raises(Exception, match="python/object/apply"):
        yamlserializer.deserialize(text)
    assert not marker.exists()


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ("interactions: !!python/name:os.system\n", "!!python/name:os.system is refused"),
        ("interactions: !!python/object/new:subprocess.Popen [[true]]\n", "!!python/object/new"),
        ("interactions: !custom {a: 1}\n", "!custom is refused"),
        ("%TAG !e! tag:example.com,2000:\n---\ninteractions: !e!thing []\n", "tag:example.com,2000:thing"),
        ("interactions: &loop [*loop]\n", "alias \\*loop refers to a node that contains it"),
    ],
)
def test_non_data_yaml_is_refused_with_its_line(tmp_path: Path, text: str, refusal: str) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorruptCassetteError, match=refusal):
        Recorder(RecorderConfig(path=path, record_mode="none")).__enter__()
    verified = harness_cli("verify", path)
    assert verified.returncode == 1
    assert "line" in verified.stdout and "Traceback" not in verified.stderr


# -- bounded parsing ------------------------------------------------------------------------------


def test_billion_laughs_fails_replay_at_once() -> None:
    assert BILLION_LAUGHS.stat().st_size < 700
    with pytest.raises(CorruptCassetteError, match=r"billion_laughs\.yaml.*aliases expand to more than"):
        Recorder(RecorderConfig(path=BILLION_LAUGHS, record_mode="none")).__enter__()


def test_billion_laughs_is_an_unreadable_finding_under_a_memory_limit(tmp_path: Path) -> None:
    """Before the budget, verify needed 2.8 GB here and died with a traceback under a limit."""
    copy = tmp_path / "laughs.yaml"
    copy.write_bytes(BILLION_LAUGHS.read_bytes())
    result = harness_cli("verify", copy, memory_limit=1_500_000_000)
    assert result.returncode == 1, result.stderr
    assert "unreadable" in result.stdout and "aliases expand" in result.stdout
    assert "Traceback" not in result.stderr


def test_aliases_within_the_budget_still_load(tmp_path: Path) -> None:
    """PyYAML writes anchors for repeated objects; such cassettes stay readable."""
    path = tmp_path / "anchored.yaml"
    path.write_text(
        "interactions:\n"
        "- request: {body: null, headers: &h {accept: [application/json]}, method: GET,\n"
        "    uri: 'https://api.openai.com/v1/models'}\n"
        "  response: {body: {string: '{}'}, headers: *h, status: {code: 200, message: OK}}\n"
        "version: 1\n",
        encoding="utf-8",
    )
    with Recorder(RecorderConfig(path=path, record_mode="none")) as recorder:
        assert recorder.cassette is not None
        assert recorder.cassette.interactions[0].response["headers"] == {"accept": ["application/json"]}


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_deep_nesting_is_refused_not_a_recursion_traceback(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text('{"interactions": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(CorruptCassetteError, match="deep"):
        Recorder(RecorderConfig(path=path, record_mode="none")).__enter__()
    result = harness_cli("verify", path)
    assert result.returncode == 1, result.stderr
    assert "unreadable" in result.stdout and "Traceback" not in result.stderr


def test_a_deeply_nested_body_is_a_finding_not_a_traceback(tmp_path: Path) -> None:
    """The file is shallow; the JSON body it stores is 100 000 arrays deep."""
    path = tmp_path / "deep_body.yaml"
    body = "[" * 100_000 + "]" * 100_000
    path.write_text(
        "interactions:\n- request: {body: null, headers: {}, method: GET,\n"
        "    uri: 'https://api.openai.com/v1/assistants'}\n"
        f"  response: {{body: {{string: '{body}'}}, headers: {{content-type: [application/json]}},\n"
        "    status: {code: 200, message: OK}}\nversion: 1\n",
        encoding="utf-8",
    )
    result = harness_cli("verify", path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "deep_body.yaml:0" in result.stdout


def test_a_hostile_drift_baseline_is_a_usage_error_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    baseline = apply_cassette(tmp_path, marker).rename(tmp_path / "baseline.yaml")
    laughs = tmp_path / "laughs.yaml"
    laughs.write_bytes(BILLION_LAUGHS.read_bytes())
    result = harness_cli("verify", "--baseline", baseline, laughs)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "baseline.yaml is not valid YAML: line 1: the tag !!python/object/apply:os.system" in result.stderr
    assert not marker.exists()
