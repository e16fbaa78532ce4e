"""Many clients and cassettes at once; a cassette is never recorded by two processes at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from harness.proxy import ProxyConfig, serve_proxy
from tests.proxy.conftest import ProxyFactory
from tests.stub_api import StubAPI

NAMES = [f"worker/{index}" for index in range(4)]


def test_concurrent_clients_see_each_cassettes_polls_in_recorded_order(start_proxy: ProxyFactory) -> None:
    with StubAPI() as upstream:
        with start_proxy(record_mode="rewrite", upstream=upstream.base_url) as proxy:

            def record(name: str) -> list[str]:
                url = proxy.base_url(name) + "/threads/t/runs/run_" + name[-1]
                return [httpx.get(url).json()["status"] for _ in range(4)]

            with ThreadPoolExecutor(4) as pool:
                recorded = list(pool.map(record, NAMES))
        assert all(statuses == ["queued", "in_progress", "in_progress", "completed"] for statuses in recorded)
        before = len(upstream.requests)

        with start_proxy(record_mode="none", upstream=upstream.base_url) as proxy:

            def poll(name: str) -> list[str]:
                url = proxy.base_url(name) + "/threads/t/runs/run_" + name[-1]
                with httpx.Client() as client:
                    return [client.get(url).json()["status"] for _ in range(5)]

            with ThreadPoolExecutor(8) as pool:
                results = list(pool.map(poll, NAMES * 2))
            verdicts = [httpx.get(f"{proxy.url}/_harness/cassettes/{name}").json() for name in NAMES]
        assert len(upstream.requests) == before
    for index, name in enumerate(NAMES):
        seen = Counter(results[index] + results[index + len(NAMES)])
        # Two clients shared one cassette: the four recorded answers went out once each, in order,
        # then the terminal state repeated.
        assert seen == Counter({"queued": 1, "in_progress": 2, "completed": 7}), name
        assert verdicts[index]["unused"] == []


def test_a_cassette_being_recorded_is_refused_to_a_second_recording(tmp_path: Path) -> None:
    cassettes = tmp_path / "cassettes"
    holder = textwrap.dedent(
        f"""
        import sys, httpx
        from harness.proxy import ProxyConfig, serve_proxy
        config = ProxyConfig(cassette_dir={str(cassettes)!r}, record_mode="rewrite", upstream=sys.argv[1],
                             contracts="off")
        with serve_proxy(config) as proxy:
            assert httpx.get(proxy.base_url("shared") + "/assistants/asst_1").status_code == 200
            print("recording", flush=True)
            sys.stdin.readline()
        """
    )
    with StubAPI() as upstream:
        process = subprocess.Popen(
            [sys.executable, "-c", holder, upstream.base_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None and process.stdout.readline().strip() == "recording"
            config = ProxyConfig(
                cassette_dir=cassettes, record_mode="rewrite", upstream=upstream.base_url, contracts="off"
            )
            with serve_proxy(config) as proxy:
                busy = httpx.get(proxy.base_url("shared") + "/assistants/asst_2")
                other = httpx.get(proxy.base_url("other") + "/assistants/asst_3")
        finally:
            assert process.stdin is not None
            process.stdin.write("\n")
            process.stdin.close()
            process.wait(timeout=30)
            assert process.stdout is not None
            process.stdout.close()
        with serve_proxy(config) as proxy:
            after = httpx.get(proxy.base_url("shared") + "/assistants/asst_4")
    assert busy.status_code == 423
    error = busy.json()["error"]
    assert error["type"] == "harness_cassette_busy"
    assert "already being recorded by harness proxy" in error["message"] and "shared.yaml" in error["message"]
    assert other.status_code == 200
    assert after.status_code == 200
    assert not list(cassettes.glob("*.lock"))
