"""What a downstream project meets when recordings go wrong: cut streams, silent servers, corrupt or
odd cassettes, failed first recordings, two recordings of one file, non-ASCII headers, file modes."""

from __future__ import annotations

import asyncio
import fnmatch
import os
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import yaml

from harness.recording import (
    CassetteError,
    CassetteNotFoundError,
    CorruptCassetteError,
    Recorder,
    RecorderConfig,
)
from harness.recording._locks import CassetteLockedError, CassetteLocks, lock_path
from harness.recording._recorder import RecordTimeoutError
from harness.server import serve_in_thread
from harness.verify import cassette_files, check_exchange
from tests.stub_api import StubAPI

CUT = {"x-harness-fault": "cut-after=5"}


def sdk(base_url: str, **options: object) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="sk-test-key-for-recording-0000", **options)  # type: ignore[arg-type]


def recorder(path: Path, mode: str = "once", **options: object) -> Recorder:
    return Recorder(RecorderConfig(path=path, record_mode=mode, **options), check=check_exchange)  # type: ignore[arg-type]


def recorded_cassette(path: Path) -> Path:
    """A cassette of two JSON interactions recorded from the stub API."""
    with StubAPI() as stub, recorder(path) as rec:
        client = sdk(stub.base_url, max_retries=0)
        client.beta.assistants.retrieve("asst_one")
        client.beta.assistants.retrieve("asst_two")
    assert rec.save() == path
    return path


# -- corrupt cassettes name the file and the interaction --------------------------------------------


def _break_second(path: Path, where: str, value: object) -> None:
    document = yaml.safe_load(path.read_text())
    target = document["interactions"][1]
    *parents, last = where.split(".")
    for key in parents:
        target = target[key]
    target[last] = value
    path.write_text(yaml.safe_dump(document, allow_unicode=True))


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        ("response.body.string", '{"id": "asst_two", ', "not valid JSON"),
        ("response.status", 200, "response.status: expected a mapping like {code: 200, *seen int 200"),
        ("response.status.code", "abc", "status.code: expected an HTTP status number*seen text 'abc'"),
        ("response.body.string", 5, "response.body.string: expected text or !!binary bytes, seen int 5"),
        ("response.body", "hello", "response.body: expected a mapping like {string: ...}, seen text 'hello'"),
        ("request.uri", None, "request.uri: expected text, seen nothing"),
        ("response.headers", ["x"], "response.headers: expected a mapping"),
        ("harness", {"error": "cut"}, "harness.error: expected a mapping with 'type' and 'message'"),
    ],
)
def test_a_damaged_interaction_is_reported_at_load_with_the_file_the_index_and_what_was_seen(
    tmp_path: Path, where: str, value: object, expected: str
) -> None:
    path = recorded_cassette(tmp_path / "c.yaml")
    _break_second(path, where, value)
    before = path.read_bytes()
    for mode in ("none", "once", "new_episodes", "all"):
        with pytest.raises(CorruptCassetteError) as raised:
            recorder(path, mode).__enter__()
        message = str(raised.value)
        assert f"cassette {path}, interaction #1:" in message
        assert fnmatch.fnmatch(message, f"*{expected}*")
        assert raised.value.cassette == path and raised.value.interaction == 1
    assert path.read_bytes() == before


