"""Cassette names: URL-encoded or not, never outside the cassette folder."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.proxy import CassetteNameError, cassette_name, split_target
from harness.proxy._names import cassette_path


@pytest.mark.parametrize(
    ("raw", "name", "path"),
    [
        ("/cassettes/simple/v1/threads", "simple", "/v1/threads"),
        ("/cassettes/team/suite/case/v1/threads/t_1/runs", "team/suite/case", "/v1/threads/t_1/runs"),
        ("/cassettes/team%2Fsuite/v1/assistants", "team/suite", "/v1/assistants"),
        ("/cassettes/a.yaml/v1/files", "a", "/v1/files"),
        ("/cassettes/a.json/v1/files", "a.json", "/v1/files"),
        ("/cassettes/./x/v1", "x", "/v1"),
    ],
)
def test_names_from_the_url(raw: str, name: str, path: str) -> None:
    target = split_target(raw, None)
    assert (target.name, target.path) == (name, path)


def test_the_header_names_the_cassette_when_the_url_does_not() -> None:
    target = split_target("/v1/threads", "suite%2Fcase")
    assert (target.name, target.path) == ("suite/case", "/v1/threads")


@pytest.mark.parametrize(
    "raw",
    ["../escape", "a/../../b", "%2E%2E/x", "/etc/passwd", "%2Fetc%2Fpasswd", "C:/x", "a\\b", "", "a%00b"],
)
def test_names_that_leave_the_folder_are_refused(raw: str) -> None:
    with pytest.raises(CassetteNameError, match=r"cassette name|empty"):
        cassette_name(raw)


def test_no_name_at_all_says_how_to_give_one() -> None:
    with pytest.raises(CassetteNameError, match="x-harness-cassette"):
        split_target("/v1/threads", None)
    with pytest.raises(CassetteNameError, match="/v1"):
        split_target("/cassettes/name/threads", None)


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cassettes").mkdir()
    (tmp_path / "cassettes" / "out").symlink_to(tmp_path)
    with pytest.raises(CassetteNameError, match="outside"):
        cassette_path(tmp_path / "cassettes", "out/secret")


@given(st.lists(st.text(alphabet="ab./%2E", min_size=1, max_size=6), min_size=1, max_size=4))
def test_every_accepted_name_stays_inside_the_folder(parts: list[str]) -> None:
    root = Path("/tmp/cassette-root")
    try:
        name = cassette_name("/".join(parts))
    except CassetteNameError:
        return
    assert cassette_path(root, name).is_relative_to(root.resolve())


def test_the_server_answers_a_refused_name_with_400(start_proxy) -> None:  # type: ignore[no-untyped-def]
    with start_proxy(upstream="http://127.0.0.1:9") as proxy:
        for path in ("/cassettes/..%2F..%2Fetc/v1/assistants", "/cassettes/%2Fetc/v1/assistants"):
            response = httpx.get(proxy.url + path)
            assert response.status_code == 400, path
            assert response.json()["error"]["type"] == "harness_bad_cassette_name"
        response = httpx.get(proxy.url + "/v1/assistants")
        assert response.status_code == 400
        assert "x-harness-cassette" in response.json()["error"]["message"]
