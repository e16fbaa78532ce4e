"""Deterministic object ids with the prefixes and lengths the hosted API uses.

The generator is seeded, so the same sequence of requests always yields the same ids. Lengths follow the
most recent real recordings: 24 alphanumeric characters for assistants, threads, messages, runs, steps and
tool calls; 22 for files; 32 lowercase hexadecimal digits for vector stores and their file batches.
"""

from __future__ import annotations

import random
import string
from typing import Final, Literal

IdKind = Literal[
    "assistant", "thread", "message", "run", "step", "call", "file", "vector_store", "file_batch"
]

_ALNUM: Final = string.ascii_letters + string.digits
_HEX: Final = "0123456789abcdef"

#: kind -> (prefix, length, alphabet)
_FORMATS: Final[dict[str, tuple[str, int, str]]] = {
    "assistant": ("asst_", 24, _ALNUM),
    "thread": ("thread_", 24, _ALNUM),
    "message": ("msg_", 24, _ALNUM),
    "run": ("run_", 24, _ALNUM),
    "step": ("step_", 24, _ALNUM),
    "call": ("call_", 24, _ALNUM),
    "file": ("file-", 22, _ALNUM),
    "vector_store": ("vs_", 32, _HEX),
    "file_batch": ("vsfb_", 32, _HEX),
}


class IdGenerator:
    """Makes ids such as ``asst_…`` from a seeded pseudo-random sequence.

    Args:
        seed: The seed; two generators with the same seed produce the same ids in the same order. A
            string works too: the pytest plugin seeds each test's ids with its node id.
    """

    def __init__(self, seed: int | str = 0) -> None:
        self._random = random.Random(f"ids:{seed}")
        self._requests = random.Random(f"requests:{seed}")

    def new(self, kind: IdKind) -> str:
        """A fresh id of ``kind`` (for example ``"run"`` gives ``run_`` and 24 alphanumerics)."""
        prefix, length, alphabet = _FORMATS[kind]
        return prefix + "".join(self._random.choice(alphabet) for _ in range(length))

    def request_id(self) -> str:
        """A fresh ``x-request-id`` value (``req_`` and 32 hex digits), from its own sequence."""
        return "req_" + "".join(self._requests.choice(_HEX) for _ in range(32))
