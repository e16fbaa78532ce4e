"""Throughput of contract validation on real streamed bodies.

Run from the project root::

    python bench/bench_validation.py [--rounds 5] [--seconds 0.5]

It decodes every ``text/event-stream`` body of the recordings in ``../shared/real-cassettes`` (vcrpy
YAML, Ruby VCR YAML and the .NET SDK's JSON) and times, over the same events:

* ``json.loads`` of each event's data: the floor, since any check must at least parse;
* ``harness.contracts.check_event``: parsing, validation and findings;
* ``jsonschema`` (``Draft202012Validator``, one validator per event built once, ``$ref`` resolved through a
  ``referencing`` registry over the OpenAPI document) validating ``{"event", "data"}`` against the
  event's component schema, after ``json.loads`` (jsonschema validates Python objects). OpenAPI 3.0
  ``nullable: true`` is rewritten to ``anyOf [..., null]`` so both sides judge ``null`` alike.

Targets: ``check_event`` at least a third of the speed of ``json.loads``, and at least 10x ``jsonschema``.
Each figure is the median of several rounds, the same number for every method; the versions measured
are printed first.
"""

from __future__ import annotations

import argparse
import base64
import copy
import gzip
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASSETTES = SHARED / "real-cassettes"
OPENAPI = SHARED / "openapi" / "openapi.json"

Event = tuple[str, str]


# --- reading the recordings -----------------------------------------------------------------------------


class _Loader(yaml.SafeLoader):
    """Safe YAML loading that also reads Ruby's ``!binary`` tag."""


def _binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    return base64.b64decode(str(loader.construct_scalar(node)))  # type: ignore[arg-type]


_Loader.add_constructor("!binary", _binary)


def _header(headers: dict[str, Any] | None, name: str) -> str:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return str(value[0] if isinstance(value, list) else value)
    return ""


def _text(body: Any) -> bytes:
    if isinstance(body, dict):
        body = body.get("string", body.get("base64_string", ""))
    raw = body if isinstance(body, bytes) else str(body or "").encode()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def _streamed_bodies(path: Path) -> Iterator[bytes]:
    if path.suffix == ".json":
        for entry in json.loads(path.read_text(encoding="utf-8")).get("Entries", []):
            if "event-stream" in _header(entry.get("ResponseHeaders"), "content-type"):
                body = entry.get("ResponseBody")
                yield ("".join(body) if isinstance(body, list) else str(body)).encode()
        return
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    for interaction in document.get("interactions") or document.get("http_interactions") or []:
        response = interaction["response"]
        if "event-stream" in _header(response.get("headers"), "content-type"):
            yield _text(response.get("body"))


def load_events() -> tuple[list[Event], int]:
    """Every event of every real stream, and how many streams there were."""
    from harness.streams._sse import decode_sse

    events: list[Event] = []
    streams = 0
    for path in sorted(CASSETTES.rglob("*")):
        if path.suffix not in (".json", ".yml", ".yaml"):
            continue
        for body in _streamed_bodies(path):
            streams += 1
            events += [(event.event or "", event.data) for event in decode_sse(body).events]
    return events, streams


# --- jsonschema over the OpenAPI document ---------------------------------------------------------------


def _nullable_to_any_of(node: Any) -> Any:
    if isinstance(node, list):
        return [_nullable_to_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _nullable_to_any_of(value) for key, value in node.items()}
    if node.pop("nullable", False) is True:
        return {"anyOf": [node, {"type": "null"}]}
    return node


