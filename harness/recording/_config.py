"""The recorder's configuration, resolved once into a frozen object.

Precedence, highest first: command line, ``@pytest.mark.cassette`` keyword, ini option, default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from harness._errors import HarnessError

RecordMode = Literal["none", "once", "new_episodes", "all", "rewrite"]
"""How a cassette treats the network.

- ``none`` (default): replay only; a request not in the cassette is an error and never reaches the network.
- ``once``: record when the cassette file does not exist yet, otherwise behave as ``none``.
- ``new_episodes``: replay what matches, record what does not and append it.
- ``all``: send every request to the network; recorded interactions replace the ones they match.
- ``rewrite``: start from an empty cassette and record everything.
"""

UnusedPolicy = Literal["ignore", "warn", "fail"]
"""What to do with recorded interactions that a test never played."""

ContractsMode = Literal["off", "tolerant", "strict"]
"""How traffic is checked against the contracts: not at all, violations only, or drift too."""

RECORD_MODES: tuple[str, ...] = get_args(RecordMode)
UNUSED_POLICIES: tuple[str, ...] = get_args(UnusedPolicy)
CONTRACTS_MODES: tuple[str, ...] = get_args(ContractsMode)


def _choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise HarnessError(
            f"{option} must be one of {', '.join(choices)}; got {value!r}. "
            f"Fix the command line, the @pytest.mark.cassette keyword or the ini option."
        )
    return value


def parse_record_mode(value: str, option: str = "record_mode") -> RecordMode:
    """Validate a record mode, with an error that lists the accepted values."""
    return _choice(value, RECORD_MODES, option)  # type: ignore[return-value]


def parse_unused_policy(value: str, option: str = "cassette_unused") -> UnusedPolicy:
    """Validate an unused-interactions policy."""
    return _choice(value, UNUSED_POLICIES, option)  # type: ignore[return-value]


def parse_contracts_mode(value: str, option: str = "contracts") -> ContractsMode:
    """Validate a contracts mode."""
    return _choice(value, CONTRACTS_MODES, option)  # type: ignore[return-value]


DEFAULT_RECORD_TIMEOUT = 60.0
"""Seconds a recorded request may wait for a byte from the server (connecting included)."""


def parse_record_timeout(value: object, option: str = "record_timeout") -> float:
    """Validate a recording timeout: a positive, finite number of seconds, given as a number or text."""
    seconds: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        try:
            seconds = float(value.strip())
        except ValueError:
            seconds = None
    if seconds is None or not 0 < seconds < math.inf:
        raise HarnessError(
            f"{option} must be a positive number of seconds (e.g. 60 or 2.5); got {value!r}. "
            f"Fix the command line, the @pytest.mark.cassette keyword or the ini option."
        )
    return seconds


@dataclass(frozen=True, slots=True)
class RedactionRules:
    """What the recorder scrubs before anything reaches disk, on top of the built-in rules.

    Attributes:
        headers: Extra request or response header names (case-insensitive) whose values are replaced.
        patterns: Extra regular expressions; every match in a header, query or body value is replaced.
        json_paths: Extra dotted JSON paths (``*`` matches any key or index) in request and response
            bodies whose values are replaced.
    """

    headers: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    json_paths: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecorderConfig:
    """Everything a :class:`~harness.recording.Recorder` needs to know, resolved and validated.

    Attributes:
        path: The cassette file.
        record_mode: See :data:`RecordMode`.
        unused: See :data:`UnusedPolicy`.
        contracts: See :data:`ContractsMode`.
        redaction: Extra scrubbing rules.
        rerecord_hint: The command that re-records this cassette, quoted in errors.
        match_on: The request parts matching compares (see
            :data:`~harness.recording._matching.MATCHED_PARTS`); by default all of them.
        extra_paths: Further cassettes replayed as well, read-only: never written.
        record_timeout: Seconds a recorded request may go without a byte from the server (to connect,
            to send, to read the response and each chunk of a stream) before it fails with an error
            naming it.
        owner: Who records, named in the error when two recordings of one cassette meet (the plugin
            passes the test's node id).
    """

    path: Path
    record_mode: RecordMode = "none"
    unused: UnusedPolicy = "warn"
    contracts: ContractsMode = "tolerant"
    redaction: RedactionRules = field(default_factory=RedactionRules)
    rerecord_hint: str = ""
    match_on: frozenset[str] = frozenset({"method", "path", "query", "body"})
    extra_paths: tuple[Path, ...] = ()
    record_timeout: float = DEFAULT_RECORD_TIMEOUT
    owner: str = ""

    def __post_init__(self) -> None:
        parse_record_mode(self.record_mode)
        parse_unused_policy(self.unused)
        parse_contracts_mode(self.contracts)
        parse_record_timeout(self.record_timeout)