def test_a_cassette_path_that_is_a_directory_is_reported_before_anything_runs(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.mkdir()
    for mode in ("none", "once", "rewrite"):
        with pytest.raises(CorruptCassetteError, match=r"c\.yaml is a directory"):
            recorder(path, mode).__enter__()


def test_a_failed_recording_is_never_used_as_a_cassette_and_verify_walks_past_it(tmp_path: Path) -> None:
    good = recorded_cassette(tmp_path / "c.yaml")
    failed = tmp_path / "c.failed.yaml"
    failed.write_bytes(good.read_bytes())
    with pytest.raises(CassetteError, match=r"c\.failed\.yaml is the recording of a test that failed"):
        recorder(failed, "none").__enter__()
    assert cassette_files([tmp_path]) == [good]


# -- missing, empty and failed first recordings -----------------------------------------------------


def test_recording_without_requests_writes_an_empty_cassette_that_replays(tmp_path: Path) -> None:
    path = tmp_path / "quiet.yaml"
    with recorder(path, "once") as rec:
        pass
    assert rec.save() == path
    assert yaml.safe_load(path.read_text())["interactions"] == []
    with recorder(path, "none") as replay:
        pass
    assert replay.errors == [] and replay.save() is None


def test_rewrite_without_requests_empties_the_cassette(tmp_path: Path) -> None:
    path = recorded_cassette(tmp_path / "c.yaml")
    with recorder(path, "rewrite") as rec:
        pass
    rec.save()
    assert yaml.safe_load(path.read_text())["interactions"] == []


def test_a_failed_first_recording_goes_beside_the_cassette_and_once_records_again(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, recorder(path) as rec:
        sdk(stub.base_url, max_retries=0).beta.assistants.retrieve("asst_half")
    assert rec.save(passed=False) == tmp_path / "c.failed.yaml"
    assert not path.exists()
    assert "asst_half" in (tmp_path / "c.failed.yaml").read_text()
    with recorder(path, "none") as replay, pytest.raises((CassetteNotFoundError, openai.APIConnectionError)):
        sdk("http://127.0.0.1:9/v1", max_retries=0).beta.assistants.retrieve("asst_half")
    assert f"The last recording failed and is kept, never replayed, in {tmp_path / 'c.failed.yaml'}" in str(
        replay.errors[0]
    )
    with StubAPI() as stub, recorder(path) as again:
        assert not again.cassette.replay_only  # type: ignore[union-attr]
        sdk(stub.base_url, max_retries=0).beta.assistants.retrieve("asst_whole")
        assert len(stub.requests) == 1
    assert again.save() == path
    assert not (tmp_path / "c.failed.yaml").exists(), "a passing recording leaves no stale .failed file"


def test_a_connection_error_while_recording_leaves_an_empty_failed_recording(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with recorder(path) as rec, pytest.raises(openai.APIConnectionError):
        sdk(f"http://127.0.0.1:{port}/v1", max_retries=0).beta.assistants.retrieve("asst_x")
    assert rec.save(passed=False) == tmp_path / "c.failed.yaml"
    assert not path.exists()
    assert yaml.safe_load((tmp_path / "c.failed.yaml").read_text())["interactions"] == []


# -- file modes -------------------------------------------------------------------------------------


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
def test_rewriting_a_cassette_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    path = recorded_cassette(tmp_path / "c.yaml")
    path.chmod(mode)
    with StubAPI() as stub, recorder(path, "rewrite") as rec:
        sdk(stub.base_url, max_retries=0).beta.assistants.retrieve("asst_new")
    rec.save()
    assert stat.S_IMODE(path.stat().st_mode) == mode


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_a_new_cassette_gets_the_umask_default_not_0600(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = recorded_cassette(tmp_path / "c.yaml")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# -- non-ASCII headers ------------------------------------------------------------------------------


@pytest.fixture
def resume_server() -> Iterator[str]:
    """A 127.0.0.1 server answering every request with a UTF-8 ``content-disposition`` header."""
    listener = socket.create_server(("127.0.0.1", 0))
    body = b'{"id": "file-abc", "object": "file"}'
    answer = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + 'content-disposition: attachment; filename="résumé.txt"\r\n'.encode()
        + b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(body), body)
    )

    def serve() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.mark.parametrize("module_name", ["httpx", "httpx2"])
def test_a_non_ascii_response_header_records_and_replays(
    tmp_path: Path, resume_server: str, module_name: str
) -> None:
    module = pytest.importorskip(module_name)
    path = tmp_path / "c.yaml"
    with recorder(path) as rec, module.Client() as http:
        live = http.get(resume_server + "/download").headers["content-disposition"]
    rec.save()
    assert live == 'attachment; filename="résumé.txt"'
    assert "résumé.txt" in path.read_text(encoding="utf-8")
    with recorder(path, "none"), module.Client() as http:
        replayed = http.get("http://127.0.0.1:9/download")
    assert replayed.headers["content-disposition"] == live
    assert replayed.json()["id"] == "file-abc"


# -- cut streams ------------------------------------------------------------------------------------


def _stream_events(client: openai.OpenAI) -> tuple[list[str], BaseException | None]:
    assistant = client.beta.assistants.create(model="gpt-4o", name="cut")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "hello"}])
    seen: list[str] = []
    try:
        with client.beta.threads.runs.stream(
            thread_id=thread.id, assistant_id=assistant.id, extra_headers=CUT
        ) as stream:
            for event in stream:
                seen.append(event.event)
    except Exception as error:
        return seen, error
    return seen, None


