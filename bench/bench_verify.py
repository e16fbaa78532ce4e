"""``harness verify`` over the real recordings in ``../shared/real-cassettes``, against a jsonschema peer.

Usage: python bench/bench_verify.py [PATH...] [--repeat N]

Both sides read the same cassette files and check the same response bodies, N times each (default 3,
alternating order); medians are reported:

* **harness**: ``harness.verify.verify`` — reading every format, contracts, stream grammar, findings;
* **jsonschema peer** (what ``check-jsonschema`` does with the OpenAPI document): PyYAML/json loading of
  the same files, each 200 JSON body validated with jsonschema (Draft 2020-12, ``nullable`` rewritten)
  against its operation's response schema, found by matching the request to the document's path
  templates, and each event of a streamed body against its event schema. Validators are built once,
  outside the timing (as the harness's models are built at import).

The same comparison runs as fresh processes (``harness verify`` vs this script's ``--peer-only``),
imports included; every process's exit code is checked.
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REAL_CASSETTES, checked, median, print_versions, table
from bench_validation import OPENAPI, _header, _Loader, _nullable_to_any_of, jsonschema_validators

Body = tuple[str, str, int, str, bytes]
"""``(method, uri, status, content type, response bytes)``."""


# --- the peer ---------------------------------------------------------------------------------------------


def _raw(body: Any) -> bytes:
    import gzip

    if isinstance(body, dict):
        if body.get("base64_string") is not None:
            body = base64.b64decode("".join(str(body["base64_string"]).split()))
        else:
            body = body.get("string", "")
    raw = body if isinstance(body, bytes) else str(body or "").encode()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def peer_bodies(path: Path) -> Iterator[Body]:
    """Every response of a vcrpy, Ruby VCR or test-proxy file, read with PyYAML or json."""
    if path.suffix == ".json":
        for entry in json.loads(path.read_text(encoding="utf-8")).get("Entries", []):
            body = entry.get("ResponseBody")
            if isinstance(body, list):
                raw = "".join(body).encode()
            elif isinstance(body, str):
                raw = body.encode()
            else:
                raw = b"" if body is None else json.dumps(body).encode()
            content_type = _header(entry.get("ResponseHeaders"), "content-type")
            yield entry["RequestMethod"], entry["RequestUri"], int(entry["StatusCode"]), content_type, raw
        return
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    for interaction in document.get("interactions") or document.get("http_interactions") or []:
        request, response = interaction["request"], interaction["response"]
        status = response["status"]
        code = status.get("code") if isinstance(status, dict) else status
        content_type = _header(response.get("headers"), "content-type")
        yield (
            str(request["method"]).upper(),
            request["uri"],
            int(code),
            content_type,
            _raw(response.get("body")),
        )


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def response_validators() -> list[tuple[str, re.Pattern[str], Any]]:
    """``(method, path pattern, validator)`` for every operation with a JSON 200 response schema."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    document = _nullable_to_any_of(copy.deepcopy(json.loads(OPENAPI.read_text(encoding="utf-8"))))
    uri = "urn:openai:openapi"
    registry: Registry[Any] = Registry().with_resource(uri, Resource.from_contents(document, DRAFT202012))
    found = []
    for template, item in document["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}/]+\}", "[^/]+", template) + "$")
        for method, operation in item.items():
            content = (
                operation.get("responses", {}).get("200", {}).get("content", {})
                if isinstance(operation, dict)
                else {}
            )
            if "application/json" not in content or "schema" not in content["application/json"]:
                continue
            where = _pointer("paths", template, method, "responses", "200", "content", "application/json")
            reference = {"$ref": f"{uri}#/{where}/schema"}
            found.append((method.upper(), pattern, Draft202012Validator(reference, registry=registry)))
    return found


def _events(text: str) -> Iterator[tuple[str, str]]:
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if name and data:
            yield name, "\n".join(data)


