"""``--contracts`` and the drift baseline: the same verdicts as the plugin's, per cassette."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import pytest

from tests.proxy.conftest import ProxyFactory, Report

BASELINE = Path(__file__).resolve().parents[2] / "contracts" / "drift-baseline.yaml"


def _verdict(start_proxy: ProxyFactory, **options: object) -> dict[str, object]:
    with start_proxy(record_mode="rewrite", **options) as proxy:
        client = openai.OpenAI(base_url=proxy.base_url("checked"), api_key="sk-test")
        assistant = client.beta.assistants.create(model="gpt-4o")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
            stream.until_done()
        return httpx.post(f"{proxy.url}/_harness/cassettes/checked/eject").json()  # type: ignore[no-any-return]


def test_tolerant_notes_drift_without_failing(start_proxy: ProxyFactory, report: Report) -> None:
    verdict = _verdict(start_proxy, contracts="tolerant")
    findings = verdict["findings"]
    assert isinstance(findings, list) and findings  # the embedded server carries known drift
    assert {finding["severity"] for finding in findings} == {"drift"}
    assert verdict["passed"] and "FAIL" not in report.getvalue()


def test_strict_fails_on_drift_the_baseline_does_not_list(start_proxy: ProxyFactory, report: Report) -> None:
    verdict = _verdict(start_proxy, contracts="strict")
    assert not verdict["passed"] and verdict["failing"] == len(verdict["findings"])  # type: ignore[arg-type]
    assert "FAIL drift at" in report.getvalue()


def test_strict_with_the_drift_baseline_accepts_what_it_lists(start_proxy: ProxyFactory) -> None:
    if not BASELINE.is_file():
        pytest.fail(f"the project's drift baseline {BASELINE} is missing")
    verdict = _verdict(start_proxy, contracts="strict", baseline=BASELINE)
    assert verdict["findings"] and verdict["passed"], verdict


def test_off_checks_nothing(start_proxy: ProxyFactory) -> None:
    verdict = _verdict(start_proxy, contracts="off")
    assert verdict["findings"] == [] and verdict["passed"]