def test_a_stream_cut_by_the_server_replays_the_same_error_after_the_same_events(tmp_path: Path) -> None:
    path = tmp_path / "cut.yaml"
    with serve_in_thread() as server, recorder(path) as rec:
        live_events, live_error = _stream_events(sdk(server.base_url, max_retries=0))
    assert rec.save() == path
    assert len(live_events) == 5 and live_error is not None
    stored = yaml.safe_load(path.read_text())["interactions"][-1]["harness"]
    assert stored["error"]["type"] == type(live_error).__name__ == "RemoteProtocolError"
    assert "closed_early" not in stored
    # The grammar checked the five events; the missing end is reported as a cut, not as broken rules.
    assert not [f for f in rec.findings if f.rule in ("stream.done-last", "run.single-terminal")]
    assert any("the stream was cut after 5 event(s) by RemoteProtocolError" in note for note in rec.notes)

    with recorder(path, "none") as replay:
        events, error = _stream_events(sdk("http://127.0.0.1:9/v1", max_retries=0))
    assert events == live_events
    assert type(error) is type(live_error)
    assert str(live_error) in str(error) and f"cassette {path}, interaction #" in str(error)
    assert replay.errors == [] and replay.failing_findings() == []


def test_a_cut_stream_replays_its_error_to_an_async_client(tmp_path: Path) -> None:
    path = tmp_path / "cut.yaml"

    async def run(base_url: str) -> tuple[int, str]:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
        assistant = await client.beta.assistants.create(model="gpt-4o")
        thread = await client.beta.threads.create(messages=[{"role": "user", "content": "hi"}])
        count = 0
        try:
            stream = await client.beta.threads.runs.create(
                thread_id=thread.id, assistant_id=assistant.id, stream=True, extra_headers=CUT
            )
            async for _event in stream:
                count += 1
        except Exception as error:
            return count, type(error).__name__
        finally:
            await client.close()
        return count, "no error"

    with serve_in_thread() as server, recorder(path) as rec:
        live = asyncio.run(run(server.base_url))
    rec.save()
    with recorder(path, "none"):
        replayed = asyncio.run(run("http://127.0.0.1:9/v1"))
    # openai 3.x's async client wraps the transport error, 1.x/2.x let it through
    assert live in {(5, "APIConnectionError"), (5, "RemoteProtocolError")}
    assert replayed == live


# -- record timeout ---------------------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A 127.0.0.1 server that accepts connections and never answers; yields its URL and connections."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1", accepted
    listener.close()
    for connection in accepted:
        connection.close()


def test_recording_against_a_server_that_never_answers_times_out_naming_the_request(
    tmp_path: Path, silent_server: tuple[str, list[socket.socket]]
) -> None:
    url, accepted = silent_server
    path = tmp_path / "c.yaml"
    with recorder(path, record_timeout=0.3) as rec:
        client = sdk(url, max_retries=2)  # the SDK's own timeout is 600 s
        with pytest.raises((RecordTimeoutError, openai.APIConnectionError)) as raised:
            client.beta.assistants.retrieve("asst_slow")
    error = raised.value if isinstance(raised.value, RecordTimeoutError) else rec.errors[0]
    assert isinstance(error, RecordTimeoutError)
    message = str(error)
    assert "for 0.3 s while recording GET /v1/assistants/asst_slow" in message
    assert str(path) in message and "record_timeout" in message
    assert len(accepted) == 1, "the SDK's retries of a timed-out request waited again"
    assert rec.explain(raised.value) is error