class Peer:
    """jsonschema validation of every response body of the given files."""

    def __init__(self) -> None:
        self.routes = response_validators()
        self.events = jsonschema_validators()

    def check(self, files: list[Path]) -> tuple[int, int]:
        """(bodies validated, schema errors)."""
        checked_bodies = errors = 0
        for path in files:
            for method, uri, status, content_type, raw in peer_bodies(path):
                if status != 200:
                    continue
                if "event-stream" in content_type:
                    for name, data in _events(raw.decode("utf-8", "replace")):
                        validator = self.events.get(name)
                        if validator is not None and data != "[DONE]":
                            instance = {"event": name, "data": json.loads(data)}
                            errors += sum(1 for _ in validator.iter_errors(instance))
                            checked_bodies += 1
                    continue
                if "json" not in content_type:
                    continue
                api = urlsplit(uri).path
                api = api[api.find("/v1/") + 3 :] if "/v1/" in api else api
                for route_method, pattern, validator in self.routes:
                    if route_method == method and pattern.match(api):
                        errors += sum(1 for _ in validator.iter_errors(json.loads(raw)))
                        checked_bodies += 1
                        break
        return checked_bodies, errors


def files_of(paths: list[Path]) -> list[Path]:
    return sorted(
        file
        for path in paths
        for file in ([path] if path.is_file() else path.rglob("*"))
        if file.suffix in {".yaml", ".yml", ".json"} and file.is_file() and file.name != "MANIFEST.md"
    )


# --- the comparison ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path, default=[REAL_CASSETTES], help="cassettes or folders")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; medians are reported")
    parser.add_argument("--peer-only", action="store_true", help="run the peer once and exit (for timing)")
    args = parser.parse_args()
    missing = [path for path in args.paths if not path.exists()]
    if missing or not OPENAPI.is_file():
        print(f"not found: {', '.join(map(str, [*missing, OPENAPI]))}", file=sys.stderr)
        return 2
    files = files_of(args.paths)
    if args.peer_only:
        bodies, _errors = Peer().check(files)
        return 0 if bodies else 1

    from harness.verify import verify

    print_versions("pydantic", "pydantic-core", "pyyaml", "jsonschema", "vcrpy")
    peer = Peer()
    harness_times: list[float] = []
    peer_times: list[float] = []
    report = None
    peer_result = (0, 0)
    for round_number in range(args.repeat):
        for side in ("harness", "peer") if round_number % 2 == 0 else ("peer", "harness"):
            start = time.perf_counter()
            if side == "harness":
                report = verify(args.paths, baseline=None)
                harness_times.append(time.perf_counter() - start)
            else:
                peer_result = peer.check(files)
                peer_times.append(time.perf_counter() - start)
    assert report is not None

    harness_command = [sys.executable, "-m", "harness", "verify", "--no-baseline", "--format", "json"]
    peer_command = [sys.executable, str(Path(__file__).resolve()), "--peer-only"]
    harness_process: list[float] = []
    peer_process: list[float] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        completed = checked([*harness_command, *map(str, args.paths)], allowed=(0, 1))  # 1: findings
        harness_process.append(time.perf_counter() - start)
        if json.loads(completed.stdout)["interactions"] != report.interactions:
            raise SystemExit("harness verify as a process checked another number of interactions")
        start = time.perf_counter()
        checked([*peer_command, *map(str, args.paths)])
        peer_process.append(time.perf_counter() - start)

    h, p = median(harness_times), median(peer_times)
    hp, pp = median(harness_process), median(peer_process)
    print(
        f"{len(report.files)} files, {report.interactions} interactions, {report.events} stream events, "
        f"{len(report.findings)} harness findings; peer: {peer_result[0]} bodies and events validated, "
        f"{peer_result[1]} schema errors"
    )
    print(f"medians of {args.repeat} runs per side")
    print(
        table(
            ["side", "in-process", "fresh process (imports included)"],
            [
                ["harness verify", f"{h:.3f} s", f"{hp:.3f} s"],
                [
                    "jsonschema peer",
                    f"{p:.3f} s ({p / h:.1f}× harness)",
                    f"{pp:.3f} s ({pp / hp:.1f}× harness)",
                ],
            ],
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
