"""The bot's greeter, which builds its client when the module is imported, as many applications do.

No fixture is involved: the harness records and replays this client like the fixtures' clients.
"""

from __future__ import annotations

from openai import OpenAI

client = OpenAI()  # made at import time, before any fixture runs


def greeter_name(name: str) -> str:
    """Create the greeter assistant and return the name the API gives back."""
    assistant = client.beta.assistants.create(model="gpt-4o", name=name, instructions="Say hello.")
    return assistant.name or ""
