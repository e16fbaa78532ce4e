"""Secrets planted by a hostile server (and sent by the client) never reach a written cassette.

Each secret of :data:`tests.security.secret_servers.PLANTED` is looked for in the file as written and in
every string and byte string of the file once loaded (so a ``!!binary`` body cannot hide one).
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness._yaml import load_yaml
from harness.recording import CassetteError, Recorder, RecorderConfig, Redactor
from harness.streams import check_stream, iter_events
from tests.security.secret_servers import (
    ARGUMENTS,
    JWT_BEARER,
    KEY_IN_BINARY,
    KEY_IN_QUERY,
    KEY_IN_RESPONSE_HEADER,
    KEY_IN_UPLOAD,
    KEY_IN_X_API_KEY,
    KEY_IN_ZSTD,
    MESSAGE_TEXT,
    PLANTED,
    SecretServer,
    sse_body,
)

pytestmark = pytest.mark.security


def strings_in(value: Any) -> list[str]:
    """Every string in a loaded cassette, byte strings decoded leniently."""
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in strings_in(key) + strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    if isinstance(value, bytes):
        return [value.decode("latin-1")]
    return [str(value)]


def assert_nothing_planted(path: Path) -> None:
    raw = path.read_bytes()
    loaded = "\n".join(strings_in(load_yaml(raw)))
    for secret in PLANTED:
        assert secret.encode() not in raw, f"{secret} is in {path.name}"
        assert secret not in loaded, f"{secret} is in {path.name} once loaded"


def record_everything(path: Path, server: SecretServer) -> None:
    headers = {"x-api-key": KEY_IN_X_API_KEY, "authorization": f"Bearer {JWT_BEARER}"}
    upload = b"\x89PNG\r\n\x1a\n\xff\xfe" + KEY_IN_UPLOAD.encode() + b"\x00\x80"
    with (
        Recorder(RecorderConfig(path=path, record_mode="once")) as recorder,
        httpx.Client(base_url=server.base_url + "/", headers=headers) as client,
    ):
        client.get("reason").raise_for_status()
        client.get("binary").raise_for_status()
        client.get("headers").raise_for_status()
        client.get("assistants", params={**KEY_IN_QUERY, "limit": "2"}).raise_for_status()
        client.post("files", files={"file": ("key.png", upload)}, data={"purpose": "assistants"})
        with client.stream("POST", "threads/thread_s/runs", json={"stream": True}) as response:
            response.read()
    recorder.save()
    assert server.uploads and KEY_IN_UPLOAD.encode() in server.uploads[0]  # the secret did travel


def test_no_planted_secret_reaches_the_cassette(tmp_path: Path) -> None:
    path = tmp_path / "planted.yaml"
    with SecretServer() as server:
        record_everything(path, server)
    assert_nothing_planted(path)
    document = load_yaml(path.read_bytes())
    uris = [item["request"]["uri"] for item in document["interactions"]]
    assert any("api-key=REDACTED&api_key=REDACTED&key=REDACTED&limit=2" in uri for uri in uris)
    binary = next(item for item in document["interactions"] if item["request"]["uri"].endswith("/binary"))
    assert binary["response"]["body"]["string"].startswith(b"\xff\xfe\x00binary sk-REDACTED")


def test_a_plain_vcrpy_cassette_replays_as_it_is_and_is_scrubbed_when_written_again(tmp_path: Path) -> None:
    """vcrpy writes secrets into its cassettes; replay serves them as the file holds them (as vcrpy
    would), and nothing of them reaches the file when the harness writes it again."""
    import vcr

    path = tmp_path / "vcrpy.yaml"
    headers = {"x-api-key": KEY_IN_X_API_KEY, "authorization": f"Bearer {JWT_BEARER}"}
    with SecretServer() as server:
        with (
            vcr.VCR().use_cassette(str(path)),
            httpx.Client(base_url=server.base_url + "/", headers=headers) as client,
        ):
            client.get("headers").raise_for_status()
            client.get("assistants", params={**KEY_IN_QUERY, "limit": "2"}).raise_for_status()
        written_by_vcrpy = path.read_text()
        assert JWT_BEARER in written_by_vcrpy and KEY_IN_RESPONSE_HEADER in written_by_vcrpy
        with (
            Recorder(RecorderConfig(path=path, record_mode="new_episodes")) as recorder,
            httpx.Client(base_url=server.base_url + "/", headers=headers) as client,
        ):
            replayed = client.get("headers")
            client.get("reason").raise_for_status()  # not in the cassette: recorded
        recorder.save()
    assert replayed.headers["x-api-key"] == KEY_IN_RESPONSE_HEADER  # served as the file held it
    document = load_yaml(path.read_bytes())
    assert [item["request"]["uri"].rsplit("/", 1)[-1] for item in document["interactions"]] == [
        "headers",
        "assistants?api-key=REDACTED&api_key=REDACTED&key=REDACTED&limit=2",
        "reason",
    ]
    assert_nothing_planted(path)


def test_a_key_streamed_in_pieces_is_scrubbed_and_the_deltas_still_add_up(tmp_path: Path) -> None:
    original = sse_body()
    assert [f.rule for f in check_stream(original)] == []  # the planted stream is a well-formed run
    path = tmp_path / "stream.yaml"
    with SecretServer() as server:
        record_everything(path, server)
    with Recorder(RecorderConfig(path=path, record_mode="none")), httpx.Client() as client:
        replayed = client.post(f"{server.base_url}/threads/thread_s/runs", json={"stream": True}).content
    assert b"STREAMEDplanted" not in replayed and b"ARGUMENTplanted" not in replayed
    assert [f.rule for f in check_stream(replayed)] == []  # text-deltas and function-arguments hold
    events = list(iter_events(replayed))
    text = "".join(
        block["text"]["value"]
        for name, data in events
        if name == "thread.message.delta"
        for block in data["delta"]["content"]
    )
    assert text == MESSAGE_TEXT.replace("sk-proj-STREAMEDplanted0123456789abcdef", "sk-REDACTED")
    arguments = "".join(
        call["function"]["arguments"]
        for name, data in events
        if name == "thread.run.step.delta"
        for call in data["delta"]["step_details"]["tool_calls"]
    )
    assert json.loads(arguments) == {**json.loads(ARGUMENTS), "api_key": "sk-REDACTED"}


def zstd_module_installed() -> bool:
    for name in ("compression.zstd", "zstandard"):
        try:
            if importlib.util.find_spec(name) is not None:
                return True
        except ModuleNotFoundError:
            continue
    return False


def test_a_zstd_body_is_stored_decoded_and_scrubbed_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "zstd.yaml"
    has_zstd = zstd_module_installed()
    with SecretServer() as server, Recorder(RecorderConfig(path=path, record_mode="once")) as recorder:
        if has_zstd:
            assert httpx.get(server.base_url + "/zstd").json() == {"note": KEY_IN_ZSTD}
        else:
            with pytest.raises(CassetteError, match=r"zstd-encoded and no zstd module.*Nothing of this"):
                httpx.get(server.base_url + "/zstd")
        httpx.get(server.base_url + "/assistants")
    recorder.save()
    assert_nothing_planted(path)
    stored = load_yaml(path.read_bytes())["interactions"]
    if has_zstd:
        assert stored[0]["response"]["body"]["string"] == '{"note": "sk-REDACTED"}'
        assert "content-encoding" not in {name.lower() for name in stored[0]["response"]["headers"]}
    else:
        assert [item["request"]["uri"].rsplit("/", 1)[1] for item in stored] == ["assistants"]


def test_an_undecodable_body_fails_the_recording_and_is_never_stored(tmp_path: Path) -> None:
    path = tmp_path / "br.yaml"
    with SecretServer() as server, Recorder(RecorderConfig(path=path, record_mode="once")) as recorder:
        with pytest.raises(CassetteError, match=r"cannot record GET .*/br-garbage into .*br\.yaml: the br"):
            httpx.get(server.base_url + "/br-garbage")
        httpx.get(server.base_url + "/assistants")
    recorder.save()
    assert KEY_IN_BINARY.encode() not in path.read_bytes()
    assert len(load_yaml(path.read_bytes())["interactions"]) == 1


FAILING_TEST = """
import os
import httpx

