"""``harness fuzz --stateful`` against servers broken in one way each: every breakage is found and named;
against the embedded server it passes. The sessions are narrowed to the routes of each breakage (the
benchmark, bench/bench_fuzz.py, runs them on every route)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fuzz_servers import FOUND_AS, MUTATIONS, broken_app, serve

from harness.cli import main

ROUTES = {
    "field dropped": "assistants.create,assistants.retrieve",
    "wrong type": "assistants.create,assistants.retrieve",
    "run status enum": "runs.create,runs.retrieve",
    "lying has_more": "assistants.create,assistants.list",
    "events out of order": "runs.create,runs.retrieve",
    "invalid accepted": "assistants.create",
}
SMALL = [
    "--stateful",
    "--examples",
    "5",
    "--steps",
    "8",
    "--seed",
    "2",
    "--max-time",
    "60",
    "--format",
    "json",
]


def _fuzz(url: str, routes: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["fuzz", "--base-url", url, "--routes", routes, "--no-progress", *SMALL])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_each_breakage_is_found_and_named(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(broken_app(**MUTATIONS[name])) as url:
        code, report = _fuzz(url, ROUTES[name], capsys)
    assert code == 1 and report["stopped"] is None
    named = [
        finding
        for finding in report["findings"]
        if finding["severity"] == "violation"
        and all(finding.get(key) == value for key, value in FOUND_AS[name].items())
    ]
    assert named, [
        (f["kind"], f["rule"], f["path"]) for f in report["findings"] if f["severity"] == "violation"
    ]


def test_the_embedded_server_passes_the_same_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    routes = ",".join(sorted({part for value in ROUTES.values() for part in value.split(",")}))
    with serve(broken_app(when=lambda method, path: False)) as url:
        code, report = _fuzz(url, routes, capsys)
    assert code == 0, [case["findings"][0]["message"] for case in report["failures"]]
    assert report["phases"] == ["stateful", "coverage", "random"]
