"""The JSON Schema export: deterministic, committed copy up to date, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.contracts import EVENT_MODELS
from harness.contracts._export import export_schemas, schema_files, stale_files

COMMITTED = Path(__file__).resolve().parents[2] / "contracts" / "schemas"


def test_committed_schemas_match_the_models() -> None:
    stale = stale_files(COMMITTED)
    assert not stale, (
        f"the schemas in {COMMITTED} differ from the contract models ({stale}); "
        "run `harness contracts export` from the project root and commit the result"
    )


def test_export_is_deterministic_and_complete() -> None:
    files = schema_files()
    assert files == schema_files()
    assert list(files) == sorted(files)
    for name in ("Run.json", "event.thread.run.created.json", "request.CreateRunRequest.json", "index.json"):
        assert name in files
    assert {f"event.{event}.json" for event in EVENT_MODELS} <= set(files)
    for name, text in files.items():
        assert text.endswith("}\n"), name
        document = json.loads(text)
        assert json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n" == text


def test_schemas_describe_the_models() -> None:
    files = schema_files()
    run = json.loads(files["Run.json"])
    assert run["title"] == "Run"
    assert "expires_at" in run["required"]
    assert run["properties"]["status"]["enum"][0] == "queued"
    index = json.loads(files["index.json"])
    assert index["objects"]["Run"] == "Run.json"
    route = next(r for r in index["routes"] if r["operation"] == "runs.create")
    assert route == {
        "method": "POST",
        "template": "/threads/{thread_id}/runs",
        "operation": "runs.create",
        "request": "request.CreateRunRequest.json",
        "query": "query.IncludeQuery.json",
        "response": "Run.json",
        "streams": True,
    }


def test_export_writes_and_prunes_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    written = export_schemas(out)
    assert sorted(path.name for path in written) == sorted(schema_files())
    index = json.loads((out / "index.json").read_text())
    index["objects"]["Gone"] = "Gone.json"
    (out / "index.json").write_text(json.dumps(index))
    (out / "Gone.json").write_text("{}")
    (out / "notes.json").write_text("{}")
    assert stale_files(out) == {"index.json": "changed", "Gone.json": "extra", "notes.json": "extra"}
    export_schemas(out)
    assert not (out / "Gone.json").exists()
    assert (out / "notes.json").exists()


def test_cli_export_and_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["contracts", "export", "--check"]) == 1
    assert "run `harness contracts export" in capsys.readouterr().out
    assert main(["contracts", "export"]) == 0
    assert (tmp_path / "contracts" / "schemas" / "Run.json").is_file()
    assert main(["contracts", "export", "--check"]) == 0
    (tmp_path / "contracts" / "schemas" / "Run.json").write_text("{}\n")
    assert main(["contracts", "export", "--check"]) == 1
    assert "changed: contracts/schemas/Run.json" in capsys.readouterr().out


def test_cli_export_to_a_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.json"
    target.write_text("{}")
    assert main(["contracts", "export", "--out", str(target)]) == 2
    assert "expected a directory" in capsys.readouterr().err


def test_cli_help_describes_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["contracts", "export", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "--out DIR" in text and "--check" in text and "contracts/schemas" in text
