"""The recorder driven by the openai SDK against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import openai
import pytest
import yaml

from harness.recording import (
    CassetteNotFoundError,
    CorruptCassetteError,
    Recorder,
    RecorderConfig,
    UnmatchedRequestError,
)
from tests.stub_api import StubAPI, sse_events


def client(base_url: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key="sk-test-key-for-recording-0000", max_retries=0)


def record(path: Path, mode: str = "once") -> Recorder:
    return Recorder(RecorderConfig(path=path, record_mode=mode))  # type: ignore[arg-type]


def test_json_response_is_recorded_and_replayed_without_the_server(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, record(path) as recorder:
        assert client(stub.base_url).beta.assistants.retrieve("asst_abc").name == "Stub"
    assert recorder.save() == path
    with record(path, "none") as replay:
        again = client("http://127.0.0.1:9/v1").beta.assistants.retrieve("asst_abc")
    assert again.id == "asst_abc" and again.name == "Stub"
    assert [i.plays for i in replay.cassette.interactions] == [1]  # type: ignore[union-attr]


def test_compressed_bodies_are_stored_decoded_as_readable_text(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, record(path) as recorder:
        client(stub.base_url).beta.assistants.retrieve("asst_abc")
    recorder.save()
    text = path.read_text()
    assert "!!binary" not in text
    stored = yaml.safe_load(text)["interactions"][0]["response"]
    assert "content-encoding" not in {name.lower() for name in stored["headers"]}
    assert '"name": "Stub"' in stored["body"]["string"]
    assert stored["headers"]["content-length"] == [str(len(stored["body"]["string"].encode()))]


def test_stream_reaches_the_caller_while_the_server_is_still_sending(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    seen_before_end: list[bool] = []
    # 0.3 s between events leaves the SDK time to build its event models on a loaded machine (pydantic
    # 2.7 takes a while to build them on first use); a tee that buffered would still wait ~2 s.
    with StubAPI(event_pause=0.3) as stub, record(path) as recorder:
        stream = client(stub.base_url).beta.threads.runs.create(
            thread_id="thread_1", assistant_id="asst_1", stream=True, metadata={"deltas": "4"}
        )
        for _event in stream:
            seen_before_end.append(stub.streams_finished == 0)
        deadline = time.monotonic() + 5  # the server counts the stream once its handler returns
        while stub.streams_finished == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stub.streams_finished == 1
    recorder.save()
    assert seen_before_end[0] is True, "the first event only arrived after the stream had ended"
    assert len(seen_before_end) == len(sse_events(4)) - 1  # the SDK swallows `done`


def test_caller_that_stops_early_is_not_held_up_and_keeps_what_it_saw(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI(event_pause=0.2) as stub, record(path) as recorder:
        stream = client(stub.base_url).beta.threads.runs.create(
            thread_id="thread_1", assistant_id="asst_1", stream=True, metadata={"deltas": "20"}
        )
        first = next(iter(stream))
        stream.close()
        assert stub.streams_finished == 0, "closing early waited for the whole stream"
    recorder.save()
    assert first.event == "thread.run.created"
    stored = yaml.safe_load(path.read_text())["interactions"][0]
    assert stored["harness"]["closed_early"] is True
    assert stored["response"]["body"]["string"].startswith("event: thread.run.created\n")


@pytest.mark.parametrize("module_name", ["httpx", "httpx2"])
def test_replayed_stream_arrives_one_event_per_chunk(tmp_path: Path, module_name: str) -> None:
    module = pytest.importorskip(module_name)
    path = tmp_path / "c.yaml"
    with StubAPI(event_pause=0.0) as stub, record(path) as recorder, module.Client() as http:
        http.post(stub.base_url + "/threads/t/runs", json={"stream": True}).read()
    recorder.save()
    with (
        record(path, "none"),
        module.Client() as http,
        http.stream("POST", "http://elsewhere.invalid/v1/threads/t/runs", json={"stream": True}) as response,
    ):
        chunks = list(response.iter_raw())
    assert chunks == sse_events(3)


def test_polls_replay_in_order_then_the_last_repeats_and_nothing_sleeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, record(path) as recorder:
        run = client(stub.base_url).beta.threads.runs.create_and_poll(
            thread_id="thread_1", assistant_id="asst_1", poll_interval_ms=1
        )
    recorder.save()
    assert run.status == "completed"
    polls = [i for i in recorder.cassette.interactions if i.request["method"] == "GET"]  # type: ignore[union-attr]
    assert len(polls) == 4

    sleeps: list[float] = []
    real_sleep = time.sleep
    monkeypatch.setattr(time, "sleep", lambda seconds: (sleeps.append(seconds), real_sleep(0))[1])
    with record(path, "none") as replay:
        sdk = client("http://127.0.0.1:9/v1")
        replayed = sdk.beta.threads.runs.create_and_poll(thread_id="thread_1", assistant_id="asst_1")
        extra = sdk.beta.threads.runs.retrieve("run_stub", thread_id="thread_1")
    assert replayed.status == "completed" and extra.status == "completed"
    assert [i.plays for i in replay.cassette.interactions] == [1, 1, 1, 1, 2]  # type: ignore[union-attr]
    assert sleeps == [], f"replay slept {sleeps}"


def test_unmatched_request_fails_closed_naming_the_closest_recorded_one(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, record(path) as recorder:
        client(stub.base_url).beta.assistants.update("asst_abc", name="First")
    recorder.save()
    with StubAPI() as stub, record(path, "none") as replay:
        # openai 3.x lets the error through; 1.x/2.x wrap it in APIConnectionError.
        with pytest.raises((UnmatchedRequestError, openai.APIConnectionError)) as raised:
            client(stub.base_url).beta.assistants.update("asst_abc", name="Second")
        assert stub.requests == [], "replay reached the network"
    error = raised.value if isinstance(raised.value, UnmatchedRequestError) else raised.value.__cause__
    assert replay.errors == [error]
    message = str(error)
    assert str(path) in message
    assert "POST /v1/assistants/asst_abc" in message
    assert 'name: recorded "First", sent "Second"' in message
    assert "--record-mode" in message or "pytest" in message


def test_missing_cassette_in_replay_mode_fails_at_the_first_request_and_says_how_to_record(
    tmp_path: Path,
) -> None:
    path = tmp_path / "absent.yaml"
    config = RecorderConfig(path=path, rerecord_hint="pytest t.py --record-mode=once")
    with Recorder(config) as recorder:  # no request yet: nothing to complain about
        pass
    assert recorder.errors == [] and recorder.save() is None and not path.exists()
    with StubAPI() as stub, Recorder(config) as replay:
        with pytest.raises((CassetteNotFoundError, openai.APIConnectionError)):
            client(stub.base_url).beta.assistants.retrieve("asst_abc")
        assert stub.requests == [], "replay reached the network"
    [error] = replay.errors
    assert isinstance(error, CassetteNotFoundError)
    assert str(path) in str(error) and "--record-mode=once" in str(error)
    assert "GET /v1/assistants/asst_abc" in str(error)


def test_corrupt_cassette_is_reported_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("interactions: [ {request: \n  - nope")
    before = path.read_bytes()
    for mode in ("none", "new_episodes", "all"):
        with pytest.raises(CorruptCassetteError, match=r"broken\.yaml"):
            record(path, mode).__enter__()
    assert path.read_bytes() == before


def test_failed_run_never_overwrites_the_previous_cassette(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, record(path) as recorder:
        client(stub.base_url).beta.assistants.retrieve("asst_good")
    recorder.save()
    before = path.read_bytes()
    with StubAPI() as stub, record(path, "all") as again:
        client(stub.base_url).beta.assistants.retrieve("asst_other")
    written = again.save(passed=False)
    assert path.read_bytes() == before
    assert written == tmp_path / "c.failed.yaml"
    assert "asst_other" in written.read_text()


def test_async_client_records_and_replays_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"

    async def run(base_url: str) -> list[str]:
        sdk = openai.AsyncOpenAI(base_url=base_url, api_key="sk-test", max_retries=0)
        stream = await sdk.beta.threads.runs.create(thread_id="t", assistant_id="a", stream=True)
        names = [event.event async for event in stream]
        await sdk.close()
        return names

    with StubAPI(event_pause=0.0) as stub, record(path) as recorder:
        recorded = asyncio.run(run(stub.base_url))
    recorder.save()
    with record(path, "none"):
        replayed = asyncio.run(run("http://127.0.0.1:9/v1"))
    assert recorded == replayed
    assert recorded[0] == "thread.run.created" and recorded[-1] == "thread.run.completed"


def test_new_episodes_replays_known_requests_and_appends_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    with StubAPI() as stub, record(path) as recorder:
        client(stub.base_url).beta.assistants.retrieve("asst_a")
    recorder.save()
    with StubAPI() as stub, record(path, "new_episodes") as again:
        client(stub.base_url).beta.assistants.retrieve("asst_a")
        client(stub.base_url).beta.assistants.retrieve("asst_b")
        assert [request[1] for request in stub.requests] == ["/v1/assistants/asst_b"]
    again.save()
    uris = [i["request"]["uri"] for i in yaml.safe_load(path.read_text())["interactions"]]
    assert [uri.rsplit("/", 1)[-1] for uri in uris] == ["asst_a", "asst_b"]
