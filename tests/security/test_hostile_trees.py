"""``harness verify`` on hostile folders: unreadable parts are findings, special files never block it.

The CLI runs in a subprocess, as CI runs it. Permission tests need a user the permissions apply to: as
root (who reads everything) the command runs without the two capabilities that override file permissions.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.security

_PR_CAPBSET_DROP = 24
_OVERRIDES = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


def cassette(path: Path) -> Path:
    """A small, valid cassette of one listed assistant (the contracts pass on it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = '{"object": "list", "data": [], "first_id": null, "last_id": null, "has_more": false}'
    document = {
        "interactions": [
            {
                "request": {
                    "body": None,
                    "headers": {},
                    "method": "GET",
                    "uri": "https://api.openai.com/v1/assistants",
                },
                "response": {
                    "body": {"string": body},
                    "headers": {"content-type": ["application/json"]},
                    "status": {"code": 200, "message": "OK"},
                },
            }
        ],
        "version": 1,
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def verify(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    def drop() -> None:  # pragma: no cover - runs in the child
        if os.geteuid() == 0:  # root keeps its uid but loses what lets it read any file
            libc = ctypes.CDLL(None, use_errno=True)
            for capability in _OVERRIDES:
                if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "cannot drop the file-permission capabilities")

    return subprocess.run(
        [sys.executable, "-m", "harness", "verify", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        preexec_fn=drop,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Iterator[Path]:
    """A folder whose permissions are restored afterwards, so that pytest can remove it."""
    yield tmp_path
    for path in [tmp_path, *tmp_path.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_an_unreadable_folder_is_a_finding_not_a_silent_skip(tree: Path) -> None:
    cassette(tree / "good.yaml")
    cassette(tree / "locked" / "hidden.yaml")
    (tree / "locked").chmod(0)
    result = verify(tree, cwd=tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cannot read the folder" in result.stdout and "locked" in result.stdout
    assert "Traceback" not in result.stderr


def test_an_unreadable_file_is_a_finding(tree: Path) -> None:
    cassette(tree / "good.yaml")
    secret = cassette(tree / "secret.yaml")
    secret.chmod(0)
    result = verify(tree, cwd=tree)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "cannot open" in result.stdout and "secret.yaml" in result.stdout


def test_a_fifo_named_directly_is_a_usage_error_and_skipped_in_walks(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    named = verify(fifo, cwd=tmp_path)
    assert named.returncode == 2, named.stdout + named.stderr
    assert "is a FIFO (named pipe), not a file" in named.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "harness", "show", str(fifo)], capture_output=True, text=True, timeout=60
    )
    assert shown.returncode == 2 and "is not a regular file" in shown.stderr
    cassette(tmp_path / "good.yaml")
    walked = verify(tmp_path, cwd=tmp_path)
    assert walked.returncode == 0, walked.stdout + walked.stderr
    assert "1 file" in walked.stdout


def test_a_device_named_directly_is_a_usage_error(tmp_path: Path) -> None:
    result = verify("/dev/zero", cwd=tmp_path)
    assert result.returncode == 2
    assert "/dev/zero is a device" in result.stderr


def test_symlink_loops_do_not_recurse(tmp_path: Path) -> None:
    cassette(tmp_path / "cassettes" / "a.yaml")
    (tmp_path / "cassettes" / "loop").symlink_to(tmp_path / "cassettes", target_is_directory=True)
    (tmp_path / "cassettes" / "sub").mkdir()
    (tmp_path / "cassettes" / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    result = verify("cassettes", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 file, 1 interaction" in result.stdout
