"""The public face of ``harness.proxy``: a pinned, sorted ``__all__``; hostile cassette files."""

from __future__ import annotations

from pathlib import Path

import httpx

import harness.proxy
from tests.proxy.conftest import ProxyFactory

EXPECTED = [
    "CASSETTE_HEADER",
    "CassetteLockedError",
    "CassetteNameError",
    "CassetteSession",
    "Pace",
    "ProxyConfig",
    "ProxyState",
    "RunningProxy",
    "cassette_name",
    "create_proxy_app",
    "serve_proxy",
    "split_target",
]


def test_all_is_pinned_and_sorted() -> None:
    assert harness.proxy.__all__ == EXPECTED == sorted(EXPECTED)
    assert all(getattr(harness.proxy, name) is not None for name in EXPECTED)


def test_a_corrupt_cassette_is_a_400_and_stays_untouched(start_proxy: ProxyFactory, tmp_path: Path) -> None:
    folder = tmp_path / "cassettes"
    folder.mkdir()
    broken = folder / "broken.yaml"
    broken.write_text("interactions: [ {request: \n")
    with start_proxy(record_mode="new_episodes", upstream="http://127.0.0.1:9") as proxy:
        response = httpx.get(proxy.base_url("broken") + "/assistants")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "harness_corrupt_cassette" and "broken.yaml" in error["message"]
    assert broken.read_text() == "interactions: [ {request: \n"
    assert not list(folder.glob("*.lock"))
