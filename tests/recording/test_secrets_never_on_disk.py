"""Secrets planted in every place a request or response can carry them never reach the cassette."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import openai
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.recording import Recorder, RecorderConfig, RedactionRules, Redactor
from tests.stub_api import StubAPI

API_KEY = "sk-proj-PLANTEDapiKEY0123456789abcdefXYZ"
ORGANIZATION = "org-PLANTEDorganization01234"
PROJECT = "proj_PLANTEDproject0123456789"
COOKIE = "session=PLANTEDcookieVALUE42"
AZURE_KEY = "PLANTEDazureKEY0123456789"
BEARER = "PLANTEDbearerTOKEN.abc.def0123"
BODY_KEY = "sk-PLANTEDbodyKEY0123456789abcdef"
QUERY_KEY = "sk-PLANTEDqueryKEY0123456789abcdef"
CUSTOM = "PLANTED-customer-email@example.com"
PLANTED = [
    API_KEY,
    ORGANIZATION,
    PROJECT,
    "PLANTEDcookieVALUE42",
    AZURE_KEY,
    BEARER,
    BODY_KEY,
    QUERY_KEY,
    CUSTOM,
]
# What the stub API sends back in its headers: Set-Cookie, openai-organization, openai-project.
RESPONSE_SECRETS = ["stubcookievalue", "org-STUBORGANIZATIONID1234", "proj_STUBPROJECTIDENTIFIER99"]


def test_no_planted_secret_reaches_the_written_cassette(tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    rules = RedactionRules(json_paths=("metadata.email", "received.metadata.email"))
    with (
        StubAPI() as stub,
        Recorder(RecorderConfig(path=path, record_mode="once", redaction=rules)) as recorder,
    ):
        sdk = openai.OpenAI(
            base_url=stub.base_url,
            api_key=API_KEY,
            organization=ORGANIZATION,
            project=PROJECT,
            default_headers={"Cookie": COOKIE, "api-key": AZURE_KEY},
            max_retries=0,
        )
        sdk.beta.assistants.update(
            "asst_1",
            metadata={"email": CUSTOM, "note": f"key {BODY_KEY} and Bearer {BEARER}"},
            extra_query={"key": QUERY_KEY},
        )
        httpx.get(
            stub.base_url + f"/assistants/asst_2?token={QUERY_KEY}", headers={"X-Forward": f"Bearer {BEARER}"}
        )
    written = recorder.save()
    assert written is not None
    text = written.read_text()
    for secret in PLANTED + RESPONSE_SECRETS:
        assert secret not in text, f"{secret!r} was written to {written}"
    # The traffic itself really carried them, so the test would notice if scrubbing stopped.
    sent = json.dumps([(h, b.decode()) for _, _, h, b in stub.requests])
    assert API_KEY in sent and ORGANIZATION in sent and CUSTOM in sent


def test_scrubbing_a_loaded_cassette_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "secrets.yaml"
    with StubAPI() as stub, Recorder(RecorderConfig(path=path, record_mode="once")) as recorder:
        openai.OpenAI(base_url=stub.base_url, api_key=API_KEY, max_retries=0).beta.assistants.retrieve(
            "asst_1"
        )
    recorder.save()
    first = path.read_text()
    with Recorder(RecorderConfig(path=path, record_mode="all")) as again:
        again.cassette.save()  # type: ignore[union-attr]
    assert path.read_text() == first


secretish = st.one_of(
    st.from_regex(r"sk-[A-Za-z0-9_\-]{16,40}", fullmatch=True),
    st.from_regex(r"org-[A-Za-z0-9]{16,30}", fullmatch=True),
    st.from_regex(r"proj_[A-Za-z0-9]{16,30}", fullmatch=True),
    st.from_regex(r"Bearer [A-Za-z0-9._\-]{8,40}", fullmatch=True),
)
padding = st.text(
    alphabet=st.characters(blacklist_characters="-_", categories=("L", "N", "Zs", "P")), max_size=20
)


@settings(max_examples=200, deadline=None)
@given(prefix=padding, secret=secretish, suffix=padding)
def test_redaction_removes_secrets_and_is_idempotent(prefix: str, secret: str, suffix: str) -> None:
    redactor = Redactor()
    value = f"{prefix} {secret} {suffix}"
    once = redactor.text(value)
    assert redactor.text(once) == once
    token = secret.split(" ", 1)[-1]
    assert token not in once


@settings(max_examples=100, deadline=None)
@given(
    document=st.recursive(
        st.one_of(st.text(max_size=10), st.integers(), st.none()),
        lambda inner: st.dictionaries(st.text(min_size=1, max_size=5), inner, max_size=4),
        max_leaves=12,
    )
)
def test_json_path_redaction_is_idempotent(document: object) -> None:
    redactor = Redactor(RedactionRules(json_paths=("*.a", "b")))
    request = {"method": "POST", "uri": "http://x/v1/y", "headers": {}, "body": json.dumps({"b": document})}
    once = redactor.request(request)
    assert redactor.request(once) == once
    assert json.loads(once["body"])["b"] == "REDACTED"


def test_bad_user_rules_are_reported_as_usage_errors() -> None:
    import pytest

    from harness import HarnessError

    with pytest.raises(HarnessError, match="not a valid regular expression"):
        Redactor(RedactionRules(patterns=("(unclosed",)))
    with pytest.raises(HarnessError, match="empty JSON path"):
        Redactor(RedactionRules(json_paths=("..",)))