def jsonschema_validators() -> dict[str, Any]:
    """One Draft 2020-12 validator per event name, against the event's branch of AssistantStreamEvent."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = _nullable_to_any_of(copy.deepcopy(json.loads(OPENAPI.read_text(encoding="utf-8"))))
    uri = "urn:openai:openapi"
    registry: Registry[Any] = Registry().with_resource(uri, Resource.from_contents(document, DRAFT202012))
    schemas = document["components"]["schemas"]
    validators: dict[str, Any] = {}
    for group in schemas["AssistantStreamEvent"]["oneOf"]:
        group_name = group["$ref"].rsplit("/", 1)[1]
        branches = schemas[group_name].get("oneOf")
        pointers = (
            [f"{group_name}/oneOf/{index}" for index in range(len(branches))] if branches else [group_name]
        )
        for pointer in pointers:
            node = schemas
            for part in pointer.split("/"):
                node = node[int(part)] if isinstance(node, list) else node[part]
            event = node["properties"]["event"]["enum"][0]
            reference = {"$ref": f"{uri}#/components/schemas/{pointer}"}
            validators[event] = Draft202012Validator(reference, registry=registry)
    return validators


# --- timing --------------------------------------------------------------------------------------------


def median_rate(work: Callable[[], int], *, rounds: int, seconds: float) -> tuple[float, int]:
    """Median passes-per-second of ``work`` (one pass over the events) over ``rounds`` timed rounds."""
    rates: list[float] = []
    result = work()
    for _ in range(rounds):
        passes = 0
        start = time.perf_counter()
        elapsed = 0.0
        while elapsed < seconds or passes == 0:
            result = work()
            passes += 1
            elapsed = time.perf_counter() - start
        rates.append(passes / elapsed)
    return statistics.median(rates), result


def _print_versions() -> None:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"python {platform.python_version()}"]
    for name in ("assistants-harness", "pydantic", "pydantic-core", "jsonschema", "pyyaml"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} absent")
    print("versions: " + ", ".join(parts))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; exit 0 (or 0 with a message when recordings are absent)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per method; the median counts")
    parser.add_argument("--seconds", type=float, default=0.5, help="minimum duration of one round")
    args = parser.parse_args(argv)
    _print_versions()
    if not CASSETTES.is_dir():
        print(f"skipped: the real recordings are not at {CASSETTES}")
        return 0
    sys.path.insert(0, str(ROOT))
    from harness.contracts import check_event

    events, streams = load_events()
    if not events:
        print(f"skipped: no streamed bodies in {CASSETTES}")
        return 0
    payload = [(name, data) for name, data in events]
    size = sum(len(data.encode()) for _name, data in payload)

    def parse() -> int:
        count = 0
        for _name, data in payload:
            if data != "[DONE]":
                json.loads(data)
            count += 1
        return count

    def contracts() -> int:
        findings = 0
        for name, data in payload:
            findings += len(check_event(name, data))
        return findings

    rows: list[tuple[str, float, str]] = []
    parse_rate, _ = median_rate(parse, rounds=args.rounds, seconds=args.seconds)
    rows.append(("json.loads (floor)", parse_rate, "-"))
    check_rate, findings = median_rate(contracts, rounds=args.rounds, seconds=args.seconds)
    rows.append(("check_event", check_rate, f"{findings} findings"))
    schema_rate = 0.0
    if OPENAPI.is_file():
        validators = jsonschema_validators()

        def jsonschema_pass() -> int:
            errors = 0
            for name, data in payload:
                validator = validators.get(name)
                instance = {"event": name, "data": data if data == "[DONE]" else json.loads(data)}
                if validator is not None:
                    errors += sum(1 for _ in validator.iter_errors(instance))
            return errors

        schema_rate, schema_errors = median_rate(jsonschema_pass, rounds=args.rounds, seconds=args.seconds)
        rows.append(("jsonschema (OpenAPI)", schema_rate, f"{schema_errors} errors"))
    else:
        print(f"note: no OpenAPI document at {OPENAPI}; jsonschema row skipped")

    print(f"{len(events)} events from {streams} real streams, {size / 1e3:.1f} kB of data")
    print(f"{'method':<22} {'events/s':>12} {'MB/s':>8} {'vs json.loads':>14}  result")
    for label, rate, result in rows:
        mb = rate * size / 1e6
        print(f"{label:<22} {rate * len(events):>12,.0f} {mb:>8.2f} {rate / parse_rate:>14.2f}  {result}")
    print(f"check_event / json.loads speed: {check_rate / parse_rate:.2f} (target >= 0.33)")
    if schema_rate:
        print(f"check_event / jsonschema speed: {check_rate / schema_rate:.1f}x (target >= 10x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
