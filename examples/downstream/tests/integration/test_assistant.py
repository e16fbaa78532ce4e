"""A module named like one in the other folder: each has its own cassettes (paths follow the file)."""

from __future__ import annotations

import pytest


@pytest.mark.cassette
def test_assistant_name(openai_client):
    assistant = openai_client.beta.assistants.create(model="gpt-4o", name="integration")
    assert openai_client.beta.assistants.retrieve(assistant.id).name == "integration"
    # Each test records against a fresh embedded server: only this test's assistant is listed.
    assert [a.name for a in openai_client.beta.assistants.list()] == ["integration"]
