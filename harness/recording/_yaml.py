"""The cassette file format: vcrpy's (version 1), written to read well in a pull request.

Multi-line text — pretty JSON bodies, and streamed bodies with one SSE line per line — is written as
YAML literal blocks; bytes that are not UTF-8 stay ``!!binary``. Plain vcrpy loads these files as its
own: loading goes through vcrpy's serializers, so whatever vcrpy can read, the harness can read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

try:
    from yaml import CSafeDumper as _SafeDumper
except ImportError:  # pragma: no cover - libyaml is missing on some platforms
    from yaml import SafeDumper as _SafeDumper  # type: ignore[assignment]

FORMAT_VERSION = 1


class _CassetteDumper(_SafeDumper):
    """A safe dumper that writes multi-line strings as literal blocks."""


def _represent_str(dumper: _CassetteDumper, value: str) -> yaml.Node:
    if "\n" in value and "\r" not in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_CassetteDumper.add_representer(str, _represent_str)


def dump_yaml(document: dict[str, Any]) -> str:
    """Serialise a cassette document (``version`` and ``interactions``) as YAML text."""
    return yaml.dump(
        document,
        Dumper=_CassetteDumper,
        allow_unicode=True,
        sort_keys=False,
        width=1_000_000,
        default_flow_style=False,
    )


def dump_json(document: dict[str, Any]) -> str:
    """Serialise a cassette document as JSON text (for ``.json`` cassettes, as vcrpy's JSON serializer)."""

    def default(value: Any) -> Any:
        if isinstance(value, bytes):
            return value.decode("utf-8", errors="replace")
        raise TypeError(f"cannot store {type(value).__name__} in a JSON cassette")

    return json.dumps(document, indent=2, ensure_ascii=False, default=default) + "\n"


def serializer_for(path: Path) -> str:
    """``json`` for ``.json`` files, ``yaml`` otherwise."""
    return "json" if path.suffix.lower() == ".json" else "yaml"


def load_document(text: str, kind: str) -> dict[str, Any]:
    """Parse cassette text with vcrpy's own (safe) deserializers."""
    if kind == "json":
        from vcr.serializers import jsonserializer

        document = jsonserializer.deserialize(text)
    else:
        from vcr.serializers import yamlserializer

        document = yamlserializer.deserialize(text)
    if not isinstance(document, dict) or not isinstance(document.get("interactions"), list):
        raise ValueError("not a vcrpy cassette: expected a mapping with an 'interactions' list")
    return document
