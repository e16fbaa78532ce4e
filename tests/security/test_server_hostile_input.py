"""The embedded server answers hostile input with the API's 400, never a 5xx, and changes nothing.

Every test talks to a real server on 127.0.0.1. An answer is checked for the hosted API's error shape
(``error.type``, ``message``, ``param``, ``code``), and the server's whole state is compared before and
after: a request answered with an error leaves no trace.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.contracts._routes import ROUTES
from harness.server import RunningServer, serve_in_thread

pytestmark = pytest.mark.security

_STATE_FIELDS = (
    "assistants",
    "threads",
    "messages",
    "runs",
    "steps",
    "files",
    "file_bytes",
    "vector_stores",
    "vector_store_files",
    "file_batches",
)


def snapshot(server: RunningServer) -> dict[str, Any]:
    store = server.app.state.server.store
    return copy.deepcopy({name: getattr(store, name) for name in _STATE_FIELDS})


def assert_api_error(response: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error" and error["message"]
    return dict(error)


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with serve_in_thread() as running:
        yield running


@pytest.fixture(scope="module")
def http(server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url + "/", timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def ids(http: httpx.Client) -> dict[str, str]:
    """Real objects to aim at: an assistant, a thread with a message, a finished run, a vector store."""
    assistant = http.post("assistants", json={"model": "gpt-4o-mini"}).json()["id"]
    thread = http.post("threads", json={}).json()["id"]
    message = http.post(f"threads/{thread}/messages", json={"role": "user", "content": "hi"}).json()["id"]
    run = http.post(f"threads/{thread}/runs", json={"assistant_id": assistant}).json()["id"]
    store = http.post("vector_stores", json={}).json()["id"]
    return {
        "assistant_id": assistant,
        "thread_id": thread,
        "message_id": message,
        "run_id": run,
        "step_id": "step_unknown",
        "vector_store_id": store,
        "file_id": "file_unknown",
        "batch_id": "vsfb_unknown",
    }


HOSTILE_BODIES = [
    pytest.param(b'{"model": "gpt-4o-mini", "temperature": NaN}', id="nan"),
    pytest.param(b'{"model": "gpt-4o-mini", "temperature": Infinity}', id="infinity"),
    pytest.param(b'{"model": "gpt-4o-mini", "top_p": -Infinity}', id="minus-infinity"),
    pytest.param(
        b'{"model": "gpt-4o-mini", "metadata": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", id="deep"
    ),
    pytest.param(b'{"model": "gpt-4o-mini", "name": "\\ud800"}', id="lone-surrogate"),
    pytest.param(b'{"model": "gpt-4o-mini", "name": "\xff\xfe"}', id="not-utf-8"),
    pytest.param(b'{"model": "gpt-4o-mini", "name": "' + b"a" * (9 * 1024 * 1024) + b'"}', id="oversized"),
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_hostile_json_is_a_400_and_stores_nothing(
    server: RunningServer, http: httpx.Client, ids: dict[str, str], body: bytes
) -> None:
    before = snapshot(server)
    response = http.post("assistants", content=body, headers={"content-type": "application/json"})
    assert_api_error(response)
    assert snapshot(server) == before
    listed = http.get("assistants")
    assert listed.status_code == 200  # a NaN once stored made every later list a 500


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            b'--xyz\r\nContent-Disposition: form-data; name="file"\r\n\r\nno end', id="unterminated"
        ),
        pytest.param(b"\xff\xfe\x00garbage", id="garbage"),
        pytest.param(b"", id="empty"),
    ],
)
def test_malformed_multipart_is_a_400(server: RunningServer, http: httpx.Client, content: bytes) -> None:
    before = snapshot(server)
    response = http.post(
        "files", content=content, headers={"content-type": "multipart/form-data; boundary=xyz"}
    )
    assert_api_error(response)
    assert snapshot(server) == before


@pytest.mark.parametrize(
    "spec",
    ["status=99", "status=700", "99", "retry-after=nan", "retry-after=inf", "times=-1", "slow=x", "cut"],
)
def test_malformed_fault_specs_are_a_400_naming_the_header(http: httpx.Client, spec: str) -> None:
    error = assert_api_error(http.get("assistants", headers={"x-harness-fault": spec}))
    assert error["param"] == "x-harness-fault"
    assert spec in error["message"]


def test_a_well_formed_fault_still_works(http: httpx.Client) -> None:
    response = http.get("assistants", headers={"x-harness-fault": "status=429;retry-after=0"})
    assert response.status_code == 429 and response.headers["retry-after"] == "0"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
FIELD_NAMES = st.sampled_from(
    [
        "model",
        "name",
        "temperature",
        "metadata",
        "role",
        "content",
        "assistant_id",
        "tools",
        "stream",
        "file_ids",
    ]
)


def body_for(draw: st.DrawFn) -> tuple[bytes, str]:
    kind = draw(st.sampled_from(["object", "value", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=64)), draw(
            st.sampled_from(["application/json", "multipart/form-data; boundary=b"])
        )
    if kind == "object":
        value: Any = draw(st.dictionaries(FIELD_NAMES, JSON_VALUES, max_size=4))
    else:
        value = draw(JSON_VALUES)
    return json.dumps(value).encode(), "application/json"  # json.dumps writes NaN and Infinity as such


@st.composite
def requests(draw: st.DrawFn, ids: dict[str, str]) -> tuple[str, str, bytes, str]:
    route = draw(st.sampled_from(ROUTES))
    path = re.sub(
        r"\{(\w+)\}",
        lambda m: (
            ids[m.group(1)] if draw(st.booleans()) else draw(st.sampled_from(["x", "%00", "..", "a" * 300]))
        ),
        route.template,
    )
    body, content_type = body_for(draw)
    return route.method, path.lstrip("/"), body, content_type


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_request_to_any_route_gets_a_5xx_and_errors_change_nothing(
    server: RunningServer, http: httpx.Client, ids: dict[str, str], data: st.DataObject
) -> None:
    method, path, body, content_type = data.draw(requests(ids))
    before = snapshot(server)
    response = http.request(method, path, content=body, headers={"content-type": content_type})
    assert response.status_code < 500, (
        f"{method} {path} {body[:200]!r}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400:
        assert_api_error(response, response.status_code)
        assert snapshot(server) == before, f"{method} {path} {body[:200]!r} changed the state"