def test_calls(cassette):
    base = os.environ["SECRET_SERVER"]
    httpx.get(base + "/reason", headers={"x-api-key": os.environ["X_API_KEY"]})
    httpx.get(base + "/binary")
    httpx.get(base + "/assistants", params={"api_key": os.environ["QUERY_KEY"]})
    assert os.environ.get("FAIL") != "1"
"""


def test_a_failed_recording_is_scrubbed_the_same(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_failing=FAILING_TEST)
    monkeypatch.setenv("X_API_KEY", KEY_IN_X_API_KEY)
    monkeypatch.setenv("QUERY_KEY", KEY_IN_QUERY["api_key"])
    with SecretServer() as server:
        monkeypatch.setenv("SECRET_SERVER", server.base_url)
        pytester.runpytest_subprocess("--contracts=off", "--record-mode=once").assert_outcomes(passed=1)
        monkeypatch.setenv("FAIL", "1")
        pytester.runpytest_subprocess("--contracts=off", "--record-mode=rewrite").assert_outcomes(failed=1)
    folder = pytester.path / "cassettes" / "test_failing"
    written = sorted(path.name for path in folder.iterdir())
    assert written == ["test_calls.failed.yaml", "test_calls.yaml"]
    for name in written:
        assert_nothing_planted(folder / name)


@settings(max_examples=60, deadline=None)
@given(
    secret=st.from_regex(r"sk-[A-Za-z0-9_\-]{16,30}", fullmatch=True),
    before=st.text(alphabet=" .,:abc", max_size=8),
    after=st.text(alphabet=" .,:abc", max_size=8),
    cuts=st.lists(st.integers(min_value=0, max_value=60), max_size=8),
)
def test_pieces_of_a_split_secret_add_up_to_the_scrubbed_whole(
    secret: str, before: str, after: str, cuts: list[int]
) -> None:
    whole = before + " " + secret + after
    positions = sorted({0, len(whole), *(cut for cut in cuts if cut < len(whole))})
    pieces = [whole[start:end] for start, end in itertools.pairwise(positions)]
    redactor = Redactor()
    scrubbed = redactor.pieces(pieces)
    assert len(scrubbed) == len(pieces)
    assert "".join(scrubbed) == redactor.text(whole)
    assert secret[3:] not in "".join(scrubbed)


_FRAGMENTS = (
    "sk-",
    "sk-proj-abcdefghijklmnop1234",
    "Bearer ",
    "bEaReR abcdefgh12345678",
    "?api_key=",
    "&TOKEN=",
    ";access_token=",
    "key=",
    "org-",
    "ORG-abcdefghijklmnopq",
    "proj_",
    "proj_ABCDEFGHIJKLMNOPQ",
    "eyJabcd.eyJefgh.sig",
    "eyJ",
    "=",
    "ı",  # folds to "i" in the patterns' case-insensitive matching, not in str.lower()
    "\u212a",  # KELVIN SIGN, folds to "k"
    "ſ",  # LATIN SMALL LETTER LONG S, folds to "s"
    "REDACTED",
    " ",
    "x",
    "0123456789abcdef",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=8)), max_size=12))
def test_scrubbing_text_is_every_built_in_pattern_applied_in_turn(pieces: list[str]) -> None:
    """The redactor's shortcut for text no pattern can match never changes what scrubbing gives."""
    import re

    from harness.recording._redaction import _BUILTIN_PATTERNS

    value = "".join(pieces)
    expected = value
    for pattern, replacement in _BUILTIN_PATTERNS:
        expected = re.sub(pattern, replacement, expected)
    assert Redactor().text(value) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_FRAGMENTS).map(lambda text: text.encode("utf-8")),
            st.binary(max_size=8),
        ),
        max_size=12,
    )
)
def test_scrubbing_bytes_is_every_built_in_pattern_applied_in_turn(pieces: list[bytes]) -> None:
    """The same for bodies that are not UTF-8 text (gzip bodies of vcrpy cassettes, uploads)."""
    import re

    from harness.recording._redaction import _BUILTIN_PATTERNS, _bytes_pattern

    value = b"".join(pieces)
    expected = value
    for pattern, replacement in _BUILTIN_PATTERNS:
        expected = _bytes_pattern(re.compile(pattern)).sub(replacement.encode("utf-8"), expected)
    assert Redactor().binary(value) == expected
