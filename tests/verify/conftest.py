"""Fixtures for the verify tests: the real recordings, and small cassettes written on the spot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from verify_samples import REAL_CASSETTES, CassetteWriter

from tests.real_data import require_real_data


@pytest.fixture
def real_cassettes() -> Path:
    """The folder of real recordings next to the project; skips when it is absent (fails under CI)."""
    return require_real_data(REAL_CASSETTES)


@pytest.fixture
def write_cassette(tmp_path: Path) -> CassetteWriter:
    """Write a vcrpy YAML cassette of the given interactions to ``tmp_path/name``; return its path."""

    def write(name: str, *interactions: dict[str, Any]) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {"interactions": list(interactions), "version": 1}
        if path.suffix == ".json":
            path.write_text(json.dumps(document), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return path

    return write