def test_a_stream_that_stalls_while_recording_times_out_naming_the_request(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def serve() -> None:
        connection, _ = listener.accept()
        held.append(connection)
        connection.recv(65536)
        event = b"event: thread.run.created\ndata: {}\n\n"
        connection.sendall(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
            + b"%x\r\n%s\r\n" % (len(event), event)
        )

    threading.Thread(target=serve, daemon=True).start()
    path = tmp_path / "c.yaml"
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1/threads/t/runs"
        with (
            recorder(path, record_timeout=0.3) as rec,
            httpx.Client() as http,
            pytest.raises(RecordTimeoutError, match=r"POST /v1/threads/t/runs"),
            http.stream("POST", url, json={}) as response,
        ):
            for _chunk in response.iter_raw():
                pass
    finally:
        listener.close()
        for connection in held:
            connection.close()
    assert rec.errors and isinstance(rec.errors[0], RecordTimeoutError)


# -- new_episodes against a fresh server ------------------------------------------------------------


def test_new_episodes_404_for_a_replayed_id_carries_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    config = {"rerecord_hint": "pytest 'tests/t.py::test_x' --record-mode=rewrite"}
    with serve_in_thread() as server, recorder(path, **config) as rec:
        sdk(server.base_url, max_retries=0).beta.assistants.create(model="gpt-4o", name="first")
    rec.save()
    with serve_in_thread() as fresh, recorder(path, "new_episodes", **config) as again:
        client = sdk(fresh.base_url, max_retries=0)
        assistant = client.beta.assistants.create(model="gpt-4o", name="first")  # replayed
        with pytest.raises(openai.NotFoundError) as raised:
            client.beta.assistants.update(assistant.id, name="second")  # recorded: unknown to `fresh`
    assert again.explain(raised.value) is None
    [hint] = raised.value.__notes__
    assert f"The id {assistant.id!r} comes from a replayed response (interaction #0 of {path})" in hint
    assert "--record-mode=rewrite" in hint


# -- two recordings of one cassette -----------------------------------------------------------------


def test_two_recordings_of_one_cassette_fail_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    locks = CassetteLocks()
    first = Recorder(RecorderConfig(path=path, record_mode="all", owner="t.py::test_a"), locks=locks)
    second = Recorder(RecorderConfig(path=path, record_mode="all", owner="t.py::test_b"), locks=locks)
    with first, pytest.raises(CassetteLockedError) as raised:
        second.__enter__()
    message = str(raised.value)
    assert f"cassette {path} is already being recorded by t.py::test_a (pid {os.getpid()})" in message
    assert f"t.py::test_b (pid {os.getpid()}) wants to record into the same file" in message
    first.save()
    assert lock_path(path).exists(), "the session's locks are held until the session releases them"
    locks.release_all()
    assert not lock_path(path).exists()
    with Recorder(RecorderConfig(path=path, record_mode="all", owner="t.py::test_b")) as alone:
        assert lock_path(path).exists()
    alone.save()
    assert not lock_path(path).exists(), "a recorder with its own locks releases on save"


def test_a_lock_left_by_a_process_that_ended_is_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    script = (
        "import sys; from pathlib import Path; from harness.recording._locks import CassetteLocks; "
        "CassetteLocks().acquire(Path(sys.argv[1]), 'crashed::test')"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)
    assert "crashed::test" in lock_path(path).read_text()
    with recorder(path, "rewrite", owner="next::test") as rec:
        assert "next::test" in lock_path(path).read_text()
    rec.save()
    assert not lock_path(path).exists()
